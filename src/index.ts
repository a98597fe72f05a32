/**
 * sansrtc: WebRTC data channels in pure TypeScript.
 *
 * The root export grows as layers land; each protocol is also reachable by its subpath
 * (`sansrtc/core`, `sansrtc/stun`, `sansrtc/sdp`, `sansrtc/sim`, ...).
 */
export * from './core/index.js';
