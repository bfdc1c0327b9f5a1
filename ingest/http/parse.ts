/**
 * Validation at the HTTP edge: each route declares zod schemas for its body, query string and
 * parameters (fastify-type-provider-zod), which give the validation, the handler's types and the
 * OpenAPI at /docs. A refusal is a 400 HW_BAD_REQUEST listing every problem as `field: problem`.
 */
import type { z } from 'zod';
import { AppError } from '../errors.ts';

/** Where a problem was found, as the message names it. */
export type RequestPart = 'body' | 'querystring' | 'params' | 'headers';

export interface Problem {
  /** `a.b.0`, or '' for the part as a whole. */
  path: string;
  message: string;
}

/** "query limit: Too big; body: expected object" — one line for people, every problem in it. */
export function problemsMessage(problems: readonly Problem[], part: RequestPart): string {
  const where = part === 'querystring' ? 'query' : part;
  return problems.map((p) => `${part === 'body' ? '' : `${where} `}${p.path || where}: ${p.message}`).join('; ');
}

/** Fastify's validation errors (from the zod validator compiler) as problems. */
export function validationProblems(validation: readonly { instancePath?: string; message?: string }[]): Problem[] {
  return validation.map((v) => ({ path: (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.'), message: v.message ?? 'invalid' }));
}

/**
 * For a value built inside a handler (a channel with its kept secrets merged back): the same
 * refusal as a schema on the route gives.
 */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError('HW_BAD_REQUEST', problemsMessage(result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })), 'body'));
}
