import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeededRandom, drain, transportAddress, type Millis, type Transmit } from '../core/index.js';
import {
  StunClass,
  StunMethod,
  StunTransactions,
  decodeStun,
  encodeStun,
  newTransactionId,
  shortTermKey,
  transactionKey,
  type DecodedStun,
  type StartTransaction,
  type StunTransactionEvent,
} from './index.js';

const SERVER = transportAddress('192.0.2.10', 3478);
const LOCAL = transportAddress('192.0.2.1', 50000);
const KEY = shortTermKey('password');

type Out = Transmit | StunTransactionEvent;

function request(rng: SeededRandom, method: number = StunMethod.Binding): { data: Uint8Array; id: string; tid: Uint8Array } {
  const tid = newTransactionId(rng);
  const data = encodeStun({ method, cls: StunClass.Request, transactionId: tid, attrs: {} }, { fingerprint: true });
  return { data, id: transactionKey(tid), tid };
}

function response(
  tid: Uint8Array,
  opts: { cls?: StunClass; method?: number; key?: Uint8Array; errorCode?: number } = {},
): DecodedStun {
  const bytes = encodeStun(
    {
      method: opts.method ?? StunMethod.Binding,
      cls: opts.cls ?? StunClass.Success,
      transactionId: tid,
      attrs:
        opts.errorCode !== undefined
          ? { errorCode: { code: opts.errorCode, reason: 'x' } }
          : { xorMappedAddress: transportAddress('203.0.113.5', 6000) },
    },
    opts.key ? { integrityKey: opts.key } : {},
  );
  const r = decodeStun(bytes);
  assert.ok(r.ok);
  return r.value;
}

const start = (data: Uint8Array, extra: Partial<StartTransaction> = {}): StartTransaction => ({
  type: 'start',
  data,
  to: SERVER,
  from: LOCAL,
  ...extra,
});

/** Runs the engine on a virtual clock until it has no deadline; returns outputs with times. */
function runToEnd(engine: StunTransactions, until = Infinity): [Millis, Out][] {
  const seen: [Millis, Out][] = [];
  for (let t = engine.pollTimeout(); t !== undefined && t <= until; t = engine.pollTimeout()) {
    // A timer firing a moment early must do nothing.
    engine.handleTimeout(t - 1);
    assert.equal(engine.pollOutput(), undefined);
    engine.handleTimeout(t);
    for (const o of drain(engine)) seen.push([t, o]);
  }
  return seen;
}

test('default RFC 8489 6.2.1 schedule: 0, 500, 1500, 3500, 7500, 15500, 31500, timeout 39500', () => {
  const rng = new SeededRandom(1);
  const engine = new StunTransactions();
  const { data, id } = request(rng);
  engine.handleInput(0, start(data));
  const first = drain(engine);
  assert.deepEqual(first, [{ type: 'transmit', data, to: SERVER, from: LOCAL }]);
  assert.equal(engine.pollTimeout(), 500);
  const rest = runToEnd(engine);
  const transmits = rest.filter(([, o]) => o.type === 'transmit');
  assert.deepEqual(
    transmits.map(([t]) => t),
    [500, 1500, 3500, 7500, 15500, 31500],
  );
  for (const [, o] of transmits) assert.equal((o as Transmit).data, data, 'the same bytes, not a copy');
  assert.deepEqual(rest[rest.length - 1], [39500, { type: 'transaction-timeout', id }]);
  assert.equal(rest.length, 7);
  assert.equal(engine.size, 0);
  assert.equal(engine.pollTimeout(), undefined);
  assert.equal(engine.counters.get('retransmit'), 6);
  assert.equal(engine.counters.get('timeout'), 1);
});

test('engine-wide and per-transaction timing overrides', () => {
  const rng = new SeededRandom(2);
  const engine = new StunTransactions({ rto: 100, rc: 3, rm: 2 });
  const a = request(rng);
  const b = request(rng);
  engine.handleInput(0, start(a.data));
  engine.handleInput(10, start(b.data, { rto: 50, rc: 2, rm: 4 }));
  drain(engine);
  const seen = runToEnd(engine).map(([t, o]) => [t, o.type === 'transmit' ? transmitId(o) : o.type + ':' + o.id]);
  assert.deepEqual(seen, [
    [60, b.id], // b: 10, 60, timeout 60 + 4*50 = 260
    [100, a.id], // a: 0, 100, 300, timeout 300 + 2*100 = 500
    [260, 'transaction-timeout:' + b.id],
    [300, a.id],
    [500, 'transaction-timeout:' + a.id],
  ]);
});

