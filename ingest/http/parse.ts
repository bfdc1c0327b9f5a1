/** Validation at the HTTP edge: zod, and a 400 that lists every problem. */
import type { z } from 'zod';
import { HttpError } from './errors.ts';

export function parseOr400<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
  throw new HttpError('HW_BAD_REQUEST', problems.join('; '));
}
