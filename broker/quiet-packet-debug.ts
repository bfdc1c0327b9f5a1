/**
 * mqtt-packet (aedes' parser and writer, and the mqtt client's) calls `debug()` a dozen times per
 * packet. With debugging off, each call still gathers its arguments into an array and asks the
 * logger whether it is on: ~5 % of the main thread, and garbage, at 90 000 messages/s. Its
 * loggers are made no-ops here unless DEBUG names them. Imported before anything loads
 * mqtt-packet (the entry points, the broker); every other user of `debug` gets the real one.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

type DebugFactory = ((namespace: string) => unknown) & { enabled(namespace: string): boolean };

const require = createRequire(import.meta.url);
// The `debug` mqtt-packet itself resolves.
const file = require.resolve('debug', { paths: [path.dirname(require.resolve('mqtt-packet'))] });
const real = require(file) as DebugFactory;
const entry = require.cache[file];

function off(): void {}
Object.assign(off, { enabled: false, namespace: 'mqtt-packet', log: off, extend: () => off, destroy: () => true });

if (entry && entry.exports === real) {
  entry.exports = new Proxy(real, {
    apply(target, self, args: [string]) {
      const [namespace] = args;
      return typeof namespace === 'string' && namespace.startsWith('mqtt-packet:') && !target.enabled(namespace) ? off : Reflect.apply(target, self, args);
    },
  });
}
