/**
 * The HTTP face: Fastify with OpenAPI at /docs, the JSON API under /api, /metrics, and the
 * built dashboard at /. Each route's zod schemas validate its input before the handler runs
 * (fastify-type-provider-zod) and are the OpenAPI; every error leaves as {error: {code, message}}.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { AppError, type ErrorBody, type ErrorCode } from '../errors.ts';
import { limitConnectionsPerAddress } from './connection-guard.ts';
import { acceptCsvUploads } from './csv-upload.ts';
import { parseJsonBodies } from './json-body.ts';
import { problemsMessage, validationProblems, type RequestPart } from './parse.ts';

export interface HttpServerOptions {
  logger: Logger;
  dashboardDir: string;
  /** Fastify `trustProxy` (HEATWATCH_TRUST_PROXY): whose X-Forwarded-For gives `request.ip`. */
  trustProxy: boolean | number | string[];
  connectionsPerAddress: number;
  /** Where the map's tiles come from, for the Content-Security-Policy's img-src. */
  imageSources: string[];
  timeouts?: HttpTimeouts;
}

export interface HttpTimeouts {
  /** A whole request, headers and body, must have arrived by then (408 and closed otherwise). */
  requestMs: number;
  /** The headers alone: a client that trickles them holds a socket no longer than this. */
  headersMs: number;
  /** How often Node looks for requests past those limits. */
  checkEveryMs: number;
}

/** A 64 MiB import at 1 MiB/s fits in the request timeout. */
export const HTTP_TIMEOUTS: HttpTimeouts = { requestMs: 120_000, headersMs: 15_000, checkEveryMs: 5_000 };

export async function createHttpServer(o: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: o.logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    // A hop count trusts that many proxies nearest to us.
    trustProxy: typeof o.trustProxy === 'number' ? (_address: string, hop: number) => hop < (o.trustProxy as number) : o.trustProxy,
    serverFactory: (handler) => {
      const t = o.timeouts ?? HTTP_TIMEOUTS;
      return http.createServer({ requestTimeout: t.requestMs, headersTimeout: t.headersMs, connectionsCheckingInterval: t.checkEveryMs }, handler);
    },
    // One info line per request drowns what matters (a dashboard polls, sensors are many):
    // requests are logged at debug, failures by the error handler below.
    logController: new LogController({ disableRequestLogging: true }),
  });
  // Behind a trusted proxy every connection comes from the proxy: the cap would cut everyone.
  if (o.trustProxy === false) limitConnectionsPerAddress(app.server, o.connectionsPerAddress);
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: redactPath(request.url), statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request completed');
  });
  app.setValidatorCompiler(validatorCompiler);
  // Answers are built from typed views; no route declares a response schema to serialize by.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    let code: ErrorCode;
    let status: number;
    let message = err.message;
    if (err instanceof AppError) {
      ({ code, status } = err);
      if (err.retryAfterSec !== undefined) reply.header('retry-after', String(err.retryAfterSec));
    } else if ('validation' in err && Array.isArray(err.validation)) {
      [code, status] = ['HW_BAD_REQUEST', 400];
      message = problemsMessage(validationProblems(err.validation), (err.validationContext ?? 'body') as RequestPart);
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

  parseJsonBodies(app);
  // Asset lists for bulk provisioning arrive as CSV, streamed by the import route alone.
  acceptCsvUploads(app);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Svelte, Leaflet and Swagger UI set style attributes; the acknowledge page has a <style>.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...o.imageSources],
        fontSrc: ["'self'", 'data:'],
        // The alarm's beep is made in the page as a data: WAV (no audio file to ship).
        mediaSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    // Acknowledge links carry their token in the path: never hand it to another site.
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'HeatWatch API', version: 'v1', description: 'District-heating monitor. Log in with POST /api/login and send `Authorization: Bearer <token>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
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

/** How a person on this host reaches the server (0.0.0.0 is not an address to click). */
export function serverUrl(server: http.Server, host: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
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
