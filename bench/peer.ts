/**
 * One side of a benchmark: a child process that runs a scenario through the W3C API of one
 * implementation. The parent (bench/run.ts) starts two of these, relays signaling between
 * them over IPC and collects their results. Times are epoch milliseconds with sub-ms
 * resolution (`performance.timeOrigin + performance.now()`), comparable across processes.
 */

import { loadImpl } from './impls.js';
import type { DataChannelLike, Impl, ImplName, RTCPeerConnectionLike } from './impls.js';

export type Role = 'offerer' | 'answerer';

export type Scenario =
  | { kind: 'setup'; reps: number }
  | { kind: 'transfer'; size: number; totalBytes: number; maxSeconds: number; ordered: boolean; maxRetransmits?: number }
  | { kind: 'scale'; connections: number };

/**
 * 'start' makes a child load the implementation and answer 'ready'; the parent sends 'go'
 * once both children are ready, so that neither side's measurement includes the other
 * still importing its implementation.
 */
export type ParentMessage =
  | { type: 'start'; impl: ImplName; role: Role; scenario: Scenario }
  | { type: 'go' }
  | { type: 'signal'; conn: number; payload: Signal };

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'signal'; conn: number; payload: Signal }
  | { type: 'result'; result: SideResult }
  | { type: 'error'; message: string };

type Signal = { sdp: { type: string; sdp: string } } | { candidate: object | null };

export interface SideResult {
  role: Role;
  /** setup: per repetition, the epoch time the channel opened on this side; the offerer adds its start times. */
  openedAt?: number[];
  startedAt?: number[];
  /** transfer */
  sendStart?: number;
  lastReceive?: number;
  bytesSent?: number;
  messagesSent?: number;
  bytesReceived?: number;
  messagesReceived?: number;
  corrupt?: number;
  outOfOrder?: number;
  cpuSeconds?: number;
  /** scale */
  allOpenAt?: number;
  scaleStart?: number;
  /** RSS growth per connection 500 ms after all opened, and IDLE_MS after. */
  rssPerConnection?: number;
  rssIdlePerConnection?: number;
  /** CPU time (user + system, all threads) of this process while opening, per connection. */
  cpuMsPerConnection?: number;
  heapPerConnection?: number;
}

/** Unacknowledged bytes the sender allows, and how often the receiver acknowledges. */
const WINDOW = 8 << 20;
/** scale: how long after all opened memory is read the second time (a full GC 500 ms before). */
const IDLE_MS = 6_000;
const ACK_EVERY = 1 << 20;

const now = (): number => performance.timeOrigin + performance.now();
const send = (m: ChildMessage): void => {
  process.send!(m);
};

const signalHandlers = new Map<number, (s: Signal) => void>();
const earlySignals = new Map<number, Signal[]>();

function onSignal(conn: number, handler: (s: Signal) => void): void {
  signalHandlers.set(conn, handler);
  for (const s of earlySignals.get(conn) ?? []) handler(s);
  earlySignals.delete(conn);
}

/** Wires one peer connection to the relay; the offerer creates the offer. */
function connect(impl: Impl, role: Role, conn: number, pc: RTCPeerConnectionLike): void {
  pc.onicecandidate = (ev) => {
    const c = ev.candidate;
    send({ type: 'signal', conn, payload: { candidate: c ? (c.toJSON ? c.toJSON() : c) : null } });
  };
  const pending: object[] = [];
  let haveRemote = false;
  onSignal(conn, (s) => {
    void (async () => {
      if ('sdp' in s) {
        await pc.setRemoteDescription(s.sdp);
        haveRemote = true;
        for (const c of pending.splice(0)) await pc.addIceCandidate(c);
        if (role === 'answerer') {
          await pc.setLocalDescription(await pc.createAnswer());
          send({ type: 'signal', conn, payload: { sdp: pc.localDescription! } });
        }
      } else if (s.candidate) {
        if (haveRemote) await pc.addIceCandidate(s.candidate);
        else pending.push(s.candidate);
      }
    })().catch((e: unknown) => fail(`${impl.name} signaling: ${String(e)}`));
  });
  if (role === 'offerer') {
    void (async () => {
      await pc.setLocalDescription(await pc.createOffer());
      send({ type: 'signal', conn, payload: { sdp: pc.localDescription! } });
    })().catch((e: unknown) => fail(`${impl.name} offer: ${String(e)}`));
  }
}

function fail(message: string): void {
  send({ type: 'error', message });
  setTimeout(() => process.exit(1), 50);
}

