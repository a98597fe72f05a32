/**
 * The interop scenario library, written against the W3C WebRTC API only, so the very same
 * code runs on both ends: in Node on the implementation under test (sansrtc's
 * `RTCPeerConnection`, or node-datachannel's polyfill while proving the harness) and in
 * Chromium, where `installAgent` is serialized with `Function.prototype.toString` and
 * evaluated in the page (see chromium.ts).
 *
 * `installAgent` must therefore stay SELF-CONTAINED: it may use only its parameters and the
 * globals both platforms share (EventTarget, TextEncoder, setTimeout, Uint8Array, JSON ...),
 * never an import or a module-level value. Types are fine (they vanish). tsx compiles it with
 * esbuild's keepNames, which wraps inner functions in `__name(...)`; the page defines a
 * `__name` shim before evaluating it.
 *
 * Every scenario is symmetric: both peers send and both verify what they receive, so one run
 * checks both directions. The role (offerer or answerer) decides who creates the in-band
 * channels and who closes one. Signalling (descriptions and trickled candidates) goes out
 * through `emit` and comes back in through `signal`; the test process relays it.
 */

export type Role = 'offerer' | 'answerer';

export type SignalMessage =
  | { session: string; kind: 'description'; type: RTCSdpType; sdp: string }
  | { session: string; kind: 'candidate'; candidate: RTCIceCandidateInit };

export interface ScenarioParams {
  /** Bytes each side sends in `bulk` (default 8 MiB). */
  readonly bulkBytes?: number;
  /** Milliseconds one wait in a scenario may take (default 15 s; 40 s in bulk). */
  readonly timeoutMs?: number;
  /**
   * Known deviations of this side's implementation from the W3C API, reported in the details
   * instead of failing the case. Only node-datachannel's polyfill has any (see impl.ts);
   * sansrtc and Chromium run strict.
   */
  readonly quirks?: readonly Quirk[];
  /** The other side's quirks (for the few the two sides must work around together). */
  readonly peerQuirks?: readonly Quirk[];
}

export type Quirk =
  /** `RTCDataChannel.id` of a channel we created stays 65535, even once open. */
  | 'dc-id-unassigned'
  /** A channel announced by a 'datachannel' event reports ordered=true, maxRetransmits=null. */
  | 'received-channel-props'
  /** bufferedAmount drains on another thread while send() runs, so it may never build up. */
  | 'buffered-amount-drains-in-background'
  /**
   * A message the remote sends on a channel WE created, right as it opens, can be lost (seen
   * against Chromium: the first message after the 'datachannel' event never arrived). With it,
   * the side that received the channel waits for our 'hello' before sending anything.
   */
  | 'drops-early-messages'
  /** A string can be delivered before binary messages sent ahead of it on an ordered channel. */
  | 'string-overtakes-binary';

export interface ScenarioResult {
  readonly role: Role;
  readonly ms: number;
  /** Scenario-specific facts (sizes sent, throughput, channel properties ...). */
  readonly details: Record<string, unknown>;
  /** Everything that happened, in order, with ms since the session opened. */
  readonly events: string[];
  readonly localSdp: string;
  readonly remoteSdp: string;
  readonly localCandidates: string[];
  /** getStats() entries for data channels, the transport and the selected pair. */
  readonly stats: string;
}

export interface Agent {
  open(session: string, config: RTCConfiguration): void;
  signal(message: SignalMessage): Promise<void>;
  run(session: string, scenario: string, role: Role, params: ScenarioParams): Promise<ScenarioResult>;
  /** Closes the session's peer connection; returns its event log (for failure reports). */
  close(session: string): string[];
  sessions(): string[];
}

