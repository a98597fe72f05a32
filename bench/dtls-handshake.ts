/**
 * CPU cost of complete DTLS handshakes (both endpoints in one process, no network), per
 * suite and group, of certificate generation, and of reading a new peer's public key
 * (certificatePublicKey on a key its cache does not hold).
 *
 * certificatePublicKey, cache miss: 206-242 us through OpenSSL's SPKI DER decoder ->
 * 108-135 us as a JWK (min-median of 9 alternating rounds, load ~3, c9298b0).
 *
 *   node --import tsx bench/dtls-handshake.ts [handshakes=200]
 */
import { cryptoRandom } from '../src/core/index.js';
import { certificatePublicKey, generateCertificate } from '../src/dtls/certificate.js';
import { NamedGroup } from '../src/dtls/protocol.js';
import { SUITES } from '../src/dtls/suites.js';
import { Pair } from '../src/dtls/pair.testutil.js';

const N = Number(process.argv[2] ?? 200);

function cpuMs(fn: () => void): number {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

console.log(`DTLS handshakes, ${N} each, CPU ms per handshake (client + server together), node ${process.version}`);
for (const suite of SUITES) {
  for (const [group, name] of [[NamedGroup.x25519, 'x25519'], [NamedGroup.secp256r1, 'secp256r1']] as const) {
    const opts = { suites: [suite.name], groups: [group] };
    new Pair(0, opts, opts).connect(); // warm up
    const ms = cpuMs(() => {
      for (let i = 0; i < N; i++) if (!new Pair(i, opts, opts).connect()) throw new Error('handshake failed');
    });
    console.log(`${suite.name.padEnd(48)} ${name.padEnd(10)} ${(ms / N).toFixed(2)} ms  (${((N * 1000) / ms).toFixed(0)} /s)`);
  }
}
const certMs = cpuMs(() => {
  for (let i = 0; i < N; i++) generateCertificate(cryptoRandom);
});
console.log(`generateCertificate (ECDSA P-256)                ${(certMs / N).toFixed(2)} ms`);
// 64 distinct certificates cycle through the 32-entry cache of peer keys: every call decodes.
const peers = Array.from({ length: 64 }, () => generateCertificate(cryptoRandom).der);
const keyMs = cpuMs(() => {
  for (let i = 0; i < N; i++) if (!certificatePublicKey(peers[i % 64]!).ok) throw new Error('key does not parse');
});
console.log(`certificatePublicKey (new peer key)              ${((keyMs / N) * 1000).toFixed(0)} us`);