function transmitId(o: Transmit): string {
  return transactionKey(o.data.subarray(8, 20));
}

test('Rc = 1 sends once and waits Rm * RTO', () => {
  const engine = new StunTransactions({ rc: 1, rto: 200, rm: 3 });
  const { data, id } = request(new SeededRandom(3));
  engine.handleInput(0, start(data));
  assert.equal(drain(engine).length, 1);
  assert.deepEqual(runToEnd(engine), [[600, { type: 'transaction-timeout', id }]]);
});

test('the schedule follows RTO * (2^i - 1) and Rm for any timing', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 1, max: 32 }),
      fc.integer({ min: 0, max: 1e6 }),
      (rto, rc, rm, t0) => {
        const engine = new StunTransactions({ rto, rc, rm });
        engine.handleInput(t0, start(request(new SeededRandom(rto)).data));
        assert.equal(drain(engine).length, 1);
        const sends = [t0, ...runToEnd(engine).map(([t]) => t)];
        const timeout = sends.pop();
        const expected = Array.from({ length: rc }, (_, i) => t0 + rto * (2 ** i - 1));
        assert.deepEqual(sends, expected);
        assert.equal(timeout, expected[rc - 1]! + rm * rto);
      },
    ),
    { numRuns: 200 },
  );
});

test('maxRto caps the doubling interval', () => {
  const engine = new StunTransactions({ rto: 100, rc: 6, rm: 3, maxRto: 300 });
  const { data } = request(new SeededRandom(11));
  engine.handleInput(0, start(data));
  drain(engine);
  const seen = runToEnd(engine).map(([t, o]) => [t, o.type]);
  // intervals 100, 200, 300, 300, 300; then Rm * RTO = 300 (of the initial RTO)
  assert.deepEqual(seen, [
    [100, 'transmit'],
    [300, 'transmit'],
    [600, 'transmit'],
    [900, 'transmit'],
    [1200, 'transmit'],
    [1500, 'transaction-timeout'],
  ]);
  engine.handleInput(0, start(request(new SeededRandom(12)).data, { maxRto: 50 }));
  assert.equal(drain(engine)[0]!.type, 'transaction-refused');
});

test('a late timer retransmits once and measures the next interval from now', () => {
  const engine = new StunTransactions();
  const { data } = request(new SeededRandom(4));
  engine.handleInput(0, start(data));
  drain(engine);
  engine.handleTimeout(2000); // due at 500, fired at 2000
  assert.equal(drain(engine).length, 1);
  assert.equal(engine.pollTimeout(), 3000);
});

test('a matching response ends the transaction with one event', () => {
  const rng = new SeededRandom(5);
  const engine = new StunTransactions();
  const { data, id, tid } = request(rng);
  engine.handleInput(0, start(data));
  drain(engine);
  runToEnd(engine, 1500);
  const res = response(tid);
  engine.handleInput(1600, { type: 'stun', message: res, from: SERVER });
  assert.deepEqual(drain(engine), [
    { type: 'transaction-response', id, message: res, from: SERVER, authenticated: false },
  ]);
  assert.equal(engine.pollTimeout(), undefined);
  assert.equal(engine.has(id), false);
  // A duplicate response (a retransmission was answered twice) is dropped and counted.
  engine.handleInput(1700, { type: 'stun', message: res, from: SERVER });
  assert.deepEqual(drain(engine), []);
  assert.equal(engine.counters.get('unknown-transaction'), 1);
});

