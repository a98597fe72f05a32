/**
 * Node driver constants, each with the reason for its value.
 */

/**
 * Socket receive and send buffer size asked of the kernel (bytes). The kernel charges each
 * 1.2 KB datagram about twice its size (skb overhead), so 1 MiB (doubled to 2 MiB by Linux)
 * held under 1 MiB of SCTP payload: bursts of a 4 MiB congestion window overflowed it, and
 * every drop cost a retransmission timeout. With 4 MiB, bench/datapath.ts 32 MiB went from
 * 16-25 retransmitted chunks per run to none, and from 7.6-17.6 to 20.5-25.0 MiB/s (three
 * alternating runs each). Linux caps the request at net.core.rmem_max / wmem_max unless the
 * process is privileged (Debian's default is 208 KiB), so this is a request, not a promise.
 */
export const SOCKET_BUFFER_BYTES = 4 << 20;

/** setTimeout's largest delay (2^31 - 1 ms); longer deadlines are re-armed when it fires. */
export const MAX_TIMER_DELAY_MS = 0x7fff_ffff;

/**
 * Commands a driver accepts while it is already inside the engine (from an event callback
 * that calls `input`): they run after the current drain, in order. A callback that keeps
 * adding more than this in one drain is a bug, and `input` throws.
 */
export const MAX_REENTRANT_COMMANDS = 4096;

/** RFC 6762 11: mDNS packets go out with IP TTL (hop limit) 255. */
export const MDNS_MULTICAST_TTL = 255;
