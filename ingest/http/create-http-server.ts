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
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
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
    // One info line per request drowns what matters (a dashboard polls, sensors are many):
    // requests are logged at debug, failures by the error handler below.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: redactPath(request.url), statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request completed');
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
  const indexFile = path.join(o.dashboardDir, 'index.html');
  app.setNotFoundHandler((request, reply) => {
    if (isPageRequest(request.method, request.url) && fs.existsSync(indexFile)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html'); // client-side routes of the dashboard
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
  if (!fs.existsSync(indexFile)) {
    o.logger.warn({ dashboardDir: o.dashboardDir }, 'dashboard not built: / answers 404 until `npm run build` (npm start builds it when dev dependencies are installed)');
  }
  await app.register(fastifyStatic, {
    root: o.dashboardDir,
    index: ['index.html'],
    // Looked up on disk per request, not listed once at start: a rebuild while running is served
    // at once, and a missing asset is a 404 (never index.html under a script's name).
    wildcard: true,
    cacheControl: false,
    setHeaders: (reply, filePath) => {
      // Hashed assets never change; index.html names the current ones, so it is revalidated.
      reply.header('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return app;
}

/** A browser asking for a page of the single-page dashboard: not the API, not a file. */
function isPageRequest(method: string, url: string): boolean {
  const pathname = url.split('?')[0]!;
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (pathname.startsWith('/api/') || pathname.startsWith('/assets/')) return false;
  return !/\.[A-Za-z0-9]+$/.test(pathname);
}

/** Signed acknowledge links carry their token in the path: it stays out of the logs. */
function redactPath(url: string): string {
  return url.startsWith('/ack/') ? '/ack/[token]' : url.split('?')[0]!;
}
