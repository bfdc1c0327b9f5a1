/**
 * Failed CONNECTs, counted per source address and per (address, device id). Checking a secret
 * costs an scrypt; a budget that is used up is answered at once (CONNACK 3, "server
 * unavailable": try later) without one, so 2 000 bad logins cannot take the CPU that real
 * devices need. Only failures spend a budget, and it comes back with time:
 * - per (address, device id), small: a sensor with a wrong secret, or a guesser of one device's
 *   secret, is slowed to a try every few seconds, and stops only itself;
 * - per address, large: a guesser of many device ids is slowed too, while a carrier NAT with
 *   thousands of sensors, a few of them misconfigured, stays well inside it.
 */
export interface LoginThrottle {
  /** True when a budget is used up: refuse without checking the secret. */
  blocked(address: string, username: string, now: number): boolean;
  failed(address: string, username: string, now: number): void;
}

export interface Budget {
  burst: number;
  perSecond: number;
}

export const LOGIN_BUDGETS: { address: Budget; device: Budget } = {
  address: { burst: 500, perSecond: 50 },
  device: { burst: 10, perSecond: 0.2 },
};

/** Keys remembered at most per budget; the least recently failing are forgotten first. */
const MAX_KEYS = 10_000;

/** Failures per key, decaying at the budget's rate; the Map's order is that of the last failure. */
function createCounter(budget: Budget) {
  const failures = new Map<string, { count: number; at: number }>();
  const decayed = (entry: { count: number; at: number }, now: number) => Math.max(0, entry.count - ((now - entry.at) / 1000) * budget.perSecond);
  return {
    spent(key: string, now: number): boolean {
      const entry = failures.get(key);
      return entry !== undefined && decayed(entry, now) >= budget.burst;
    },
    add(key: string, now: number): void {
      const entry = failures.get(key);
      const count = (entry ? decayed(entry, now) : 0) + 1;
      failures.delete(key);
      failures.set(key, { count, at: now });
      if (failures.size > MAX_KEYS) failures.delete(failures.keys().next().value!);
    },
  };
}

export function createLoginThrottle(budgets = LOGIN_BUDGETS): LoginThrottle {
  const byAddress = createCounter(budgets.address);
  const byDevice = createCounter(budgets.device);
  const pair = (address: string, username: string) => `${address}\u0000${username}`;
  return {
    blocked: (address, username, now) => byAddress.spent(address, now) || byDevice.spent(pair(address, username), now),
    failed(address, username, now) {
      byAddress.add(address, now);
      byDevice.add(pair(address, username), now);
    },
  };
}
