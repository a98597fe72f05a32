import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, sign, verify, X509Certificate } from 'node:crypto';
import { SeededRandom, toHex } from '../core/index.js';
import { certificateFingerprint, certificatePublicKey, fingerprintHex, generateCertificate, matchesFingerprint, OID } from './certificate.js';
import { decodeChildren, decodeTlv, oidToString, Tag } from './der.js';

const cert = generateCertificate(new SeededRandom(5), {
  notBefore: new Date('2025-01-01T00:00:00Z'),
  notAfter: new Date('2060-01-01T00:00:00Z'),
});

test('the generated certificate parses and is self-signed with its own key', () => {
  const x = new X509Certificate(cert.der);
  assert.equal(x.subject, 'CN=sansrtc');
  assert.equal(x.issuer, 'CN=sansrtc');
  assert.equal(x.publicKey.asymmetricKeyType, 'ec');
  assert.equal(x.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.ok(x.verify(x.publicKey));
  assert.equal(x.validFrom, 'Jan  1 00:00:00 2025 GMT');
  assert.equal(x.validTo, 'Jan  1 00:00:00 2060 GMT'); // GeneralizedTime after 2049
  assert.ok(x.checkPrivateKey(cert.privateKey));
  assert.equal(cert.notAfter.toISOString(), '2060-01-01T00:00:00.000Z');
});

test('the key uses the named-curve OID and ecdsa-with-SHA256', () => {
  const top = decodeTlv(cert.der);
  assert.ok(top.ok && top.value.tag === Tag.sequence);
  const [tbs, alg] = (decodeChildren(top.value.content) as { ok: true; value: { content: Uint8Array }[] }).value;
  const algOid = decodeChildren(alg!.content);
  assert.ok(algOid.ok);
  assert.equal(oidToString(algOid.value[0]!.content), OID.ecdsaWithSha256);
  const fields = decodeChildren(tbs!.content);
  assert.ok(fields.ok);
  const spki = decodeChildren(fields.value[6]!.content);
  assert.ok(spki.ok);
  const keyAlg = decodeChildren(spki.value[0]!.content);
  assert.ok(keyAlg.ok);
  assert.deepEqual(keyAlg.value.map((n) => oidToString(n.content)), [OID.ecPublicKey, OID.prime256v1]);
  // Our SPKI is byte-identical to what OpenSSL derives for the key.
  assert.deepEqual(
    new Uint8Array(fields.value[6]!.raw),
    new Uint8Array(createPublicKey(cert.privateKey).export({ type: 'spki', format: 'der' })),
  );
});

test('the key and serial come from the injected randomness', () => {
  const a = generateCertificate(new SeededRandom(9));
  const b = generateCertificate(new SeededRandom(9));
  const spki = (c: typeof a) => createPublicKey(c.privateKey).export({ type: 'spki', format: 'der' });
  assert.deepEqual(spki(a), spki(b));
  assert.equal(new X509Certificate(a.der).serialNumber, new X509Certificate(b.der).serialNumber);
  assert.notDeepEqual(spki(a), spki(generateCertificate(new SeededRandom(10))));
});

test('fingerprints are the DER hash; their SDP text is upper-case colon hex', () => {
  const f = cert.fingerprint();
  assert.equal(f.algorithm, 'sha-256');
  assert.deepEqual(f.value, new Uint8Array(createHash('sha256').update(cert.der).digest()));
  assert.equal(fingerprintHex(f), toHex(f.value, ':').toUpperCase());
  assert.match(fingerprintHex(f), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.equal(certificateFingerprint(cert.der, 'sha-512').value.length, 64);
});

test('matching accepts sha-1/256/384/512 as bytes or hex text in any case, and skips unknown algorithms', () => {
  for (const alg of ['sha-1', 'sha-256', 'sha-384', 'sha-512'] as const) {
    const f = cert.fingerprint(alg);
    assert.ok(matchesFingerprint(cert.der, [f]));
    assert.ok(matchesFingerprint(cert.der, [{ algorithm: alg.toUpperCase(), value: fingerprintHex(f).toLowerCase() }]));
    assert.ok(matchesFingerprint(cert.der, [{ algorithm: alg, value: fingerprintHex(f) }]));
  }
  const truncated = cert.fingerprint();
  assert.ok(!matchesFingerprint(cert.der, [{ algorithm: 'sha-256', value: truncated.value.subarray(0, 31) }]));
  const other = generateCertificate(new SeededRandom(6));
  assert.ok(!matchesFingerprint(cert.der, [other.fingerprint()]));
  assert.ok(!matchesFingerprint(cert.der, [{ algorithm: 'md5', value: 'AA:BB' }]));
  assert.ok(!matchesFingerprint(cert.der, [{ algorithm: 'sha-256', value: 'not hex' }]));
  assert.ok(matchesFingerprint(cert.der, [{ algorithm: 'md5', value: 'AA' }, cert.fingerprint('sha-384')]));
  assert.ok(!matchesFingerprint(cert.der, []));
});

test('public key extraction refuses garbage without throwing', () => {
  assert.ok(!certificatePublicKey(new Uint8Array([0x30, 0x03, 1, 2, 3])).ok);
  const k = certificatePublicKey(cert.der);
  assert.ok(k.ok);
  const data = new Uint8Array([1, 2, 3]);
  const sig = sign('sha256', data, { key: cert.privateKey, dsaEncoding: 'der' });
  assert.ok(verify('sha256', data, { key: k.value, dsaEncoding: 'der' }, sig));
});

test('the public key read from the subjectPublicKeyInfo is the one OpenSSL reads from the whole certificate', () => {
  for (const c of [cert, generateCertificate()]) {
    const k = certificatePublicKey(c.der);
    assert.ok(k.ok);
    assert.ok(k.value.equals(new X509Certificate(c.der).publicKey));
  }
  // A v1 certificate (no [0] version field) has its key one field earlier.
  const outer = must(decodeChildren(must(decodeTlv(cert.der)).content));
  const fields = must(decodeChildren(outer[0]!.content));
  const v1 = rewrap([rewrap(fields.slice(1).map((f) => f.raw)), ...outer.slice(1).map((f) => f.raw)]);
  const k1 = certificatePublicKey(v1);
  assert.ok(k1.ok && k1.value.equals(must(certificatePublicKey(cert.der))));
  // Cut short, trailing bytes, or a non-key where the key belongs: refused.
  assert.ok(!certificatePublicKey(cert.der.subarray(0, cert.der.length - 1)).ok);
  assert.ok(!certificatePublicKey(new Uint8Array([...cert.der, 0])).ok);
  const noKey = rewrap([rewrap(fields.slice(0, 6).map((f) => f.raw).concat([new Uint8Array([0x02, 0x01, 0x01])]))]);
  assert.ok(!certificatePublicKey(noKey).ok);
  // A key already decoded is served again (the same KeyObject).
  assert.equal(must(certificatePublicKey(cert.der.slice())), must(certificatePublicKey(cert.der)));
});

function must<T>(r: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!r.ok) throw r.error;
  return r.value;
}

/** A SEQUENCE of the given TLVs (short or two-byte length forms). */
function rewrap(parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const head = body.length < 128 ? [Tag.sequence, body.length] : [Tag.sequence, 0x82, body.length >> 8, body.length & 0xff];
  return new Uint8Array([...head, ...body]);
}

test('fingerprints are computed once and handed out as copies', () => {
  const a = cert.fingerprint('sha-256');
  a.value.fill(0);
  assert.deepEqual(cert.fingerprint('sha-256').value, certificateFingerprint(cert.der, 'sha-256').value);
  assert.equal(cert.notAfter.getTime(), new Date(new X509Certificate(cert.der).validTo).getTime());
});

test('a private scalar with leading zero bytes still makes a valid certificate', () => {
  // A Random whose first 32 bytes (the scalar) start with two zero bytes.
  let first = true;
  const rng = {
    fill(buf: Uint8Array) {
      if (first && buf.length === 32) {
        first = false;
        buf.fill(0x11);
        buf[0] = 0;
        buf[1] = 0;
        return buf;
      }
      return new SeededRandom(3).fill(buf);
    },
    u32: () => 7,
  };
  const c = generateCertificate(rng);
  const x = new X509Certificate(c.der);
  assert.ok(x.verify(x.publicKey));
  assert.ok(x.checkPrivateKey(c.privateKey));
});

test('a P-256 key read as JWK is the DER-decoded key, and a point off the curve is refused', () => {
  const der = generateCertificate().der;
  const k = must(certificatePublicKey(der));
  const spki = k.export({ format: 'der', type: 'spki' });
  assert.ok(k.equals(createPublicKey({ key: spki, format: 'der', type: 'spki' })));
  // The point's last byte changed: not on the curve (OpenSSL checks on either path).
  const at = Buffer.from(der).indexOf(spki) + spki.length - 1;
  assert.ok(at > 0);
  const bad = der.slice();
  bad[at] ^= 1;
  const r = certificatePublicKey(bad);
  assert.ok(!r.ok);
});
