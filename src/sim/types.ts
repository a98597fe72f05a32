/**
 * Options and result types of the simulator's public API.
 */

import type { TransportAddress } from '../core/address.js';
import type { Millis } from '../core/time.js';
import type { LinkParams } from './link.js';
import type { NatType } from './nat.js';
import type { NatBox } from './topology.js';
import type { TraceOptions } from './trace.js';

export interface NetworkOptions {
  /** Seed of every random choice the network makes (default 0). */
  readonly seed?: number;
  /** Trace settings, or false to keep neither entries nor hash (long benchmarks). */
  readonly trace?: TraceOptions | false;
  /** Events kept per engine (older ones are discarded first). */
  readonly eventLimit?: number;
  /** Default cap on events processed by one run/runUntil call. */
  readonly maxSteps?: number;
  /** Most events (packets in flight, timers, actions) queued at once; more throws `sim-overflow`. */
  readonly maxPendingEvents?: number;
}

/** Link settings: shared parameters, optionally overridden per direction (forward is a->b). */
export type LinkOptions = Partial<LinkParams> & {
  readonly forward?: Partial<LinkParams>;
  readonly backward?: Partial<LinkParams>;
};

export interface NatOptions {
  readonly type: NatType;
  readonly publicAddress: string;
  readonly name?: string;
  /** Mapping lifetime without outbound traffic (default 300 s, RFC 4787 REQ-5). */
  readonly mappingTimeout?: Millis;
  /** Deliver packets from inside to the NAT's own public address back inside (RFC 4787 REQ-9). Default off. */
  readonly hairpinning?: boolean;
  /** Keep the internal port as the external one when it is free (default off: random ports). */
  readonly portPreservation?: boolean;
  /** External ports the NAT assigns (default 1024-65535; a carrier NAT may give out small blocks). */
  readonly portRange?: { readonly min: number; readonly max: number };
  /** The NAT whose inside this NAT's public side is in (double NAT, CGN). */
  readonly behind?: NatBox;
}

export interface AttachOptions<Ev> {
  /** Port to bind (default: an ephemeral port from 49152 up). */
  readonly port?: number;
  /** Several ports to bind instead of `port`. */
  readonly ports?: readonly number[];
  /** Bind one host address only (default: every address of the host, like 0.0.0.0). */
  readonly address?: string;
  /** Destination for Transmits without `to` (address-less engines: DTLS, SCTP). */
  readonly defaultPeer?: TransportAddress;
  /** Called with each non-transmit output as it is drained. */
  readonly onEvent?: (event: Ev, time: Millis) => void;
}

/** A packet as an interceptor sees it (the data is the network's copy: do not keep it). */
export interface InterceptedPacket {
  /** Packet id, as in the trace. */
  readonly id: number;
  readonly time: Millis;
  readonly from: TransportAddress;
  readonly to: TransportAddress;
  readonly data: Uint8Array;
  /** The sending host's name. */
  readonly host: string;
}

/** false drops the packet, a Uint8Array replaces its payload, anything else lets it pass. */
export type Interceptor = (packet: InterceptedPacket) => boolean | Uint8Array | void;

export interface RecordedEvent<Ev> {
  readonly time: Millis;
  readonly event: Ev;
}

export interface RunOptions {
  /** Stop at this virtual time (absolute); the clock ends there. */
  readonly until?: Millis;
  /** Stop after this much virtual time (relative to now). */
  readonly for?: Millis;
  readonly maxSteps?: number;
}

export interface RunUntilOptions {
  /** Virtual time budget from now (default 60 s). */
  readonly timeout?: Millis;
  readonly maxSteps?: number;
}

export interface NetworkStats {
  readonly sent: number;
  readonly delivered: number;
  readonly dropped: number;
  readonly duplicated: number;
  /** Packets still on links or queued: sent + duplicated - delivered - dropped. */
  readonly inFlight: number;
}
