/**
 * Device authentication for an external broker that asks over HTTP (EMQX 5's HTTP authenticator,
 * DESIGN.md §11): HeatWatch answers whether a device id and secret are one it provisioned, and
 * what the device may then do — publish its own telemetry and status, nothing else (EMQX ≥ 5.8
 * applies the `acl` of the answer). Only the broker may ask: the request carries the token set in
 * HEATWATCH_BROKER_AUTH_TOKEN; without that setting the route does not exist.
 *
 * Answers, as EMQX reads them: `allow` (with the ACL), `deny` (a provisioned device, a wrong
 * secret), `ignore` (not a device HeatWatch knows: the broker's next authenticator decides, e.g.
 * its own database holding the nodes' ingest account).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { statusTopic, telemetryTopic } from '../../contracts/topics.ts';
import { AppError } from '../../errors.ts';
import type { DeviceRegistry } from '../../ports/device-registry.ts';
import { DEVICE_SECRET_COST, decoy, sameToken, verifySecret } from '../../security/secrets.ts';

export interface BrokerAuthRouteDeps {
  registry: Pick<DeviceRegistry, 'credentials'>;
  token: string;
}

const authRequest = z.object({
  username: z.string().max(128),
  password: z.string().max(256),
  clientid: z.string().max(256).optional(),
});

export function registerBrokerAuthRoutes(fastify: FastifyInstance, { registry, token }: BrokerAuthRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/broker/authenticate',
    {
      schema: { tags: ['system'], summary: "An external broker asks whether a device's id and secret are right (EMQX HTTP authentication)", body: authRequest, security: [] },
      bodyLimit: 4096,
      onRequest: async (request) => {
        const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
        if (bearer === undefined || !sameToken(bearer, token)) throw new AppError('HW_UNAUTHENTICATED', 'the broker sends the token set in HEATWATCH_BROKER_AUTH_TOKEN');
      },
    },
    async (request) => {
      const { username, password } = request.body;
      const found = await registry.credentials(username);
      // An unknown id costs the same scrypt as a known one: no timing oracle for device ids.
      const ok = await verifySecret(password, found?.secretHash ?? (await decoy(DEVICE_SECRET_COST)));
      if (!found) return { result: 'ignore' };
      if (!ok) return { result: 'deny' };
      const { kind, id } = found.device;
      return {
        result: 'allow',
        is_superuser: false,
        acl: [
          { permission: 'allow', action: 'publish', topic: telemetryTopic(kind, id) },
          { permission: 'allow', action: 'publish', topic: statusTopic(kind, id) },
          { permission: 'deny', action: 'all', topic: '#' },
        ],
      };
    },
  );
}