/** The channel on this side: created by the offerer, announced to the answerer. */
function channelFor(role: Role, pc: RTCPeerConnectionLike, label: string, init?: object): Promise<DataChannelLike> {
  if (role === 'offerer') return Promise.resolve(pc.createDataChannel(label, init));
  return new Promise((resolve) => {
    const seen = new Map<string, DataChannelLike>();
    const prev = pc.ondatachannel;
    pc.ondatachannel = (ev) => {
      prev?.(ev);
      seen.set(ev.channel.label, ev.channel);
      const ch = seen.get(label);
      if (ch) resolve(ch);
    };
  });
}

function whenOpen(ch: DataChannelLike): Promise<void> {
  if (ch.readyState === 'open') return Promise.resolve();
  return new Promise((resolve) => {
    ch.onopen = () => resolve();
  });
}

/**
 * Resolves when the channel's buffer falls to its low threshold: on `bufferedamountlow`, or
 * when a poll sees it (@roamhq/wrtc 0.10 never fires the event).
 */
function drained(ch: DataChannelLike): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearInterval(poll);
      ch.onbufferedamountlow = null;
      resolve();
    };
    const poll = setInterval(() => {
      if (ch.bufferedAmount <= ch.bufferedAmountLowThreshold) done();
    }, 2);
    ch.onbufferedamountlow = done;
  });
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === 'string') return new TextEncoder().encode(data);
  throw new Error(`unexpected message type ${Object.prototype.toString.call(data)}`);
}

/** The payload pattern both sides know: a message is a 4-byte sequence number then this. */
function pattern(size: number): Uint8Array {
  const p = new Uint8Array(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    p[i] = x & 0xff;
  }
  return p;
}

async function runSetup(impl: Impl, role: Role, reps: number): Promise<SideResult> {
  const openedAt: number[] = [];
  const startedAt: number[] = [];
  for (let i = 0; i < reps; i++) {
    const pc = new impl.RTCPeerConnection(impl.config);
    startedAt.push(now());
    const chP = channelFor(role, pc, 'setup');
    connect(impl, role, i, pc);
    await whenOpen(await chP);
    openedAt.push(now());
    // Let the other side see its open too before tearing down.
    await new Promise((r) => setTimeout(r, 100));
    pc.close();
  }
  return { role, openedAt, startedAt };
}

