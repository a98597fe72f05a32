/**
 * The agent's TURN allocations (RFC 8445 5.1.1.2 relayed candidates), one per configured
 * server, each a sans-IO TurnClient sending from a host socket. Client outputs become
 * RelayEvents the agent drains: transmits to the server, relayed candidates, failures and
 * packets that peers sent to our relayed addresses.
 */

import { OutputQueue, sameAddress } from '../core/index.js';
import type { Datagram, Millis, Random, Transmit, TransportAddress } from '../core/index.js';
import { TurnClient } from '../turn/index.js';
import { relayCandidate } from './candidates.js';
import type { LocalCandidate } from './checklist.js';
import { RELAY_ALLOCATE_TIMEOUT } from './constants.js';
import type { TurnServerConfig } from './types.js';

interface Relay {
  readonly index: number;
  readonly client: TurnClient;
  readonly host: LocalCandidate;
  readonly server: TransportAddress;
  state: 'allocating' | 'ready' | 'failed';
  /** While allocating: when to give up (RELAY_ALLOCATE_TIMEOUT). */
  readonly giveUpAt: Millis;
  /** The relayed candidate, once allocated. */
  local: LocalCandidate | undefined;
  /** The server-reflexive address the server saw (RFC 8656 7.3 XOR-MAPPED-ADDRESS). */
  mapped: TransportAddress | undefined;
}

/** A working allocation: its relayed candidate, and the mapped address it revealed. */
export interface Allocation {
  readonly local: LocalCandidate;
  readonly host: LocalCandidate;
  readonly mapped: TransportAddress;
  readonly server: TransportAddress;
}

export type RelayEvent =
  | { readonly type: 'transmit'; readonly transmit: Transmit }
  | { readonly type: 'allocated'; readonly allocation: Allocation }
  /** The allocation failed or was lost; `local` is its candidate if it had one. */
  | { readonly type: 'failed'; readonly local: LocalCandidate | undefined; readonly reason: string }
  | { readonly type: 'data'; readonly local: LocalCandidate; readonly from: TransportAddress; readonly data: Uint8Array }
  | { readonly type: 'permission-failed' };

export class Relays {
  private readonly list: Relay[] = [];
  /** Relayed candidates that are allocated. */
  readonly locals: LocalCandidate[] = [];
  /** Drained by the agent right after each call into this class, so it never accumulates. */
  private readonly events = new OutputQueue<RelayEvent>();
  private readonly rng: Random;

  constructor(rng: Random) {
    this.rng = rng;
  }

  get size(): number {
    return this.list.length;
  }

  get allocating(): boolean {
    return this.list.some((r) => r.state === 'allocating');
  }

  /**
   * Allocates on each server of `host`'s family that has no allocation yet. Returns the
   * allocations that already exist through `host` (to signal again after a restart).
   */
  gather(host: LocalCandidate, servers: readonly TurnServerConfig[], now: Millis): Allocation[] {
    const existing: Allocation[] = [];
    for (const cfg of servers) {
      if (cfg.server.family !== host.base.family) continue;
      const known = this.list.find((r) => sameAddress(r.server, cfg.server));
      if (known) {
        if (known.local && known.mapped && known.host === host) existing.push(allocation(known, known.local, known.mapped));
        continue;
      }
      const client = new TurnClient({
        server: cfg.server,
        local: host.base,
        username: cfg.username,
        password: cfg.password,
        rng: this.rng,
      });
      const relay: Relay = {
        index: this.list.length,
        client,
        host,
        server: cfg.server,
        state: 'allocating',
        giveUpAt: now + RELAY_ALLOCATE_TIMEOUT,
        local: undefined,
        mapped: undefined,
      };
      this.list.push(relay);
      client.handleInput(now, { type: 'allocate' });
      this.pump(relay);
    }
    return existing;
  }

  /** Sends `data` to `to` through the relay of `local` (a relayed candidate). */
  send(local: LocalCandidate, to: TransportAddress, data: Uint8Array, now: Millis): void {
    const r = this.list[local.relay]!;
    r.client.handleInput(now, { type: 'send', peer: to, data });
    this.pump(r);
  }

  /** RFC 8656 9: lets `peer` reach the relayed address of `local`. */
  permit(local: LocalCandidate, peer: TransportAddress, now: Millis): void {
    const r = this.list[local.relay]!;
    r.client.handleInput(now, { type: 'permit', peer });
    this.pump(r);
  }

  /** Feeds a datagram from a TURN server to its client; false when it is not from one. */
  input(d: Datagram, now: Millis): boolean {
    for (const r of this.list) {
      if (!sameAddress(d.from, r.server) || !sameAddress(d.to, r.host.base)) continue;
      r.client.handleInput(now, d);
      this.pump(r);
      return true;
    }
    return false;
  }

  handleTimeout(now: Millis): void {
    for (const r of this.list) {
      if (r.state === 'allocating' && now >= r.giveUpAt) {
        r.client.handleInput(now, { type: 'close' });
        this.pump(r);
        this.fail(r, 'allocation timed out');
        continue;
      }
      const due = r.client.pollTimeout();
      if (due !== undefined && due <= now) {
        r.client.handleTimeout(now);
        this.pump(r);
      }
    }
  }

  pollTimeout(): Millis | undefined {
    let t: Millis | undefined;
    for (const r of this.list) {
      const due = r.client.pollTimeout();
      if (due !== undefined && (t === undefined || due < t)) t = due;
      if (r.state === 'allocating' && (t === undefined || r.giveUpAt < t)) t = r.giveUpAt;
    }
    return t;
  }

  /** RFC 8656 7.3: releases every allocation (a Refresh with lifetime 0). */
  close(now: Millis): void {
    for (const r of this.list) {
      r.client.handleInput(now, { type: 'close' });
      this.pump(r);
    }
  }

  poll(): RelayEvent | undefined {
    return this.events.shift();
  }

  private pump(r: Relay): void {
    for (let o = r.client.pollOutput(); o !== undefined; o = r.client.pollOutput()) {
      switch (o.type) {
        case 'transmit':
          this.events.push({ type: 'transmit', transmit: { type: 'transmit', data: o.data, from: r.host.base, to: o.to ?? r.server } });
          break;
        case 'data':
          if (r.local) this.events.push({ type: 'data', local: r.local, from: o.peer, data: o.data });
          break;
        case 'allocated':
          if (!r.local && r.state === 'allocating') {
            r.state = 'ready';
            r.mapped = o.mapped;
            r.local = relayCandidate(r.host, o.relayed, o.mapped, r.server, r.index);
            this.locals.push(r.local);
            this.events.push({ type: 'allocated', allocation: allocation(r, r.local, o.mapped) });
          }
          break;
        case 'failed':
          this.fail(r, o.error.message);
          break;
        case 'permission-failed':
          this.events.push({ type: 'permission-failed' });
          break;
        case 'closed':
          break;
      }
    }
  }

  private fail(r: Relay, reason: string): void {
    if (r.state === 'failed') return;
    r.state = 'failed';
    const local = r.local;
    if (local) this.locals.splice(this.locals.indexOf(local), 1);
    r.local = undefined;
    this.events.push({ type: 'failed', local, reason });
  }
}

function allocation(r: Relay, local: LocalCandidate, mapped: TransportAddress): Allocation {
  return { local, host: r.host, mapped, server: r.server };
}
