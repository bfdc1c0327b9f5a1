/** Planned heat stops (计划停热): what dispatch registers (POST /api/outages) and what the API shows. */
import { z } from 'zod';

export const newOutageSchema = z
  .object({
    substationId: z.string().min(1).max(64),
    startsAt: z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
    endsAt: z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
    reason: z.string().trim().min(1).max(500),
  })
  .strict();

export interface OutageView {
  id: number;
  substationId: string;
  startsAt: string;
  endsAt: string;
  reason: string;
  registeredAt: string;
  registeredBy: string;
  /** Registered less than 24 h before it starts: the customers' notice (服务承诺 二.1(3)) was broken. */
  lateNotice: boolean;
}
