import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.ts';
import type { Registry } from 'prom-client';
import type { BrokerInfo } from '../../contracts/broker-info.ts';
import type { MapConfig } from '../../contracts/map-config.ts';
import type { RuleNumbers } from '../../contracts/rule-numbers.ts';
import { ALL_ROLES, type RoleGuard } from '../authorize.ts';
import { sameToken } from '../../security/secrets.ts';

export interface HealthReport {
  status: 'ok' | 'degraded';
  uptimeSec: number;
  store: { name: string; state: 'ok' | 'degraded'; backlog: number; detail?: string };
  mqtt: { mode: 'embedded' | 'external'; connected: boolean; devicesConnected: number };
  devices: number;
  /** This node runs the rules and sends the pages (always, alone; one of several on PostgreSQL). */
  rulesLeader: boolean;
}

export interface SystemRouteDeps {
  health: () => HealthReport;
  broker: BrokerInfo;
  registry: Registry;
  /** Bearer token for /metrics (HEATWATCH_METRICS_TOKEN); without one, loopback callers only. */
  metricsToken?: string;
  map: MapConfig;
  /** The rule numbers in force (they follow a reloaded rules file). */
  ruleNumbers: () => RuleNumbers;
  allow: RoleGuard;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function registerSystemRoutes(app: FastifyInstance, deps: SystemRouteDeps) {
  // Public on purpose: load balancers and docker healthchecks call it without a login. It says
  // nothing about a device, a user or the version running.
  app.get('/api/health', { schema: { tags: ['system'], summary: 'Liveness and store state', security: [] } }, async (_request, reply) => {
    const report = deps.health();
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
  // Metrics describe the fleet and the load: for Prometheus on this host, or one holding the token.
  app.get('/metrics', { schema: { tags: ['system'], summary: 'Prometheus metrics', security: [], hide: true } }, async (request, reply) => {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const allowed = deps.metricsToken ? bearer !== undefined && sameToken(bearer, deps.metricsToken) : LOOPBACK.has(request.ip);
    if (!allowed) {
      throw new AppError('HW_FORBIDDEN', deps.metricsToken ? 'metrics need the bearer token set in HEATWATCH_METRICS_TOKEN' : 'metrics answer this host only; set HEATWATCH_METRICS_TOKEN to scrape from elsewhere');
    }
    reply.header('content-type', deps.registry.contentType);
    return deps.registry.metrics();
  });
  // Behind the login: a Tianditu key in the tile URL is the operator's, not the public's.
  app.get('/api/broker', { schema: { tags: ['system'], summary: 'Where devices connect: the embedded broker\'s port, or the external broker' }, onRequest: deps.allow(...ALL_ROLES) }, async () => deps.broker);
  app.get('/api/map', { schema: { tags: ['system'], summary: "The dashboard's base map: tile layers and their datum" }, onRequest: deps.allow(...ALL_ROLES) }, async () => deps.map);
  app.get('/api/rules', { schema: { tags: ['system'], summary: 'The rule numbers in force: the room threshold, a sudden drop, offline' }, onRequest: deps.allow(...ALL_ROLES) }, async () => deps.ruleNumbers());
}