test('raw datagrams are decoded; garbage and non-responses are dropped and counted', () => {
  const rng = new SeededRandom(6);
  const engine = new StunTransactions();
  const { data, id, tid } = request(rng);
  engine.handleInput(0, start(data));
  drain(engine);
  const dg = (bytes: Uint8Array) => ({ type: 'datagram' as const, data: bytes, from: SERVER, to: LOCAL });
  engine.handleInput(1, dg(Uint8Array.from([0x16, 0xfe, 0xfd, 0, 0])));
  engine.handleInput(2, dg(data)); // our own request reflected back: not a response
  engine.handleInput(3, dg(response(tid, { method: StunMethod.Allocate }).raw));
  assert.deepEqual(drain(engine), []);
  assert.equal(engine.counters.get('decode-error'), 1);
  assert.equal(engine.counters.get('not-a-response'), 1);
  assert.equal(engine.counters.get('method-mismatch'), 1);
  assert.equal(engine.has(id), true);
  engine.handleInput(4, dg(response(tid, { cls: StunClass.Error, errorCode: 500 }).raw));
  const out = drain(engine);
  assert.equal(out.length, 1);
  const ev = out[0]!;
  assert.ok(ev.type === 'transaction-response');
  assert.equal(ev.message.attrs.errorCode?.code, 500);
  assert.deepEqual(ev.from, SERVER);
});

test('cancel ends a transaction silently', () => {
  const engine = new StunTransactions();
  const { data, id } = request(new SeededRandom(7));
  engine.handleInput(0, start(data));
  drain(engine);
  engine.handleInput(100, { type: 'cancel', id });
  engine.handleInput(100, { type: 'cancel', id: 'not-open' });
  assert.equal(engine.pollTimeout(), undefined);
  engine.handleTimeout(100_000);
  assert.deepEqual(drain(engine), []);
});

test('refusals: too many, duplicate id, not a request, bad timing', () => {
  const rng = new SeededRandom(8);
  const engine = new StunTransactions({ maxTransactions: 2 });
  const a = request(rng);
  const b = request(rng);
  const c = request(rng);
  engine.handleInput(0, start(a.data));
  engine.handleInput(0, start(a.data));
  engine.handleInput(0, start(b.data));
  engine.handleInput(0, start(c.data));
  const indication = encodeStun({ method: StunMethod.Binding, cls: StunClass.Indication, transactionId: c.tid, attrs: {} });
  engine.handleInput(0, start(indication));
  engine.handleInput(0, start(new Uint8Array(3)));
  const d = request(rng);
  engine.handleInput(0, start(d.data, { rto: 0 }));
  engine.handleInput(0, start(d.data, { rc: 0 }));
  const out = drain(engine).map((o) => (o.type === 'transmit' ? 'transmit' : `${o.type}:${'reason' in o ? o.reason : ''}:${o.id}`));
  assert.deepEqual(out, [
    'transmit',
    `transaction-refused:duplicate:${a.id}`,
    'transmit',
    `transaction-refused:too-many:${c.id}`,
    `transaction-refused:invalid:${c.id}`,
    'transaction-refused:invalid:',
    `transaction-refused:invalid:${d.id}`,
    `transaction-refused:invalid:${d.id}`,
  ]);
  assert.equal(engine.size, 2);
  assert.equal(engine.counters.get('refused'), 6);
  assert.throws(() => new StunTransactions({ rc: 0 }), RangeError);
});

test('with an integrity key, forged or unsigned success responses are discarded', () => {
  const rng = new SeededRandom(9);
  const engine = new StunTransactions();
  const { data, id, tid } = request(rng);
  engine.handleInput(0, start(data, { integrityKey: KEY }));
  drain(engine);
  engine.handleInput(10, { type: 'stun', message: response(tid, { key: shortTermKey('wrong') }), from: SERVER });
  engine.handleInput(20, { type: 'stun', message: response(tid), from: SERVER });
  assert.deepEqual(drain(engine), []);
  assert.equal(engine.counters.get('integrity-failed'), 1);
  assert.equal(engine.counters.get('unauthenticated-success'), 1);
  // Retransmissions continue (RFC 8489 9.1.4).
  assert.equal(engine.pollTimeout(), 500);
  const good = response(tid, { key: KEY });
  engine.handleInput(30, { type: 'stun', message: good, from: SERVER });
  assert.deepEqual(drain(engine), [{ type: 'transaction-response', id, message: good, from: SERVER, authenticated: true }]);
});

test('with an integrity key, an unsigned error response is delivered as unauthenticated', () => {
  const engine = new StunTransactions();
  const { data, id, tid } = request(new SeededRandom(10));
  engine.handleInput(0, start(data, { integrityKey: KEY }));
  drain(engine);
  const challenge = response(tid, { cls: StunClass.Error, errorCode: 401 });
  engine.handleInput(5, { type: 'stun', message: challenge, from: SERVER });
  assert.deepEqual(drain(engine), [
    { type: 'transaction-response', id, message: challenge, from: SERVER, authenticated: false },
  ]);
});

