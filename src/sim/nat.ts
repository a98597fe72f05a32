/**
 * NAT translation state per RFC 4787 (NAT behavioural requirements for UDP), in the
 * classic RFC 3489 §5 vocabulary:
 *
 *   type                mapping (RFC 4787 §4.1)              filtering (RFC 4787 §5)
 *   full-cone           endpoint-independent                 endpoint-independent
 *   address-restricted  endpoint-independent                 address-dependent
 *   port-restricted     endpoint-independent                 address-and-port-dependent
 *   symmetric           address-and-port-dependent           address-and-port-dependent
 *
 * - Mappings are refreshed by outbound packets only (RFC 4787 REQ-6: outbound refresh MUST;
 *   inbound refresh is a MAY that we do not do) and expire `mappingTimeout` ms after the
 *   last outbound packet (REQ-5). An expired mapping is gone: the next packet gets a new
 *   external port (chosen at random, so engines cannot rely on stability).
 * - Filtering permits a remote address (or address and port) for as long as the internal
 *   endpoint has sent to it within `mappingTimeout`.
 * - External ports are random in the NAT's range (default 1024-65535: REQ-4 avoids
 *   well-known ports; a carrier NAT may give each subscriber a block, RFC 7422), or the
 *   internal port when `portPreservation` is on and that port is in range and free.
 *
 * This module is pure state: the network decides what to do with its answers.
 */

import { addressKey, type TransportAddress } from '../core/address.js';
import { randomInt, type Random } from '../core/random.js';
import type { Millis } from '../core/time.js';
import { NAT_MAX_PERMITS_PER_MAPPING } from './constants.js';

export type NatType = 'full-cone' | 'address-restricted' | 'port-restricted' | 'symmetric';

type Filtering = 'endpoint-independent' | 'address' | 'address-and-port';

const FILTERING: Record<NatType, Filtering> = {
  'full-cone': 'endpoint-independent',
  'address-restricted': 'address',
  'port-restricted': 'address-and-port',
  symmetric: 'address-and-port',
};

/** A snapshot of one mapping, for tests and debugging. */
export interface NatMapping {
  readonly internal: TransportAddress;
  readonly external: TransportAddress;
  /** For a symmetric NAT, the one remote endpoint the mapping was made for. */
  readonly remote?: TransportAddress;
  readonly lastOutbound: Millis;
}

interface Mapping {
  readonly key: string;
  readonly internal: TransportAddress;
  readonly external: TransportAddress;
  readonly remote: TransportAddress | undefined;
  lastOutbound: Millis;
  /** Filter key -> time of the last outbound packet to it, least recent first. */
  readonly permits: Map<string, Millis>;
}

export type InboundVerdict = TransportAddress | 'nat-no-mapping' | 'nat-filtered';

/** A NAT's behaviour; see NatOptions in types.ts for the defaults. */
export interface NatTableOptions {
  readonly type: NatType;
  readonly publicAddress: string;
  readonly mappingTimeout: Millis;
  readonly portPreservation: boolean;
  /** External ports to assign from (inclusive). */
  readonly ports: { readonly min: number; readonly max: number };
  readonly rng: Random;
}

export class NatTable {
  readonly type: NatType;
  readonly publicAddress: string;
  readonly mappingTimeout: Millis;
  private readonly family: TransportAddress['family'];
  private readonly filtering: Filtering;
  private readonly portPreservation: boolean;
  private readonly portMin: number;
  private readonly portMax: number;
  private readonly rng: Random;
  private readonly byKey = new Map<string, Mapping>();
  private readonly byPort = new Map<number, Mapping>();

