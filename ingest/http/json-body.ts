/**
 * JSON bodies as Fastify parses them (prototype poisoning refused), but never nested deeper than
 * any HeatWatch body needs: a 1 MiB body of 500 000 brackets would otherwise reach a validator
 * or a secret-redacting walk that recurses once per level and fails with a 500.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

/** The deepest body HeatWatch takes (a roster: object → teams → team → substations) is 4. */
export const MAX_JSON_DEPTH = 32;

/** How deep arrays and objects nest in `text`, counted outside strings; stops past `limit`. */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

export function parseJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDepth(body as string, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      return done(new AppError('HW_BAD_REQUEST', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    }
    parse(request, body as string, done);
  });
}
