import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { BrokerInfo } from '../../contracts/broker-info.ts';
import type { MapConfig } from '../../contracts/map-config.ts';
import { ALL_ROLES, type RoleGuard } from '../authorize.ts';

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSec: number;
  store: { name: string; state: 'ok' | 'degraded'; backlog: number; detail?: string };
  mqtt: { mode: 'embedded' | 'external'; connected: boolean; devicesConnected: number };
  devices: number;
}

export function registerSystemRoutes(app: FastifyInstance, deps: { health: () => HealthReport; broker: BrokerInfo; registry: Registry; map: MapConfig; allow: RoleGuard }) {
  // Public on purpose: load balancers, docker healthchecks and Prometheus call these without a
  // login. Neither says anything about a device or a user.
  app.get('/api/health', { schema: { tags: ['system'], summary: 'Liveness and store state', security: [] } }, async (_request, reply) => {
    const report = deps.health();
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
  app.get('/metrics', { schema: { tags: ['system'], summary: 'Prometheus metrics', security: [], hide: true } }, async (_request, reply) => {
    reply.header('content-type', deps.registry.contentType);
    return deps.registry.metrics();
  });
  // Behind the login: a Tianditu key in the tile URL is the operator's, not the public's.
  app.get('/api/broker', { schema: { tags: ['system'], summary: 'Where devices connect: the embedded broker\'s port, or the external broker' }, preHandler: deps.allow(...ALL_ROLES) }, async () => deps.broker);
  app.get('/api/map', { schema: { tags: ['system'], summary: "The dashboard's base map: tile layers and their datum" }, preHandler: deps.allow(...ALL_ROLES) }, async () => deps.map);
}
