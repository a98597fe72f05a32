/**
 * Copies of transmitted packets. Engines may reuse their output buffers, so the network
 * keeps its own copy of every packet; carving copies out of shared slabs costs a memcpy
 * instead of an ArrayBuffer allocation per packet. The copies are views (`byteOffset` is not
 * 0, as with pooled Node Buffers): an engine that keeps one for long keeps its slab alive.
 */

import { PACKET_SLAB_BYTES } from './constants.js';

export class PacketSlab {
  private buf = new Uint8Array(PACKET_SLAB_BYTES);
  private at = 0;

  copy(data: Uint8Array): Uint8Array {
    const n = data.length;
    if (n > PACKET_SLAB_BYTES >> 2) return data.slice();
    if (this.at + n > PACKET_SLAB_BYTES) {
      this.buf = new Uint8Array(PACKET_SLAB_BYTES);
      this.at = 0;
    }
    const view = this.buf.subarray(this.at, this.at + n);
    view.set(data);
    // Keep copies 8-byte aligned, like allocator-returned buffers.
    this.at += (n + 7) & ~7;
    return view;
  }
}
