/**
 * sansrtc/sim: a deterministic network simulator for testing sans-IO engines.
 * See README.md in this folder for an example.
 */
export { Network } from './network.js';
export { Attachment, type EngineCounter } from './attachment.js';
export type {
  AttachOptions,
  InterceptedPacket,
  Interceptor,
  LinkOptions,
  NatOptions,
  NetworkOptions,
  NetworkStats,
  RecordedEvent,
  RunOptions,
  RunUntilOptions,
} from './types.js';
export { connectPair, type Pair, type PairOptions } from './pair.js';
export { Host, Link, NatBox, Router, type Node, type Realm, type Socket } from './topology.js';
export { LinkDirection, type DropReason, type GilbertElliott, type LinkCounter, type LinkParams } from './link.js';
export type { NatMapping, NatType } from './nat.js';
export { formatTrace, type TraceEntry, type TraceKind, type TraceOptions } from './trace.js';
