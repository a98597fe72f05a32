import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { SeededRandom } from '../core/index.js';
import { generateEphemeral } from './keyexchange.js';
import { NamedGroup } from './protocol.js';

for (const group of [NamedGroup.x25519, NamedGroup.secp256r1]) {
  test(`group ${group}: both sides derive the same secret; same seed, same key`, () => {
    const a = generateEphemeral(group, new SeededRandom(1));
    const b = generateEphemeral(group, new SeededRandom(2));
    const s1 = a.deriveSecret(b.publicKey);
    const s2 = b.deriveSecret(a.publicKey);
    assert.ok(s1 && s2);
    assert.equal(s1.length, 32);
    assert.deepEqual(s1, s2);
    assert.deepEqual(generateEphemeral(group, new SeededRandom(1)).publicKey, a.publicKey);
    assert.equal(a.publicKey.length, group === NamedGroup.x25519 ? 32 : 65);
  });
}

test('the X25519 public key matches what OpenSSL derives from the PKCS#8 form', () => {
  const raw = new SeededRandom(3).fill(new Uint8Array(32));
  const der = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), raw]);
  const expected = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
  assert.deepEqual(generateEphemeral(NamedGroup.x25519, new SeededRandom(3)).publicKey, new Uint8Array(expected.subarray(12)));
});

test('bad peer values are refused without throwing', () => {
  const x = generateEphemeral(NamedGroup.x25519, new SeededRandom(4));
  assert.equal(x.deriveSecret(new Uint8Array(31)), undefined);
  assert.equal(x.deriveSecret(new Uint8Array(32)), undefined); // low-order point: all-zero secret
  const p = generateEphemeral(NamedGroup.secp256r1, new SeededRandom(5));
  assert.equal(p.deriveSecret(new Uint8Array(65)), undefined); // not 0x04-prefixed
  const offCurve = new Uint8Array(65).fill(1);
  offCurve[0] = 4;
  assert.equal(p.deriveSecret(offCurve), undefined);
  assert.equal(p.deriveSecret(new Uint8Array(33).fill(2)), undefined); // compressed form refused
});
