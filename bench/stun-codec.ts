// STUN codec cost for the messages ICE sends most: a Binding request with USERNAME,
// PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY and FINGERPRINT, and its
// success response with XOR-MAPPED-ADDRESS.
//   node --import tsx bench/stun-codec.ts
import { SeededRandom, transportAddress } from '../src/core/index.js';
import {
  StunClass,
  StunMethod,
  decodeStun,
  encodeStun,
  isStunMessage,
  newTransactionId,
  shortTermKey,
  verifyIntegrity,
  type StunMessage,
} from '../src/stun/index.js';

const rng = new SeededRandom(1);
const key = shortTermKey('a4Y9xkLmQ2w8Zr3pT6uVbN1c');
const request: StunMessage = {
  method: StunMethod.Binding,
  cls: StunClass.Request,
  transactionId: newTransactionId(rng),
  attrs: {
    username: 'Xk3f:9Pq2',
    priority: 0x6e0001ff,
    iceControlling: 0x1234_5678_9abc_def0n,
    useCandidate: true,
  },
};
const success: StunMessage = {
  method: StunMethod.Binding,
  cls: StunClass.Success,
  transactionId: request.transactionId,
  attrs: { xorMappedAddress: transportAddress('203.0.113.77', 54321) },
};
const reqBytes = encodeStun(request, { integrityKey: key, fingerprint: true });
const resBytes = encodeStun(success, { integrityKey: key, fingerprint: true });

let sink = 0;
/**
 * Best of `rounds` runs of `n` calls each, timed in process CPU time (user + system) so that
 * other processes on a shared machine disturb the figure less than wall time would.
 */
function bench(name: string, n: number, fn: () => void, rounds = 9): void {
  for (let i = 0; i < n; i++) fn(); // warm up
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, ((c.user + c.system) * 1e3) / n);
  }
  console.log(`${name.padEnd(50)} ${best.toFixed(0).padStart(6)} ns/op  ${(1e6 / best).toFixed(0).padStart(6)} k/s`);
}

const N = Number(process.env.N ?? 20_000);
console.log(`request ${reqBytes.length} B, response ${resBytes.length} B; best of 9 runs of ${N} calls, CPU time`);
bench('isStunMessage', N, () => {
  sink += isStunMessage(reqBytes) ? 1 : 0;
});
bench('decode request (incl. FINGERPRINT check)', N, () => {
  const r = decodeStun(reqBytes);
  if (r.ok) sink += r.value.attrs.priority!;
});
bench('verifyIntegrity (HMAC-SHA1)', N, () => {
  const r = decodeStun(reqBytes);
  if (r.ok && verifyIntegrity(r.value, key)) sink++;
});
bench('encode request (MESSAGE-INTEGRITY + FINGERPRINT)', N, () => {
  sink += encodeStun(request, { integrityKey: key, fingerprint: true }).length;
});
bench('encode request (no integrity, no fingerprint)', N, () => {
  sink += encodeStun(request).length;
});
bench('encode success response (MI + FP)', N, () => {
  sink += encodeStun(success, { integrityKey: key, fingerprint: true }).length;
});
bench('decode success response + verify', N, () => {
  const r = decodeStun(resBytes);
  if (r.ok && verifyIntegrity(r.value, key)) sink += r.value.attrs.xorMappedAddress!.port;
});
if (sink === 42) console.log('');