export const SCENARIOS = ['strings', 'binary', 'bulk', 'three-channels', 'close-one', 'relay', 'remote-candidates-only'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export function installAgent(RTC: typeof RTCPeerConnection, emit: (message: SignalMessage) => void): Agent {
  /** A channel whose messages are queued from the moment we hold it, so none is missed. */
  interface Tracked {
    readonly dc: RTCDataChannel;
    readonly inbox: unknown[];
    readonly events: string[];
    /** Whoever waits on this channel (a sender for bufferedamountlow and a receiver at once). */
    readonly wakers: Set<() => void>;
    lowEvents: number;
    readonly session: Session;
    /** We called createDataChannel (in-band), rather than got it by a 'datachannel' event. */
    readonly created: boolean;
    greeted: boolean;
  }

  interface Session {
    readonly id: string;
    readonly pc: RTCPeerConnection;
    readonly t0: number;
    readonly events: string[];
    readonly localCandidates: string[];
    readonly pendingCandidates: RTCIceCandidateInit[];
    readonly channels: Map<string, Tracked>;
    remoteSet: boolean;
    descriptionWaiter: ((d: { type: RTCSdpType; sdp: string }) => void) | undefined;
    pendingDescription: { type: RTCSdpType; sdp: string } | undefined;
    remoteSdp: string;
    /** Set when the connection closed or failed under us: every wait then fails at once. */
    dead: string | undefined;
    /** We are closing it ourselves (the end of a case). */
    closing: boolean;
  }

  const sessions = new Map<string, Session>();
  /** The scenario running now (cases run one at a time per agent). */
  let current: Ctx | undefined;
  const encoder = new TextEncoder();

  function now(): number {
    return typeof performance !== 'undefined' ? performance.now() : Date.now();
  }

  function log(s: Session, what: string): void {
    s.events.push(`${Math.round(now() - s.t0)}ms ${what}`);
  }

  function fail(what: string): never {
    throw new Error(what);
  }

  function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const t = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    });
    return Promise.race([p, t]).finally(() => clearTimeout(timer));
  }

  function describe(v: unknown): string {
    if (typeof v === 'string') return `string(${v.length})`;
    if (v instanceof ArrayBuffer) return `ArrayBuffer(${v.byteLength})`;
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.byteLength})`;
    return Object.prototype.toString.call(v);
  }

  function track(s: Session, dc: RTCDataChannel, how: string): Tracked {
    dc.binaryType = 'arraybuffer';
    const t: Tracked = { dc, session: s, inbox: [], events: [], wakers: new Set(), lowEvents: 0, created: how.startsWith('created') && !dc.negotiated, greeted: false };
    const wake = (): void => {
      for (const w of [...t.wakers]) w();
    };
    const name = `dc ${dc.label}`;
    log(s, `${name} ${how} id=${dc.id} readyState=${dc.readyState}`);
    const note = (e: string): void => {
      t.events.push(e);
      log(s, `${name} ${e}`);
      wake();
    };
    dc.addEventListener('open', () => note(`open id=${dc.id}`));
    dc.addEventListener('closing', () => note('closing'));
    dc.addEventListener('close', () => note('close'));
    dc.addEventListener('error', (e) => note(`error ${String((e as RTCErrorEvent).error?.message ?? e)}`));
    dc.addEventListener('bufferedamountlow', () => {
      t.lowEvents++;
      wake();
    });
    dc.addEventListener('message', (e) => {
      t.inbox.push((e as MessageEvent).data);
      wake();
    });
    s.channels.set(dc.label, t);
    return t;
  }

  /** Resolves when `check` holds, re-checking whenever the channel sees an event. */
  async function until(t: Tracked, check: () => boolean, ms: number, what: string): Promise<void> {
    const deadline = now() + ms;
    while (!check()) {
      if (t.session.dead) fail(`${t.session.dead} while waiting for ${what} on '${t.dc.label}'`);
      const left = deadline - now();
      if (left <= 0) fail(`timed out after ${ms} ms waiting for ${what} on '${t.dc.label}' (readyState ${t.dc.readyState}, events ${t.events.join(',')})`);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          t.wakers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, 250));
        t.wakers.add(done);
      });
    }
  }

  async function channel(s: Session, label: string, ms: number): Promise<Tracked> {
    const deadline = now() + ms;
    for (;;) {
      const have = s.channels.get(label);
      if (have) return have;
      if (s.dead) fail(`${s.dead} while waiting for a 'datachannel' event for '${label}'`);
      if (now() > deadline) fail(`timed out after ${ms} ms: a 'datachannel' event for '${label}' (pc ${s.pc.connectionState}/${s.pc.iceConnectionState})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  function create(s: Session, label: string, init?: RTCDataChannelInit): Tracked {
    return track(s, s.pc.createDataChannel(label, init), `created ${JSON.stringify(init ?? {})}`);
  }

  async function opened(t: Tracked, ms: number): Promise<void> {
    await until(t, () => t.dc.readyState === 'open', ms, "readyState 'open'");
    const c = current ?? fail('no scenario running');
    if (t.greeted || t.dc.negotiated) return;
    t.greeted = true;
    if (t.created && c.params.quirks?.includes('drops-early-messages')) {
      c.quirk('drops-early-messages', `greeted '${t.dc.label}' before the other side sent`);
      t.dc.send('hello');
    } else if (!t.created && c.params.peerQuirks?.includes('drops-early-messages')) {
      const [h] = await take(t, 1, ms);
      if (h !== 'hello') fail(`'${t.dc.label}': expected the creator's 'hello', got ${describe(h)}`);
    }
  }

  async function take(t: Tracked, n: number, ms: number): Promise<unknown[]> {
    await until(t, () => t.inbox.length >= n, ms, `${n} messages (have ${t.inbox.length})`);
    return t.inbox.splice(0, n);
  }

  /** FNV-1a, 32 bit: a checksum both platforms compute the same way without crypto.subtle. */
  function fnv(h: number, bytes: Uint8Array): number {
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
    return h;
  }

  function pattern(size: number, salt: number): Uint8Array<ArrayBuffer> {
    const b = new Uint8Array(size);
    for (let i = 0; i < size; i++) b[i] = (i * 31 + size + salt * 7) & 0xff;
    return b;
  }

  function toBytes(v: unknown): Uint8Array | undefined {
    if (v instanceof ArrayBuffer) return new Uint8Array(v);
    if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return undefined;
  }

  function equalBytes(a: Uint8Array, b: Uint8Array): number {
    if (a.length !== b.length) return Math.min(a.length, b.length);
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
    return -1;
  }

  /** The largest message the remote accepts, as this side's W3C API reports it. */
  function maxMessageSize(s: Session): number {
    const m = s.pc.sctp?.maxMessageSize;
    return typeof m === 'number' && m > 0 ? m : 65536;
  }

  interface Ctx {
    readonly s: Session;
    readonly role: Role;
    readonly offerer: boolean;
    readonly ms: number;
    readonly params: ScenarioParams;
    readonly details: Record<string, unknown>;
    /** Whether this side has a known quirk; if so, notes it in details.knownQuirks. */
    quirk(q: Quirk, what: string): boolean;
  }

  interface Scenario {
    /** Runs before negotiation (the offerer needs a channel for its m=application). */
    setup(c: Ctx): void;
    body(c: Ctx): Promise<void>;
  }

  const STRINGS = [
    '',
    'a',
    'hello, world',
    'héllo wörld: ünïcödé',
    '日本語のテキスト',
    '🎉🚀 👩‍👩‍👧‍👦 family (ZWJ sequence)',
    'Ω≈ç√∫˜µ≤≥÷ and NUL \u0000 inside',
    'x'.repeat(1000) + 'é',
    '€'.repeat(20000), // 60000 bytes of UTF-8
  ];

  const BINARY_SIZES = [1, 2, 3, 100, 1024, 1200, 4096, 16383, 16384, 16385, 65535, 65536, 65537, 131072, 262143, 262144];

  async function exchangeStrings(c: Ctx, t: Tracked, list: readonly string[]): Promise<void> {
    for (const str of list) t.dc.send(str);
    const got = await take(t, list.length, c.ms);
    got.forEach((g, i) => {
      if (typeof g !== 'string') fail(`message ${i} on '${t.dc.label}': expected a string, got ${describe(g)}`);
      if (g !== list[i]) fail(`message ${i} on '${t.dc.label}': expected ${JSON.stringify(list[i]!.slice(0, 40))} (${list[i]!.length} chars), got ${JSON.stringify(g.slice(0, 40))} (${g.length} chars)`);
    });
  }

  const scenarios: Record<string, Scenario> = {
    strings: {
      setup(c) {
        if (c.offerer) create(c.s, 'strings');
      },
      async body(c) {
        const t = await channel(c.s, 'strings', c.ms);
        await opened(t, c.ms);
        await exchangeStrings(c, t, STRINGS);
        c.details['strings'] = STRINGS.length;
        c.details['utf8Bytes'] = STRINGS.reduce((n, s) => n + encoder.encode(s).length, 0);
      },
    },

    binary: {
      setup(c) {
        if (c.offerer) create(c.s, 'binary');
      },
      async body(c) {
        const t = await channel(c.s, 'binary', c.ms);
        await opened(t, c.ms);
        const mms = maxMessageSize(c.s);
        c.details['maxMessageSize'] = mms;
        // Only sizes both ends accept: the remote's limit is in our pc.sctp.maxMessageSize and
        // ours in theirs; both sides send the sizes under the smaller of the two, so each side
        // tells the other its limit first.
        t.dc.send(JSON.stringify({ mms }));
        const [theirs] = await take(t, 1, c.ms);
        const limit = Math.min(mms, (JSON.parse(theirs as string) as { mms: number }).mms);
        const sizes = BINARY_SIZES.filter((n) => n <= limit);
        c.details['sizes'] = sizes;
        c.details['skipped'] = BINARY_SIZES.filter((n) => n > limit);
        sizes.forEach((n, i) => {
          const p = pattern(n, i);
          // Alternate the two binary forms send() takes: an ArrayBufferView and an ArrayBuffer.
          if (i % 2 === 0) t.dc.send(p);
          else t.dc.send(p.buffer);
        });
        const got = await take(t, sizes.length, c.ms);
        got.forEach((g, i) => {
          const b = toBytes(g);
          if (!b) fail(`binary message ${i}: expected an ArrayBuffer, got ${describe(g)}`);
          if (!(g instanceof ArrayBuffer)) c.details['notArrayBuffer'] = describe(g);
          const at = equalBytes(b, pattern(sizes[i]!, i));
          if (at >= 0) fail(`binary message ${i} (${sizes[i]} B): got ${b.length} B, first difference at byte ${at}`);
        });
        // W3C: send() of more than maxMessageSize throws a TypeError.
        try {
          t.dc.send(new Uint8Array(mms + 1));
          c.details['oversizeSend'] = 'accepted';
        } catch (e) {
          c.details['oversizeSend'] = `${(e as Error).name}`;
        }
        // A last round trip: the channel still works after the oversize attempt.
        await exchangeStrings(c, t, ['still open']);
      },
    },

    bulk: {
      setup(c) {
        if (c.offerer) create(c.s, 'bulk');
      },
      async body(c) {
        const t = await channel(c.s, 'bulk', c.ms);
        await opened(t, c.ms);
        const total = c.params.bulkBytes ?? 8 * 1024 * 1024;
        const chunk = Math.min(64 * 1024, maxMessageSize(c.s));
        const high = 1024 * 1024;
        t.dc.bufferedAmountLowThreshold = 256 * 1024;
        // Both sides send at once: the receive half counts bytes and checks the checksum the
        // sender announces at the end.
        let received = 0;
        let rsum = 0x811c9dc5;
        let announced: { bytes: number; sum: number } | undefined;
        const receive = (async () => {
          const deadline = now() + c.ms;
          for (;;) {
            while (t.inbox.length > 0) {
              const m = t.inbox.shift();
              if (typeof m === 'string') {
                announced = JSON.parse(m) as { bytes: number; sum: number };
                continue;
              }
              const b = toBytes(m) ?? fail(`bulk: unexpected ${describe(m)}`);
              if (announced) fail('bulk: data after the end marker');
              received += b.length;
              rsum = fnv(rsum, b);
            }
            if (announced) return;
            await until(t, () => t.inbox.length > 0, Math.max(1, deadline - now()), `bulk data (have ${received} of ${total} B)`);
          }
        })();
        const t0 = now();
        let sent = 0;
        let ssum = 0x811c9dc5;
        let maxBuffered = 0;
        let waits = 0;
        let state = (c.offerer ? 0x1234567 : 0x7654321) | 1;
        while (sent < total) {
          if (t.dc.bufferedAmount > high) {
            waits++;
            await until(t, () => t.dc.bufferedAmount <= t.dc.bufferedAmountLowThreshold, c.ms, `bufferedAmount to fall (at ${t.dc.bufferedAmount})`);
          }
          const n = Math.min(chunk, total - sent);
          const b = new Uint8Array(n);
          const w = new Uint32Array(b.buffer, 0, n >>> 2);
          for (let i = 0; i < w.length; i++) {
            state ^= state << 13;
            state ^= state >>> 17;
            state ^= state << 5;
            w[i] = state >>> 0;
          }
          ssum = fnv(ssum, b);
          t.dc.send(b);
          sent += n;
          maxBuffered = Math.max(maxBuffered, t.dc.bufferedAmount);
        }
        const sendMs = now() - t0;
        // The end marker goes out once everything before it has left our buffer: the check is
        // about the data, not about a string overtaking binary chunks still queued (which
        // node-datachannel was seen to do once; binary then string order is in 'binary').
        t.dc.bufferedAmountLowThreshold = 0;
        await until(t, () => t.dc.bufferedAmount === 0, c.ms, `bufferedAmount to reach 0 (at ${t.dc.bufferedAmount})`);
        t.dc.send(JSON.stringify({ bytes: sent, sum: ssum }));
        await receive;
        const a = announced as { bytes: number; sum: number } | undefined;
        if (a && received < a.bytes) {
          // Data that arrives after the end marker was reordered behind it (a quirk) or lost.
          await until(t, () => t.inbox.reduce<number>((n, m) => n + (toBytes(m)?.length ?? 0), 0) >= a.bytes - received, 2000, 'late bulk data').catch(() => undefined);
          const late = t.inbox.splice(0);
          const lateBytes = late.reduce<number>((n, m) => n + (toBytes(m)?.length ?? 0), 0);
          if (lateBytes > 0 && c.quirk('string-overtakes-binary', `${lateBytes} B arrived after the end marker sent behind them`)) {
            for (const m of late) {
              const b = toBytes(m);
              if (!b) continue;
              received += b.length;
              rsum = fnv(rsum, b);
            }
          } else if (lateBytes > 0) {
            fail(`bulk: ${lateBytes} B arrived after the end marker that was sent behind them (ordered channel reordered)`);
          }
        }
        if (!a || a.bytes !== received) {
          await new Promise((r) => setTimeout(r, 300));
          const late = t.inbox.reduce<number>((n, m) => n + (toBytes(m)?.length ?? 0), 0);
          fail(`bulk: received ${received} B before the end marker and ${late} B after it; the sender announced ${a?.bytes}`);
        }
        if (a.sum !== rsum) fail(`bulk: checksum ${rsum.toString(16)} differs from the sender's ${a.sum.toString(16)}`);
        const ms = now() - t0;
        Object.assign(c.details, {
          bytes: received,
          chunk,
          maxBuffered,
          backpressureWaits: waits,
          bufferedAmountLowEvents: t.lowEvents,
          sendMs: Math.round(sendMs),
          MiBps: Math.round(((sent + received) / 1048576 / (ms / 1000)) * 10) / 10,
        });
        if (waits === 0 && !c.quirk('buffered-amount-drains-in-background', `bufferedAmount peaked at ${maxBuffered} B, never above ${high}`)) {
          fail(`bulk: bufferedAmount never passed ${high} B, so backpressure was not exercised (max ${maxBuffered})`);
        }
        if (waits > 0 && t.lowEvents === 0 && !c.quirk('buffered-amount-drains-in-background', 'bufferedAmount fell below the threshold without a bufferedamountlow event')) {
          fail('bulk: waited for bufferedAmount to fall, but no bufferedamountlow event fired');
        }
      },
    },

    'three-channels': {
      setup(c) {
        if (c.offerer) {
          create(c.s, 'ordered');
          create(c.s, 'unordered', { ordered: false, maxRetransmits: 0 });
        }
        create(c.s, 'negotiated', { negotiated: true, id: 7 });
      },
      async body(c) {
        const chans = await Promise.all(['ordered', 'unordered', 'negotiated'].map((l) => channel(c.s, l, c.ms)));
        await Promise.all(chans.map((t) => opened(t, c.ms)));
        const [o, u, n] = chans as [Tracked, Tracked, Tracked];
        const props = (t: Tracked) => ({ id: t.dc.id, ordered: t.dc.ordered, maxRetransmits: t.dc.maxRetransmits, maxPacketLifeTime: t.dc.maxPacketLifeTime, negotiated: t.dc.negotiated, protocol: t.dc.protocol });
        c.details['channels'] = { ordered: props(o), unordered: props(u), negotiated: props(n) };
        if (!o.dc.ordered || o.dc.maxRetransmits !== null) fail(`'ordered': ${JSON.stringify(props(o))}`);
        if ((u.dc.ordered || u.dc.maxRetransmits !== 0) && (c.offerer || !c.quirk('received-channel-props', `'unordered' reads ${JSON.stringify(props(u))}`))) {
          fail(`'unordered' should be ordered=false maxRetransmits=0: ${JSON.stringify(props(u))}`);
        }
        if (n.dc.id !== 7 || !n.dc.negotiated) fail(`'negotiated' should be negotiated with id 7: ${JSON.stringify(props(n))}`);
        if (o.dc.negotiated || u.dc.negotiated) fail('in-band channels report negotiated=true');
        const ids = [o.dc.id, u.dc.id];
        if (ids.some((id) => id === null || id === 65535) && !(c.offerer && c.quirk('dc-id-unassigned', `open channels report id ${ids.join(', ')}`))) {
          fail(`open in-band channels must have ids: ${ids.join(', ')}`);
        }
        if (ids[0] === ids[1] && ids[0] !== 65535) fail(`channel ids collide: ${ids.join(', ')}`);
        if (ids.includes(7)) fail(`an in-band channel took the negotiated id 7: ${ids.join(', ')}`);
        // Both sides say 'ready' on the ordered channel once all three are open here, and send
        // on the others only after hearing it: an unordered message must not overtake the
        // DCEP DATA_CHANNEL_OPEN of its own channel (RFC 8832 6 keeps messages ordered until
        // the ACK; node-datachannel sent unordered ones early and Chromium dropped all 50).
        await exchangeStrings(c, o, ['ready']);
        const N = 50;
        const tag = c.offerer ? 'O' : 'A';
        // Unordered with maxRetransmits 0 may drop a message rather than retransmit it, and a
        // burst of small messages is exactly what makes senders give up (seen both with
        // node-datachannel -> Chromium and Chromium -> sansrtc). So these go out paced, one per
        // millisecond, and the check below tolerates some loss; it reports the count.
        for (let i = 0; i < N; i++) {
          o.dc.send(`${tag}o${i}`);
          n.dc.send(`${tag}n${i}`);
        }
        for (let i = 0; i < N; i++) {
          u.dc.send(`${tag}u${i}`);
          await new Promise((r) => setTimeout(r, 1));
        }
        const other = c.offerer ? 'A' : 'O';
        const [go, gn] = await Promise.all([take(o, N, c.ms), take(n, N, c.ms)]);
        for (let i = 0; i < N; i++) {
          if (go[i] !== `${other}o${i}`) fail(`'ordered' message ${i}: ${String(go[i])}`);
          if (gn[i] !== `${other}n${i}`) fail(`'negotiated' message ${i}: ${String(gn[i])}`);
        }
        // The other side sends 'sent' on the ordered channel after its last unordered message;
        // whatever unordered arrived 200 ms after that is what arrived.
        o.dc.send('sent');
        const [sentMark] = await take(o, 1, c.ms);
        if (sentMark !== 'sent') fail(`'ordered': expected 'sent', got ${describe(sentMark)}`);
        await until(u, () => u.inbox.length >= N, 200, 'unordered stragglers').catch(() => undefined);
        const gu = u.inbox.splice(0);
        const expected = new Set(Array.from({ length: N }, (_, i) => `${other}u${i}`));
        const seen = new Set<unknown>();
        for (const m of gu) {
          if (!expected.has(m as string)) fail(`'unordered': unexpected message ${describe(m)} ${String(m).slice(0, 20)}`);
          if (seen.has(m)) fail(`'unordered': duplicate ${String(m)}`);
          seen.add(m);
        }
        c.details['unorderedReceived'] = `${gu.length}/${N}`;
        c.details['unorderedArrivedOutOfOrder'] = (gu as string[]).some((m, i) => m !== `${other}u${i}`);
        if (gu.length < N / 2) fail(`'unordered' (maxRetransmits 0): only ${gu.length} of ${N} paced messages arrived on a lossless link`);
        // Only the two in-band channels may have fired 'datachannel' on the answerer.
        const announced = c.s.events.filter((e) => / received \(datachannel event\)/.test(e));
        c.details['datachannelEvents'] = announced.length;
        if (announced.some((e) => /dc negotiated /.test(e))) fail("a 'datachannel' event fired for the negotiated channel");
        if (announced.length !== (c.offerer ? 0 : 2)) fail(`expected ${c.offerer ? 0 : 2} 'datachannel' events, saw ${announced.length}`);
      },
    },

    'close-one': {
      setup(c) {
        if (c.offerer) {
          create(c.s, 'keep');
          create(c.s, 'doomed');
        }
      },
      async body(c) {
        const keep = await channel(c.s, 'keep', c.ms);
        const doomed = await channel(c.s, 'doomed', c.ms);
        await Promise.all([opened(keep, c.ms), opened(doomed, c.ms)]);
        await exchangeStrings(c, keep, ['keep 1']);
        await exchangeStrings(c, doomed, ['doomed 1']);
        const doomedId = doomed.dc.id;
        // The closer waits for the other side to say it has read everything on 'doomed', so
        // the close cannot race a message (node-datachannel drops a message that is still on
        // its way to JavaScript when the reset arrives; seen against Chromium).
        if (c.offerer) {
          const [go] = await take(keep, 1, c.ms);
          if (go !== 'close it') fail(`'keep': expected 'close it', got ${describe(go)}`);
          doomed.dc.close();
        } else {
          keep.dc.send('close it');
        }
        await until(doomed, () => doomed.dc.readyState === 'closed', c.ms, "readyState 'closed'");
        c.details['doomedEvents'] = doomed.events.slice();
        try {
          doomed.dc.send('after close');
          c.details['sendAfterClose'] = 'accepted';
        } catch (e) {
          c.details['sendAfterClose'] = (e as Error).name;
        }
        // The other channel carries on, both ways.
        await exchangeStrings(c, keep, ['keep 2', 'keep 3', 'ünïcödé after the close']);
        const big = pattern(Math.min(65536, maxMessageSize(c.s)), 1);
        keep.dc.send(big);
        const [echo] = await take(keep, 1, c.ms);
        const eb = toBytes(echo) ?? fail(`'keep': expected binary, got ${describe(echo)}`);
        if (equalBytes(eb, big) >= 0) fail("'keep': binary message corrupted after the close");
        // A channel opened after the close (it may reuse the closed stream id) works too.
        if (c.offerer) create(c.s, 'after');
        const after = await channel(c.s, 'after', c.ms);
        await opened(after, c.ms);
        await exchangeStrings(c, after, ['after 1']);
        c.details['ids'] = { keep: keep.dc.id, doomed: doomedId, after: after.dc.id };
        if (keep.dc.readyState !== 'open') fail(`'keep' is ${keep.dc.readyState}`);
      },
    },

    // The test relays only the OTHER peer's candidates to the Node side, and strips the Node
    // side's from its descriptions: the Node side must reach the other peer's candidates by
    // itself (against Chromium with default settings: resolve its `<uuid>.local` mDNS names),
    // and the other peer learns the Node side as peer-reflexive.
    'remote-candidates-only': {
      setup(c) {
        if (c.offerer) create(c.s, 'rco');
      },
      async body(c) {
        const t = await channel(c.s, 'rco', c.ms);
        await opened(t, c.ms);
        await exchangeStrings(c, t, ['found you', 'ünïcödé']);
        c.details['remoteCandidates'] = c.s.events.filter((e) => / addIceCandidate /.test(e)).length;
      },
    },

    // Relay-only: the configuration (iceTransportPolicy 'relay' and a TURN server) comes from
    // the test; the body checks that only relay candidates were offered and moves data.
    relay: {
      setup(c) {
        if (c.offerer) create(c.s, 'relay');
      },
      async body(c) {
        const t = await channel(c.s, 'relay', c.ms);
        await opened(t, c.ms);
        const nonRelay = c.s.localCandidates.filter((l) => !/ typ relay/.test(l));
        if (nonRelay.length > 0) fail(`non-relay candidates gathered under iceTransportPolicy 'relay': ${nonRelay.join(' | ')}`);
        if (c.s.localCandidates.length === 0) fail('no relay candidates were gathered');
        await exchangeStrings(c, t, ['through the relay', 'ünïcödé']);
        const sizes = [1, 1000, 16384, 65536];
        sizes.forEach((n, i) => t.dc.send(pattern(n, i)));
        const got = await take(t, sizes.length, c.ms);
        got.forEach((g, i) => {
          const b = toBytes(g) ?? fail(`relay: expected binary, got ${describe(g)}`);
          if (equalBytes(b, pattern(sizes[i]!, i)) >= 0) fail(`relay: message ${i} corrupted`);
        });
        c.details['candidates'] = c.s.localCandidates.length;
      },
    },
  };

  /** The data-channel, transport and selected-pair entries of getStats(), for failure reports. */
  async function statsSummary(s: Session): Promise<string> {
    try {
      const report = await withTimeout(s.pc.getStats(), 2000, 'getStats');
      const keep = ['data-channel', 'transport', 'candidate-pair', 'peer-connection', 'local-candidate', 'remote-candidate'];
      const out: string[] = [];
      // The candidates of nominated pairs: shows whether a `.local` name was resolved (host)
      // or the pair only formed from a peer-reflexive candidate.
      const wanted = new Set<unknown>();
      report.forEach((v: Record<string, unknown>) => {
        if (v['type'] === 'candidate-pair' && v['nominated'] === true) {
          wanted.add(v['localCandidateId']);
          wanted.add(v['remoteCandidateId']);
        }
      });
      report.forEach((v: Record<string, unknown>) => {
        if (!keep.includes(String(v['type']))) return;
        if (v['type'] === 'candidate-pair' && v['nominated'] !== true && v['state'] !== 'succeeded') return;
        if (v['type'] === 'local-candidate' && !wanted.has(v['id'])) return;
        const { timestamp: _t, ...rest } = v;
        void _t;
        out.push(JSON.stringify(rest));
      });
      return out.join('\n    ') || '(empty)';
    } catch (e) {
      return `(getStats failed: ${(e as Error).message})`;
    }
  }

  async function addCandidate(s: Session, c: RTCIceCandidateInit): Promise<void> {
    try {
      await s.pc.addIceCandidate(c);
      log(s, `addIceCandidate ok: ${c.candidate}`);
    } catch (e) {
      // Recorded, not fatal: a peer may reject one candidate (say, a .local name it cannot
      // resolve) and still connect through another.
      log(s, `addIceCandidate FAILED (${(e as Error).name}: ${(e as Error).message}): ${c.candidate}`);
    }
  }

  function remoteDescription(s: Session, ms: number): Promise<{ type: RTCSdpType; sdp: string }> {
    if (s.pendingDescription) {
      const d = s.pendingDescription;
      s.pendingDescription = undefined;
      return Promise.resolve(d);
    }
    return withTimeout(new Promise((resolve) => (s.descriptionWaiter = resolve)), ms, 'the remote description');
  }

  async function applyRemote(s: Session, d: { type: RTCSdpType; sdp: string }): Promise<void> {
    await s.pc.setRemoteDescription(d);
    s.remoteSdp = d.sdp;
    s.remoteSet = true;
    log(s, `setRemoteDescription(${d.type}) done`);
    for (const c of s.pendingCandidates.splice(0)) await addCandidate(s, c);
  }

  return {
    sessions: () => [...sessions.keys()],

    open(id, config) {
      if (sessions.has(id)) fail(`session ${id} is already open`);
      const pc = new RTC(config);
      const s: Session = {
        id,
        pc,
        t0: now(),
        events: [],
        localCandidates: [],
        pendingCandidates: [],
        channels: new Map(),
        dead: undefined,
        closing: false,
        remoteSet: false,
        descriptionWaiter: undefined,
        pendingDescription: undefined,
        remoteSdp: '',
      };
      sessions.set(id, s);
      pc.addEventListener('icecandidate', (e) => {
        const c = (e as RTCPeerConnectionIceEvent).candidate;
        if (!c || !c.candidate) {
          log(s, 'icecandidate (end of candidates)');
          return;
        }
        log(s, `icecandidate ${c.candidate}`);
        s.localCandidates.push(c.candidate);
        emit({ session: id, kind: 'candidate', candidate: { candidate: c.candidate, sdpMid: c.sdpMid ?? '0', sdpMLineIndex: c.sdpMLineIndex ?? 0 } });
      });
      pc.addEventListener('icegatheringstatechange', () => log(s, `icegatheringstate ${pc.iceGatheringState}`));
      pc.addEventListener('iceconnectionstatechange', () => log(s, `iceconnectionstate ${pc.iceConnectionState}`));
      pc.addEventListener('connectionstatechange', () => {
        log(s, `connectionstate ${pc.connectionState}`);
        if ((pc.connectionState === 'closed' || pc.connectionState === 'failed') && !s.closing) {
          s.dead = `the connection went '${pc.connectionState}'`;
          for (const t of s.channels.values()) for (const w of [...t.wakers]) w();
        }
      });
      pc.addEventListener('signalingstatechange', () => log(s, `signalingstate ${pc.signalingState}`));
      pc.addEventListener('datachannel', (e) => track(s, (e as RTCDataChannelEvent).channel, 'received (datachannel event)'));
    },

    async signal(m) {
      const s = sessions.get(m.session);
      if (!s) return; // a late candidate for a finished session
      if (m.kind === 'candidate') {
        if (s.remoteSet) await addCandidate(s, m.candidate);
        else s.pendingCandidates.push(m.candidate);
        return;
      }
      const d = { type: m.type, sdp: m.sdp };
      const w = s.descriptionWaiter;
      s.descriptionWaiter = undefined;
      if (w) w(d);
      else s.pendingDescription = d;
    },

    async run(id, name, role, params) {
      const s = sessions.get(id) ?? fail(`no session ${id}`);
      const sc = scenarios[name] ?? fail(`no scenario '${name}'`);
      const ms = params.timeoutMs ?? (name === 'bulk' ? 40_000 : 15_000);
      const details: Record<string, unknown> = {};
      const quirks = new Set(params.quirks ?? []);
      const c: Ctx = {
        s,
        role,
        offerer: role === 'offerer',
        ms,
        params,
        details,
        quirk(q, what) {
          if (!quirks.has(q)) return false;
          const list = (details['knownQuirks'] ??= []) as string[];
          list.push(`${q}: ${what}`);
          return true;
        },
      };
      const t0 = now();
      current = c;
      try {
        sc.setup(c);
        if (c.offerer) {
          const offer = await s.pc.createOffer();
          await s.pc.setLocalDescription(offer);
          const local = s.pc.localDescription ?? fail('no localDescription after setLocalDescription');
          log(s, 'setLocalDescription(offer) done');
          emit({ session: id, kind: 'description', type: local.type, sdp: local.sdp });
          await applyRemote(s, await remoteDescription(s, ms));
        } else {
          await applyRemote(s, await remoteDescription(s, ms));
          const answer = await s.pc.createAnswer();
          await s.pc.setLocalDescription(answer);
          const local = s.pc.localDescription ?? fail('no localDescription after setLocalDescription');
          log(s, 'setLocalDescription(answer) done');
          emit({ session: id, kind: 'description', type: local.type, sdp: local.sdp });
        }
        await sc.body(c);
        // W3C 6.2: every channel that opens fires 'open', including one announced by a
        // 'datachannel' event (its readyState is already 'open' then; 'open' follows).
        await new Promise((r) => setTimeout(r, 0));
        for (const [label, t] of s.channels) {
          if (!t.events.some((e) => e.startsWith('open'))) fail(`channel '${label}' never fired 'open' (events: ${t.events.join(',') || 'none'})`);
        }
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        throw new Error(`[${role}] ${err.message}\n  events:\n    ${s.events.join('\n    ')}\n  stats: ${await statsSummary(s)}`);
      }
      log(s, 'scenario done');
      return {
        role,
        ms: Math.round(now() - t0),
        details: c.details,
        events: s.events.slice(),
        localSdp: s.pc.localDescription?.sdp ?? '',
        remoteSdp: s.remoteSdp,
        localCandidates: s.localCandidates.slice(),
        stats: await statsSummary(s),
      };
    },

    close(id) {
      const s = sessions.get(id);
      if (!s) return [];
      sessions.delete(id);
      s.closing = true;
      s.dead ??= 'the test closed the session';
      for (const t of s.channels.values()) for (const w of [...t.wakers]) w();
      for (const t of s.channels.values()) {
        try {
          if (t.dc.readyState !== 'closed') t.dc.close();
        } catch {
          // closing is best effort
        }
      }
      try {
        s.pc.close();
      } catch {
        // closing is best effort
      }
      return s.events;
    },
  };
}
