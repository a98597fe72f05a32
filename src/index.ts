/**
 * sansrtc: WebRTC data channels in pure TypeScript.
 *
 * The root export is the W3C API for Node (`RTCPeerConnection`, `RTCDataChannel`, ...) and
 * the base types. Each protocol engine has its own subpath: `sansrtc/core`, `sansrtc/stun`,
 * `sansrtc/sdp`, `sansrtc/ice`, `sansrtc/turn`, `sansrtc/mdns`, `sansrtc/dtls`,
 * `sansrtc/sctp`, `sansrtc/datachannel`, `sansrtc/peer`, `sansrtc/node`, `sansrtc/sim`.
 */
export * from './core/index.js';
export * from './w3c/index.js';
