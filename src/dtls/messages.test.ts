import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeCertificate,
  decodeCertificateRequest,
  decodeClientHello,
  decodeClientKeyExchange,
  decodeDigitallySigned,
  decodeHelloVerifyRequest,
  decodeServerHello,
  decodeServerKeyExchange,
  decodeU16List,
  encodeCertificate,
  encodeCertificateRequest,
  encodeClientHello,
  encodeClientKeyExchange,
  encodeDigitallySigned,
  encodeEcdhParams,
  encodeHelloVerifyRequest,
  encodeServerHello,
  encodeServerKeyExchange,
} from './messages.js';
import { buildClientHello } from './negotiate.js';
import { ExtensionType, NamedGroup } from './protocol.js';
import { SUITES } from './suites.js';

const random = new Uint8Array(32).fill(0xab);

function samples(): Uint8Array[] {
  const ch = buildClientHello(random, new Uint8Array([1, 2, 3]), SUITES, [NamedGroup.x25519, NamedGroup.secp256r1]);
  return [
    encodeClientHello(ch),
    encodeHelloVerifyRequest({ version: 0xfeff, cookie: new Uint8Array(20).fill(1) }),
    encodeServerHello({ version: 0xfefd, random, sessionId: new Uint8Array(0), cipherSuite: 0xc02b, compressionMethod: 0, extensions: new Map([[23, new Uint8Array(0)]]) }),
    encodeCertificate([new Uint8Array(50).fill(3), new Uint8Array(10)]),
    encodeServerKeyExchange(encodeEcdhParams(29, new Uint8Array(32).fill(5)), 0x0403, new Uint8Array(70).fill(6)),
    encodeCertificateRequest({ certificateTypes: new Uint8Array([64]), schemes: [0x0403, 0x0804] }),
    encodeClientKeyExchange(new Uint8Array(65).fill(4)),
    encodeDigitallySigned({ scheme: 0x0403, signature: new Uint8Array(71).fill(8) }),
  ];
}

const decoders = [
  decodeClientHello,
  decodeHelloVerifyRequest,
  decodeServerHello,
  decodeCertificate,
  decodeServerKeyExchange,
  decodeCertificateRequest,
  decodeClientKeyExchange,
  decodeDigitallySigned,
] as const;

test('every message round-trips through its decoder', () => {
  const enc = samples();
  const ch = decodeClientHello(enc[0]!);
  assert.ok(ch.ok);
  assert.deepEqual(ch.value.cookie, new Uint8Array([1, 2, 3]));
  assert.deepEqual(ch.value.cipherSuites, SUITES.map((s) => s.id));
  assert.deepEqual(decodeU16List(ch.value.extensions.get(ExtensionType.supportedGroups)), [29, 23]);
  assert.deepEqual(encodeClientHello(ch.value), enc[0]);
  const hvr = decodeHelloVerifyRequest(enc[1]!);
  assert.ok(hvr.ok && hvr.value.cookie.length === 20);
  const sh = decodeServerHello(enc[2]!);
  assert.ok(sh.ok && sh.value.cipherSuite === 0xc02b && sh.value.extensions.has(23));
  const cert = decodeCertificate(enc[3]!);
  assert.ok(cert.ok && cert.value.length === 2 && cert.value[0]!.length === 50);
  const ske = decodeServerKeyExchange(enc[4]!);
  assert.ok(ske.ok && ske.value.group === 29 && ske.value.publicKey.length === 32 && ske.value.signature.length === 70);
  assert.deepEqual(ske.value.params, encodeEcdhParams(29, new Uint8Array(32).fill(5)));
  const cr = decodeCertificateRequest(enc[5]!);
  assert.ok(cr.ok && cr.value.schemes.length === 2);
  const cke = decodeClientKeyExchange(enc[6]!);
  assert.ok(cke.ok && cke.value.length === 65);
  const cv = decodeDigitallySigned(enc[7]!);
  assert.ok(cv.ok && cv.value.scheme === 0x0403);
});

test('every truncation of every message is refused without throwing', () => {
  const enc = samples();
  enc.forEach((m, i) => {
    for (let n = 0; n < m.length; n++) {
      const r = decoders[i]!(m.subarray(0, n));
      // A ClientHello/ServerHello cut right before its extensions is still well formed.
      if (r.ok) assert.ok(i === 0 || i === 2 || i === 5, `decoder ${i} accepted ${n}/${m.length} bytes`);
    }
  });
});

test('a repeated extension is refused (RFC 5246 7.4.1.4)', () => {
  const m = encodeServerHello({ version: 0xfefd, random, sessionId: new Uint8Array(0), cipherSuite: 0xc02b, compressionMethod: 0, extensions: new Map([[23, new Uint8Array(0)]]) });
  // Append a second extension 23 and fix the extensions length.
  const dup = new Uint8Array([...m, 0, 23, 0, 0]);
  const extLenAt = 2 + 32 + 1 + 2 + 1;
  dup[extLenAt + 1]! += 4;
  const r = decodeServerHello(dup);
  assert.ok(!r.ok && r.error.reason === 'invalid');
});

test('random and mutated message bodies never throw (property)', () => {
  const enc = samples();
  fc.assert(
    fc.property(fc.nat(enc.length - 1), fc.uint8Array({ maxLength: 300 }), fc.nat(400), fc.nat(255), (which, junk, at, v) => {
      const decode = decoders[which]!;
      decode(junk);
      const m = enc[which]!.slice();
      m[at % m.length] = v;
      decode(m);
    }),
    { numRuns: 2000 },
  );
});
