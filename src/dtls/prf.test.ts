import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex, utf8Encode } from '../core/index.js';
import { digest, extendedMasterSecret, keyBlock, masterSecret, prf, verifyData } from './prf.js';
import { suiteByName } from './suites.js';

// Known answers computed with `openssl kdf ... TLS1-PRF` (the widely used test vectors).
test('PRF SHA-256 matches the known answer', () => {
  const out = prf('sha256', fromHex('9bbe436ba940f017b17652849a71db35')!, 'test label', fromHex('a0ba9f936cda311827a6f796ffd5198c')!, 64);
  assert.equal(
    toHex(out),
    'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab',
  );
});

test('PRF SHA-384 matches the known answer', () => {
  const out = prf('sha384', fromHex('b80b733d6ceefcdc71566ea48e5567df')!, 'test label', fromHex('cd665cf6a8447dd6ff8b27555edb7465')!, 48);
  assert.equal(
    toHex(out),
    '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0',
  );
});

test('PRF output is a prefix-stable stream', () => {
  const s = utf8Encode('secret');
  const seed = utf8Encode('seed');
  const long = prf('sha256', s, 'x', seed, 100);
  assert.deepEqual(prf('sha256', s, 'x', seed, 33), long.subarray(0, 33));
});

test('master secrets differ between classic and extended derivations', () => {
  const pms = new Uint8Array(32).fill(7);
  const cr = new Uint8Array(32).fill(1);
  const sr = new Uint8Array(32).fill(2);
  const classic = masterSecret('sha256', pms, cr, sr);
  const ems = extendedMasterSecret('sha256', pms, digest('sha256', [cr, sr]));
  assert.equal(classic.length, 48);
  assert.equal(ems.length, 48);
  assert.notDeepEqual(classic, ems);
});

test('key block splits into keys and IVs of the suite sizes', () => {
  const m = new Uint8Array(48).fill(3);
  for (const [name, key, iv] of [
    ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 16, 4],
    ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 32, 4],
    ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 32, 12],
  ] as const) {
    const kb = keyBlock(suiteByName(name)!, m, new Uint8Array(32), new Uint8Array(32).fill(1));
    assert.equal(kb.clientKey.length, key);
    assert.equal(kb.serverKey.length, key);
    assert.equal(kb.clientIv.length, iv);
    assert.equal(kb.serverIv.length, iv);
    assert.notDeepEqual(kb.clientKey, kb.serverKey);
  }
});

test('verify_data is 12 bytes and depends on the role', () => {
  const m = new Uint8Array(48).fill(9);
  const h = digest('sha256', [utf8Encode('transcript')]);
  assert.equal(verifyData('sha256', m, 'client', h).length, 12);
  assert.notDeepEqual(verifyData('sha256', m, 'client', h), verifyData('sha256', m, 'server', h));
});
