/**
 * The HTTP face: Fastify with OpenAPI at /docs, the JSON API under /api, /metrics, and the
 * built dashboard at /. Bodies are validated by zod in the handlers (the route schemas feed
 * the documentation only), and every error leaves as {error: {code, message}}.
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AppError, type ErrorBody, type ErrorCode } from '../errors.ts';

export interface HttpServerOptions {
  logger: Logger;
  dashboardDir: string;
  version: string;
}

export async function createHttpServer(o: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: o.logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
  });
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    let code: ErrorCode;
    let status: number;
    let message = err.message;
    if (err instanceof AppError) {
      ({ code, status } = err);
    } else if ('statusCode' in err && err.statusCode === 429) {
      [code, status] = ['HW_RATE_LIMITED', 429];
    } else if ('statusCode' in err && err.statusCode === 413) {
      [code, status] = ['HW_PAYLOAD_TOO_LARGE', 413];
    } else if ('statusCode' in err && err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      [code, status] = ['HW_BAD_REQUEST', 400]; // e.g. malformed JSON, wrong content type
    } else {
      [code, status] = ['HW_INTERNAL', 500];
      message = 'Internal error';
      request.log.error({ err }, 'request failed');
    }
    const body: ErrorBody = { error: { code, message } };
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'GET' && !request.url.startsWith('/api/') && fs.existsSync(path.join(o.dashboardDir, 'index.html'))) {
      return reply.sendFile('index.html'); // client-side routes of the dashboard
    }
    const body: ErrorBody = { error: { code: 'HW_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } };
    return reply.code(404).send(body);
  });

  // Asset lists for bulk provisioning arrive as CSV (POST /api/devices/import).
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 64 * 1024 * 1024 }, (_request, body, done) => done(null, body));

  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'HeatWatch API', version: o.version, description: 'District-heating monitor. Log in with POST /api/login and send `Authorization: Bearer <token>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  fs.mkdirSync(o.dashboardDir, { recursive: true });
  await app.register(fastifyStatic, { root: o.dashboardDir, index: ['index.html'], wildcard: false });
  return app;
}
