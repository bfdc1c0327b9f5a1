import pino, { type Logger } from 'pino';

/** pino JSON to stdout; components add `component`, requests and devices their ids. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'heatwatch' }, timestamp: pino.stdTimeFunctions.isoTime });
}