  constructor(options: NatTableOptions) {
    const { min, max } = options.ports;
    if (!(options.mappingTimeout > 0)) {
      throw new RangeError(`NAT mappingTimeout must be > 0, got ${options.mappingTimeout}`);
    }
    if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 1 && min <= max && max <= 65535)) {
      throw new RangeError(`NAT port range must lie within 1-65535, got ${min}-${max}`);
    }
    this.type = options.type;
    this.publicAddress = options.publicAddress;
    this.family = options.publicAddress.includes(':') ? 'IPv6' : 'IPv4';
    this.mappingTimeout = options.mappingTimeout;
    this.filtering = FILTERING[options.type];
    this.portPreservation = options.portPreservation;
    this.portMin = min;
    this.portMax = max;
    this.rng = options.rng;
  }

  /**
   * The external address for a packet from `src` (inside) to `dst` (outside) at `now`,
   * creating or refreshing the mapping; undefined when every port is taken.
   */
  outbound(now: Millis, src: TransportAddress, dst: TransportAddress): TransportAddress | undefined {
    const key = this.type === 'symmetric' ? `${addressKey(src)}>${addressKey(dst)}` : addressKey(src);
    let m = this.byKey.get(key);
    if (m !== undefined && this.expired(m, now)) {
      this.remove(m);
      m = undefined;
    }
    if (m === undefined) {
      const port = this.allocatePort(now, src.port);
      if (port === undefined) return undefined;
      m = {
        key,
        internal: src,
        external: { family: this.family, address: this.publicAddress, port },
        remote: this.type === 'symmetric' ? dst : undefined,
        lastOutbound: now,
        permits: new Map(),
      };
      this.byKey.set(key, m);
      this.byPort.set(port, m);
    }
    m.lastOutbound = now;
    if (this.filtering !== 'endpoint-independent') {
      const permit = this.filterKey(dst);
      m.permits.delete(permit); // re-insert to keep least recently used first
      m.permits.set(permit, now);
      if (m.permits.size > NAT_MAX_PERMITS_PER_MAPPING) {
        m.permits.delete(m.permits.keys().next().value!);
      }
    }
    return m.external;
  }

  /** Where a packet from `from` (outside) to external `port` goes, or why it is refused. */
  inbound(now: Millis, from: TransportAddress, port: number): InboundVerdict {
    const m = this.byPort.get(port);
    if (m === undefined) return 'nat-no-mapping';
    if (this.expired(m, now)) {
      this.remove(m);
      return 'nat-no-mapping';
    }
    if (this.filtering !== 'endpoint-independent') {
      const t = m.permits.get(this.filterKey(from));
      if (t === undefined || now - t >= this.mappingTimeout) return 'nat-filtered';
    }
    return m.internal;
  }

  /** Forgets every mapping (a NAT reboot, or a carrier NAT rebinding its users). */
  clear(): void {
    this.byKey.clear();
    this.byPort.clear();
  }

  /** The live mappings at `now`, oldest first. */
  mappings(now: Millis): NatMapping[] {
    const out: NatMapping[] = [];
    for (const m of this.byKey.values()) {
      if (this.expired(m, now)) continue;
      out.push({
        internal: m.internal,
        external: m.external,
        ...(m.remote ? { remote: m.remote } : {}),
        lastOutbound: m.lastOutbound,
      });
    }
    return out;
  }

  private filterKey(remote: TransportAddress): string {
    return this.filtering === 'address' ? remote.address : addressKey(remote);
  }

  private expired(m: Mapping, now: Millis): boolean {
    return now - m.lastOutbound >= this.mappingTimeout;
  }

  private remove(m: Mapping): void {
    this.byKey.delete(m.key);
    this.byPort.delete(m.external.port);
  }

  private allocatePort(now: Millis, preferred: number): number | undefined {
    const { portMin, portMax } = this;
    const span = portMax - portMin + 1;
    if (this.byPort.size >= span) this.sweep(now);
    if (this.byPort.size >= span) return undefined;
    if (this.portPreservation && preferred >= portMin && preferred <= portMax && this.portFree(preferred, now)) {
      return preferred;
    }
    // A random start, then a linear probe: uniform enough, and bounded.
    let port = randomInt(this.rng, portMin, portMax);
    for (let i = 0; i < span; i++) {
      if (this.portFree(port, now)) return port;
      port = port === portMax ? portMin : port + 1;
    }
    return undefined;
  }

  private portFree(port: number, now: Millis): boolean {
    const m = this.byPort.get(port);
    if (m === undefined) return true;
    if (!this.expired(m, now)) return false;
    this.remove(m);
    return true;
  }

  private sweep(now: Millis): void {
    for (const m of [...this.byKey.values()]) if (this.expired(m, now)) this.remove(m);
  }
}
