/**
 * The Node driver: real UDP sockets and timers for the sans-IO engines.
 *
 * - `listInterfaces` picks local addresses; `UdpSockets` binds one socket per address.
 * - `EngineDriver` runs any engine on a transport with one timer (drain rule).
 * - `nodeMdnsResolver` / `nodeMdnsResponder` resolve and publish `.local` names.
 *
 * Loading this module reads `SANSRTC_DEBUG` (e.g. `sansrtc:*,-sansrtc:sctp`) and, when it
 * is set, enables those log namespaces with a console sink (stderr).
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
