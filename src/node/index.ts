/**
 * The Node driver: real UDP sockets and timers for the sans-IO engines.
 *
 * - `listInterfaces` picks local addresses; `UdpSockets` binds one socket per address.
 * - `EngineDriver` runs any engine on a transport with one timer (the drain rule).
 * - `nodeMdnsResolver` / `nodeMdnsResponder` resolve and publish `.local` names.
 *
 * ```ts
 * const sockets = await UdpSockets.bind({ addresses: listInterfaces({ includeLoopback: true }) });
 * const agent = new IceAgent({ rng: cryptoRandom, role: 'controlling' });
 * const driver = new EngineDriver({ engine: agent, transport: sockets, onEvent: (e) => ... });
 * for (const address of sockets.localAddresses) driver.input({ type: 'add-local-address', address });
 * driver.input({ type: 'gather' });
 * ...
 * driver.input({ type: 'close' }); // the engine's own close, then
 * await driver.close();            // sockets and timer released, no handles left
 *
 * const mdns = await nodeMdnsResolver(); // IPv4 multicast on every non-loopback interface
 * const address = await mdns.resolve('1f2e....local', 3000); // undefined on timeout
 * ```
 *
 * Loading this module reads `SANSRTC_DEBUG` (e.g. `SANSRTC_DEBUG='sansrtc:*,-sansrtc:sctp'`)
 * and, when it is set, enables those log namespaces with a console sink (stderr).
 */
export * from './constants.js';
export * from './driver.js';
export { applyDebugEnv } from './env.js';
export * from './interfaces.js';
export { literalLookup } from './lookup.js';
export * from './mdns-resolver.js';
export { MdnsSockets, type MdnsSocketsCounter, type MdnsSocketsOptions } from './mdns-sockets.js';
export type { DatagramReceiver, DatagramTransport } from './transport.js';
export {
  type BindFailure,
  UdpSockets,
  type UdpSocketsCounter,
  type UdpSocketsOptions,
} from './udp-sockets.js';