async function runTransfer(impl: Impl, role: Role, s: Extract<Scenario, { kind: 'transfer' }>): Promise<SideResult> {
  const pc = new impl.RTCPeerConnection(impl.config);
  const init = s.ordered ? {} : { ordered: false, maxRetransmits: s.maxRetransmits ?? 0 };
  const dataP = channelFor(role, pc, 'data', init);
  const ctlP = channelFor(role, pc, 'ctl');
  connect(impl, role, 0, pc);
  const [data, ctl] = await Promise.all([dataP, ctlP]);
  data.binaryType = 'arraybuffer';
  ctl.binaryType = 'arraybuffer';
  await Promise.all([whenOpen(data), whenOpen(ctl)]);
  const payload = pattern(s.size - 4);

  if (role === 'offerer') {
    const highWater = Math.max(1 << 20, s.size * 4);
    data.bufferedAmountLowThreshold = highWater / 4;
    const msg = new Uint8Array(s.size);
    msg.set(payload, 4);
    const view = new DataView(msg.buffer);
    // A second bound that every implementation honours the same way: the receiver reports
    // its progress on the control channel and the sender keeps at most WINDOW bytes unacked
    // (some implementations' bufferedAmount lags what they have queued).
    let acked = 0;
    let ackWaiter: (() => void) | undefined;
    let doneWaiter: (() => void) | undefined;
    ctl.onmessage = (ev) => {
      const m = JSON.parse(new TextDecoder().decode(toBytes(ev.data))) as { acked?: number; ok?: true };
      if (m.acked !== undefined) acked = m.acked;
      if (m.ok) doneWaiter?.();
      ackWaiter?.();
    };
    const cpu0 = process.cpuUsage();
    const sendStart = now();
    const deadline = sendStart + s.maxSeconds * 1000;
    let seq = 0;
    let sent = 0;
    let sinceYield = 0;
    while (sent < s.totalBytes && now() < deadline) {
      if (data.bufferedAmount >= highWater) {
        await drained(data);
        sinceYield = 0;
        continue;
      }
      // Some implementations update bufferedAmount asynchronously: never queue more than a
      // high-water mark's worth without letting the event loop run.
      if (sinceYield >= highWater) {
        await new Promise((r) => setImmediate(r));
        sinceYield = 0;
        continue;
      }
      if (s.ordered && sent - acked >= WINDOW) {
        await new Promise<void>((resolve) => {
          ackWaiter = resolve;
        });
        continue;
      }
      view.setUint32(0, seq++, true);
      data.send(msg);
      sent += s.size;
      sinceYield += s.size;
    }
    ctl.send(JSON.stringify({ done: seq, sendStart }));
    // Wait for the receiver's confirmation so the CPU window covers the whole transfer.
    await new Promise<void>((resolve) => {
      doneWaiter = resolve;
    });
    const cpu = process.cpuUsage(cpu0);
    pc.close();
    return { role, sendStart, bytesSent: sent, messagesSent: seq, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  }

  let received = 0;
  let bytes = 0;
  let corrupt = 0;
  let outOfOrder = 0;
  let expected = 0;
  let lastReceive = 0;
  let lastAck = 0;
  let cpu0: NodeJS.CpuUsage | undefined;
  data.onmessage = (ev) => {
    cpu0 ??= process.cpuUsage();
    const b = toBytes(ev.data);
    lastReceive = now();
    received++;
    bytes += b.length;
    if (bytes - lastAck >= ACK_EVERY) {
      lastAck = bytes;
      ctl.send(JSON.stringify({ acked: bytes }));
    }
    const seq = b.length >= 4 ? new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true) : -1;
    if (b.length !== s.size || Buffer.compare(b.subarray(4), payload) !== 0) corrupt++;
    if (s.ordered && seq !== expected) outOfOrder++;
    expected = seq + 1;
  };
  const done = await new Promise<{ done: number }>((resolve) => {
    ctl.onmessage = (ev) => resolve(JSON.parse(new TextDecoder().decode(toBytes(ev.data))) as { done: number });
  });
  // Reliable data may still be arriving behind the control message on another stream.
  const waitUntil = now() + 5000;
  while (s.ordered && received < done.done && now() < waitUntil) await new Promise((r) => setTimeout(r, 5));
  if (!s.ordered) await new Promise((r) => setTimeout(r, 200));
  const cpu = process.cpuUsage(cpu0);
  ctl.send(JSON.stringify({ ok: true }));
  await new Promise((r) => setTimeout(r, 100));
  pc.close();
  return {
    role,
    lastReceive,
    bytesReceived: bytes,
    messagesReceived: received,
    corrupt,
    outOfOrder,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

async function runScale(impl: Impl, role: Role, n: number): Promise<SideResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  const scaleStart = now();
  const cpu0 = process.cpuUsage();
  const pcs: RTCPeerConnectionLike[] = [];
  const opens: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const pc = new impl.RTCPeerConnection(impl.config);
    pcs.push(pc);
    const chP = channelFor(role, pc, 'scale');
    connect(impl, role, i, pc);
    opens.push(chP.then(whenOpen));
  }
  await Promise.all(opens);
  const allOpenAt = now();
  const cpu = process.cpuUsage(cpu0);
  await new Promise((r) => setTimeout(r, 500));
  gc?.();
  const rss1 = process.memoryUsage().rss;
  const heap1 = process.memoryUsage().heapUsed;
  // Again once the connections have been idle for a while: V8 keeps the young generation it
  // grew during the burst of handshakes (up to 2 x 16 MiB of semi-spaces) until its
  // allocation rate, averaged over ~5 s, is low; the GC after that shrinks it, and the pages
  // are released on a background thread. Native stacks free (or keep) their memory likewise.
  await new Promise((r) => setTimeout(r, IDLE_MS - 1000));
  gc?.();
  await new Promise((r) => setTimeout(r, 500));
  const rss2 = process.memoryUsage().rss;
  // Keep both sides up until both have measured.
  await new Promise((r) => setTimeout(r, 1000));
  for (const pc of pcs) pc.close();
  return {
    role,
    scaleStart,
    allOpenAt,
    rssPerConnection: (rss1 - rss0) / n,
    rssIdlePerConnection: (rss2 - rss0) / n,
    cpuMsPerConnection: (cpu.user + cpu.system) / 1000 / n,
    heapPerConnection: (heap1 - heap0) / n,
  };
}

/** Resolves the wait for the parent's 'go' (set once the implementation is loaded). */
let go: (() => void) | undefined;

process.on('message', (m: ParentMessage) => {
  if (m.type === 'signal') {
    const h = signalHandlers.get(m.conn);
    if (h) h(m.payload);
    else earlySignals.set(m.conn, [...(earlySignals.get(m.conn) ?? []), m.payload]);
    return;
  }
  if (m.type === 'go') {
    go?.();
    return;
  }
  void (async () => {
    const impl = await loadImpl(m.impl);
    await new Promise<void>((resolve) => {
      go = resolve;
      send({ type: 'ready' });
    });
    const s = m.scenario;
    const result =
      s.kind === 'setup' ? await runSetup(impl, m.role, s.reps)
      : s.kind === 'transfer' ? await runTransfer(impl, m.role, s)
      : await runScale(impl, m.role, s.connections);
    send({ type: 'result', result });
    // Some implementations keep handles open after close; the parent does not wait for them.
    setTimeout(() => process.exit(0), 200);
  })().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
});
