/**
 * Test fixture: two SCTP associations over a simulated link (src/sim), and a checker for
 * the messages each side received.
 */

import assert from 'node:assert/strict';
import { transportAddress } from '../core/address.js';
import type { Datagram } from '../core/engine.js';
import { Network, type Link, type LinkOptions } from '../sim/index.js';
import { SctpAssociation, type SctpAssociationOptions, type SctpCommand, type SctpEvent, type SctpOutput } from './association.js';
import { decodePacket, type Chunk } from './chunks.js';

export interface SctpPair {
  readonly net: Network;
  readonly link: Link;
  readonly a: SctpAssociation;
  readonly b: SctpAssociation;
  /** Events of each side in order. */
  readonly eventsA: SctpEvent[];
  readonly eventsB: SctpEvent[];
  send(side: SctpAssociation, cmd: SctpCommand): void;
  /** Runs until both sides report 'connected' (false on timeout). */
  connect(timeout?: number): boolean;
}

export function sctpPair(
  seed: number,
  link: LinkOptions = {},
  opts: Partial<SctpAssociationOptions> = {},
): SctpPair {
  const net = new Network({ seed, trace: false });
  const ha = net.addHost('a', ['10.0.0.1']);
  const hb = net.addHost('b', ['10.0.0.2']);
  const l = net.link(ha, hb, link);
  const a = new SctpAssociation({ role: 'client', rng: net.random(), ...opts });
  const b = new SctpAssociation({ role: 'server', rng: net.random(), ...opts });
  const eventsA: SctpEvent[] = [];
  const eventsB: SctpEvent[] = [];
  net.attach(ha, a, { port: 5000, defaultPeer: transportAddress('10.0.0.2', 5000), onEvent: (e) => eventsA.push(e) });
  net.attach(hb, b, { port: 5000, defaultPeer: transportAddress('10.0.0.1', 5000), onEvent: (e) => eventsB.push(e) });
  return {
    net,
    link: l,
    a,
    b,
    eventsA,
    eventsB,
    send: (side, cmd) => net.inject(side, cmd),
    connect(timeout = 30_000) {
      net.inject(a, { type: 'connect' });
      net.inject(b, { type: 'connect' });
      return net.runUntil(
        () => eventsA.some((e) => e.type === 'connected') && eventsB.some((e) => e.type === 'connected'),
        { timeout },
      );
    },
  };
}

/** Messages received in `events`, per stream, in arrival order. */
export function messagesByStream(events: readonly SctpEvent[]): Map<number, Uint8Array[]> {
  const m = new Map<number, Uint8Array[]>();
  for (const e of events) {
    if (e.type !== 'message') continue;
    let l = m.get(e.streamId);
    if (!l) m.set(e.streamId, (l = []));
    l.push(e.data);
  }
  return m;
}

/** A message whose bytes encode its stream and sequence number, for checking order. */
export function numbered(streamId: number, seq: number, size: number): Uint8Array {
  const d = new Uint8Array(Math.max(8, size));
  const v = new DataView(d.buffer);
  v.setUint32(0, streamId);
  v.setUint32(4, seq);
  for (let i = 8; i < d.length; i++) d[i] = (seq * 31 + i) & 0xff;
  return d;
}

export function seqOf(d: Uint8Array): number {
  return new DataView(d.buffer, d.byteOffset, d.byteLength).getUint32(4);
}

/** Whether `d` is intact (its filler bytes match its sequence number). */
export function intact(d: Uint8Array): boolean {
  const seq = seqOf(d);
  for (let i = 8; i < d.length; i++) if (d[i] !== ((seq * 31 + i) & 0xff)) return false;
  return true;
}

const ADDR = transportAddress('127.0.0.1', 1);

/** A datagram carrying one SCTP packet (associations ignore the addresses). */
export const dgram = (data: Uint8Array): Datagram => ({ type: 'datagram', data, from: ADDR, to: ADDR });

/** Everything `a` holds: its packets, decoded into chunks and raw, and its events. */
export function drain(a: SctpAssociation): { packets: Chunk[][]; raw: Uint8Array[]; events: SctpEvent[] } {
  const packets: Chunk[][] = [];
  const raw: Uint8Array[] = [];
  const events: SctpEvent[] = [];
  for (let o: SctpOutput | undefined = a.pollOutput(); o; o = a.pollOutput()) {
    if (o.type !== 'transmit') {
      events.push(o);
      continue;
    }
    const p = decodePacket(o.data, true, true);
    assert.ok(p.ok);
    packets.push([...p.value.chunks]);
    raw.push(o.data);
  }
  return { packets, raw, events };
}
