/**
 * better-sqlite3 answers synchronously; the ports are asynchronous because PostgreSQL's driver is
 * (issue 18). A SQLite store is written synchronously and offered through the port with this: each
 * method runs at once, as before, its result (or its error) handed back as a settled Promise.
 */
export type Synchronous<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};

export function asynchronous<T extends object>(store: Synchronous<T>): T {
  const port: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(store)) {
    port[name] = typeof member === 'function' ? async (...args: unknown[]) => (member as (...a: unknown[]) => unknown)(...args) : member;
  }
  return port as T;
}
