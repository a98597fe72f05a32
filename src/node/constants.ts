/**
 * Node driver constants, each with the reason for its value.
 */

/**
 * Socket receive and send buffer size asked of the kernel (bytes). At the ~50 MB/s one
 * Node process can move over UDP, 1 MiB holds ~20 ms of traffic, enough to ride out a
 * garbage-collection pause without kernel drops. Linux caps it at net.core.rmem_max /
 * wmem_max unless the process is privileged, so this is a request, not a promise.
 */
export const SOCKET_BUFFER_BYTES = 1 << 20;

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
