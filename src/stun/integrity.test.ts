import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { messageMac } from './integrity.js';

test('messageMac equals a plain HMAC, also after the key array is changed in place, and for an empty key', () => {
  const msg = new Uint8Array(64).map((_, i) => i);
  const key = new TextEncoder().encode('pass-word-0123456789');
  const plain = (k: Uint8Array): Buffer => {
    const m = msg.slice();
    m[2] = 0;
    m[3] = 40;
    return createHmac('sha1', k).update(m.subarray(0, 60)).digest();
  };
  assert.deepEqual(Buffer.from(messageMac('sha1', key, msg, 60, 40)), plain(key));
  assert.deepEqual(Buffer.from(messageMac('sha1', key, msg, 60, 40)), plain(key));
  key[0] ^= 1;
  assert.deepEqual(Buffer.from(messageMac('sha1', key, msg, 60, 40)), plain(key));
  assert.deepEqual(Buffer.from(messageMac('sha1', new Uint8Array(0), msg, 60, 40)), plain(new Uint8Array(0)));
  assert.equal(msg[2], 2); // the length field is restored
  assert.equal(msg[3], 3);
});
