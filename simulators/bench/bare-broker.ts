/** Baseline for the bench: aedes with no auth, no hooks, no storage — just the relay. */
import net from 'node:net';
import { Aedes } from 'aedes';

const broker = await Aedes.createBroker();
// The same socket options as HeatWatch's broker, so the comparison is of the work, not of Nagle.
const server = net.createServer({ noDelay: true }, (socket) => broker.handle(socket));
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as net.AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
