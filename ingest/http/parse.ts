/** Validation at the HTTP edge: zod, and a 400 that lists every problem. */
import type { z } from 'zod';
import { AppError } from '../errors.ts';

export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' = 'body'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${where === 'query' ? 'query ' : ''}${i.path.join('.') || where}: ${i.message}`);
  throw new AppError('HW_BAD_REQUEST', problems.join('; '));
}