test('many interleaved transactions replay identically from a seed', () => {
  const run = (seed: number): string[] => {
    const rng = new SeededRandom(seed);
    const engine = new StunTransactions({ rto: 20 });
    const log: string[] = [];
    const open: Uint8Array[] = [];
    let now = 0;
    for (let step = 0; step < 300; step++) {
      now += rng.u32() % 40;
      const t = engine.pollTimeout();
      if (t !== undefined && t <= now) engine.handleTimeout(now);
      const dice = rng.u32() % 10;
      if (dice < 3) {
        const r = request(rng);
        open.push(r.tid);
        engine.handleInput(now, start(r.data));
      } else if (dice < 5 && open.length) {
        const tid = open.splice(rng.u32() % open.length, 1)[0]!;
        engine.handleInput(now, { type: 'stun', message: response(tid), from: SERVER });
      }
      for (const o of drain(engine)) log.push(`${now} ${o.type} ${o.type === 'transmit' ? transmitId(o) : o.id}`);
    }
    return log;
  };
  const a = run(42);
  assert.deepEqual(run(42), a);
  assert.ok(a.some((l) => l.includes('transaction-response')));
  assert.ok(a.some((l) => l.includes('transaction-timeout')));
});

test('model: every accepted transaction ends exactly once, sends at most Rc times, within the bound', () => {
  type Op =
    | { kind: 'start' }
    | { kind: 'respond'; pick: number }
    | { kind: 'cancel'; pick: number }
    | { kind: 'advance'; ms: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.constant({ kind: 'start' as const }),
    fc.record({ kind: fc.constant('respond' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 80 }), fc.integer({ min: 1, max: 5 }), (ops, rc) => {
      const rng = new SeededRandom(rc);
      const max = 4;
      const engine = new StunTransactions({ rto: 100, rc, rm: 4, maxTransactions: max });
      const started = new Map<string, Uint8Array>(); // accepted and not yet ended or cancelled
      const sends = new Map<string, number>();
      const ended = new Set<string>();
      let now = 0;
      const consume = (): void => {
        for (const o of drain(engine)) {
          if (o.type === 'transmit') {
            const id = transmitId(o);
            sends.set(id, (sends.get(id) ?? 0) + 1);
            assert.ok(started.has(id), 'transmit for an open transaction');
            assert.ok(sends.get(id)! <= rc, 'at most Rc transmissions');
          } else if (o.type === 'transaction-refused') {
            assert.equal(o.reason, 'too-many');
            assert.equal(engine.size, max);
            started.delete(o.id);
          } else {
            assert.ok(started.has(o.id), `${o.type} for an open transaction`);
            assert.ok(!ended.has(o.id), 'ends once');
            if (o.type === 'transaction-timeout') assert.equal(sends.get(o.id), rc, 'times out after Rc sends');
            started.delete(o.id);
            ended.add(o.id);
          }
        }
        assert.equal(engine.size, started.size);
        assert.ok(engine.size <= max);
      };
      const pick = (n: number): [string, Uint8Array] | undefined => [...started][n % Math.max(1, started.size)];
      for (const o of ops) {
        if (o.kind === 'start') {
          const r = request(rng);
          started.set(r.id, r.tid);
          engine.handleInput(now, start(r.data));
        } else if (o.kind === 'respond') {
          const p = pick(o.pick);
          if (p) engine.handleInput(now, { type: 'stun', message: response(p[1]), from: SERVER });
        } else if (o.kind === 'cancel') {
          const p = pick(o.pick);
          if (p) {
            engine.handleInput(now, { type: 'cancel', id: p[0] });
            started.delete(p[0]);
          }
        } else {
          const until = now + o.ms;
          for (let t = engine.pollTimeout(); t !== undefined && t <= until; t = engine.pollTimeout()) {
            now = Math.max(now, t);
            engine.handleTimeout(now);
            consume();
          }
          now = until;
        }
        consume();
      }
      // Left alone, everything still open times out.
      for (let t = engine.pollTimeout(); t !== undefined; t = engine.pollTimeout()) {
        engine.handleTimeout(t);
        consume();
      }
      assert.equal(started.size, 0);
      assert.equal(engine.size, 0);
    }),
    { numRuns: 300 },
  );
});
