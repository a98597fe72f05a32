import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { ChaCha20Poly1305 } from './chacha20-poly1305.js';
import { WasmChaCha20Poly1305 } from './wasm/chacha20-poly1305.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const zeros = (n: number): Uint8Array => new Uint8Array(n);
/** A 32-byte key or 12-byte nonce that is zero but for its last byte. */
const lastByte = (n: number, v: number): Uint8Array => {
  const b = new Uint8Array(n);
  b[n - 1] = v;
  return b;
};

const SUNSCREEN = ascii(
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
);
const IETF = ascii(
  'Any submission to the IETF intended by the Contributor for publication as all or part of an IETF ' +
    'Internet-Draft or RFC and any statement made within the context of an IETF activity is considered an ' +
    '"IETF Contribution". Such statements include oral statements in IETF sessions, as well as written and ' +
    'electronic communications made at any time or place, which are addressed to',
);
const JABBERWOCK = ascii(
  "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\nAll mimsy were the borogoves,\nAnd the mome raths outgrabe.",
);
const KEY_1C = hex('1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0');

test('the RFC texts have the lengths the vectors imply', () => {
  assert.equal(SUNSCREEN.length, 114);
  assert.equal(IETF.length, 375);
  assert.equal(JABBERWOCK.length, 127);
});

/** Poly1305 straight from RFC 8439 2.5.1 with BigInt, as the reference for the limb arithmetic. */
function poly1305BigInt(key: Uint8Array, msg: Uint8Array): string {
  const le = (b: Uint8Array): bigint => BigInt('0x' + (Buffer.from(b).reverse().toString('hex') || '0'));
  const p = (1n << 130n) - 5n;
  const r = le(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = le(key.subarray(16, 32));
  let acc = 0n;
  for (let i = 0; i < msg.length; i += 16) {
    const block = msg.subarray(i, i + 16);
    acc = ((acc + le(block) + (1n << BigInt(8 * block.length))) * r) % p;
  }
  const tag = (acc + s) & ((1n << 128n) - 1n);
  return Buffer.from(tag.toString(16).padStart(32, '0'), 'hex').reverse().toString('hex');
}

/** Node's (OpenSSL's) AEAD as the reference. */
function nativeSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: pt.length });
  return Uint8Array.from(Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]));
}

const inputs = fc.record({
  key: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  nonce: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  aad: fc.uint8Array({ maxLength: 40 }),
  pt: fc.uint8Array({ maxLength: 2000 }),
  at: fc.nat(7),
});

/** Both implementations, with the same interface, run every test below. */
interface AeadClass {
  new (key: Uint8Array): Pick<ChaCha20Poly1305, 'seal' | 'open'>;
  block(key: Uint8Array, nonce: Uint8Array, counter: number): Uint8Array;
  chacha20(key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array): Uint8Array;
  poly1305(oneTimeKey: Uint8Array, message: Uint8Array): Uint8Array;
}
const IMPLS: [string, AeadClass][] = [
  ['JavaScript', ChaCha20Poly1305],
  ['WebAssembly', WasmChaCha20Poly1305],
];

for (const [label, Impl] of IMPLS) {
  test(`${label}: RFC 8439 2.3.2 and A.1: ChaCha20 block function`, () => {
    const seq = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    // 2.3.2: the serialized block, key 00..1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, counter 1.
    assert.equal(
      toHex(Impl.block(seq, hex('000000090000004a00000000'), 1)),
      '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e' +
        'd2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e',
    );
    const vectors: [Uint8Array, Uint8Array, number, string][] = [
      [zeros(32), zeros(12), 0, '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586'],
      [zeros(32), zeros(12), 1, '9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f'],
      [lastByte(32, 1), zeros(12), 1, '3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0'],
      [(() => { const k = zeros(32); k[1] = 0xff; return k; })(), zeros(12), 2, '72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096'],
      [zeros(32), lastByte(12, 2), 0, 'c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c78a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d'],
    ];
    for (const [key, nonce, counter, expected] of vectors) {
      assert.equal(toHex(Impl.block(key, nonce, counter)), expected);
      // A.1 also gives the same bytes as the keystream: encrypting zeros yields them.
      assert.equal(toHex(Impl.chacha20(key, nonce, counter, zeros(64))), expected);
    }
  });

  test(`${label}: RFC 8439 2.4.2 and A.2: ChaCha20 encryption`, () => {
    const seq = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const ct = Impl.chacha20(seq, hex('000000000000004a00000000'), 1, SUNSCREEN);
    assert.equal(
      toHex(ct),
      '6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8' +
        '07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab77937365af90bbf74a35be6b40b8eedf2785e42874d',
    );
    assert.deepEqual(Impl.chacha20(seq, hex('000000000000004a00000000'), 1, ct), SUNSCREEN);
    // A.2 #1: zero key, zero nonce, counter 0, 64 zero bytes.
    assert.equal(
      toHex(Impl.chacha20(zeros(32), zeros(12), 0, zeros(64))),
      '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586',
    );
    // A.2 #2: key ..01, nonce ..02, counter 1, the IETF text.
    assert.equal(
      toHex(Impl.chacha20(lastByte(32, 1), lastByte(12, 2), 1, IETF)),
      'a3fbf07df3fa2fde4f376ca23e82737041605d9f4f4f57bd8cff2c1d4b7955ec2a97948bd3722915c8f3d337f7d370050e9e96d647b7c39f56e031ca5eb6250d' +
        '4042e02785ececfa4b4bb5e8ead0440e20b6e8db09d881a7c6132f420e52795042bdfa7773d8a9051447b3291ce1411c680465552aa6c405b7764d5e87bea85a' +
        'd00f8449ed8f72d0d662ab052691ca66424bc86d2df80ea41f43abf937d3259dc4b2d0dfb48a6c9139ddd7f76966e928e635553ba76c5c879d7b35d49eb2e62b' +
        '0871cdac638939e25e8a1e0ef9d5280fa8ca328b351c3c765989cbcf3daa8b6ccc3aaf9f3979c92b3720fc88dc95ed84a1be059c6499b9fda236e7e818b04b0b' +
        'c39c1e876b193bfe5569753f88128cc08aaa9b63d1a16f80ef2554d7189c411f5869ca52c5b83fa36ff216b9c1d30062bebcfd2dc5bce0911934fda79a86f6e6' +
        '98ced759c3ff9b6477338f3da4f9cd8514ea9982ccafb341b2384dd902f3d1ab7ac61dd29c6f21ba5b862f3730e37cfdc4fd806c22f221',
    );
    // A.2 #3: counter 42, the Jabberwock.
    assert.equal(
      toHex(Impl.chacha20(KEY_1C, lastByte(12, 2), 42, JABBERWOCK)),
      '62e6347f95ed87a45ffae7426f27a1df5fb69110044c0d73118effa95b01e5cf166d3df2d721caf9b21e5fb14c616871fd84c54f9d65b283196c7fe4f60553eb' +
        'f39c6402c42234e32a356b3e764312a61a5532055716ead6962568f87d3f3f7704c6a8d1bcd1bf4d50d6154b6da731b187b58dfd728afa36757a797ac188d1',
    );
  });

  test(`${label}: RFC 8439 2.5.2 and A.3: Poly1305`, () => {
    const key = hex('85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b');
    assert.equal(toHex(Impl.poly1305(key, ascii('Cryptographic Forum Research Group'))), 'a8061dc1305136c6c22b8baf0c0127a9');
    const reused = hex('36e5f6b5c5e06070f0efca96227a863e');
    const cat = (a: Uint8Array, b: Uint8Array): Uint8Array => Uint8Array.from([...a, ...b]);
    const withR = (r: string, s = ''): Uint8Array => cat(hex(r.padEnd(32, '0')), hex(s.padEnd(32, '0')));
    const ff16 = new Uint8Array(16).fill(0xff);
    const vectors: [string, Uint8Array, Uint8Array, string][] = [
      ['#1', zeros(32), zeros(64), '00000000000000000000000000000000'],
      ['#2', cat(zeros(16), reused), IETF, toHex(reused)],
      ['#3', cat(reused, zeros(16)), IETF, 'f3477e7cd95417af89a6b8794c310cf0'],
      ['#4', KEY_1C, JABBERWOCK, '4541669a7eaaee61e708dc7cbcc5eb62'],
      ['#5 partially reduced result not fully reduced', withR('02'), ff16, '03000000000000000000000000000000'],
      ['#6 adding s overflows 2^128', cat(hex('02'.padEnd(32, '0')), ff16), hex('02'.padEnd(32, '0')), '03000000000000000000000000000000'],
      [
        '#7 all-ones limb with a carry',
        withR('01'),
        hex('ffffffffffffffffffffffffffffffff' + 'f0ffffffffffffffffffffffffffffff' + '11000000000000000000000000000000'),
        '05000000000000000000000000000000',
      ],
      [
        '#8 result exactly 2^130 - 5',
        withR('01'),
        hex('ffffffffffffffffffffffffffffffff' + 'fbfefefefefefefefefefefefefefefe' + '01010101010101010101010101010101'),
        '00000000000000000000000000000000',
      ],
      ['#9 result exactly 2^130 - 6', withR('02'), hex('fdffffffffffffffffffffffffffffff'), 'faffffffffffffffffffffffffffffff'],
      [
        '#10 131-bit intermediate',
        withR('0100000000000000' + '04000000000000'),
        hex('e33594d7505e43b90000000000000000' + '3394d7505e4379cd0100000000000000' + '00000000000000000000000000000000' + '01000000000000000000000000000000'),
        '14000000000000005500000000000000',
      ],
      [
        '#11 131-bit final result',
        withR('0100000000000000' + '04000000000000'),
        hex('e33594d7505e43b90000000000000000' + '3394d7505e4379cd0100000000000000' + '00000000000000000000000000000000'),
        '13000000000000000000000000000000',
      ],
    ];
    for (const [name, k, msg, tag] of vectors) assert.equal(toHex(Impl.poly1305(k, msg)), tag, name);
  });

  test(`${label}: Poly1305 matches a BigInt reference, extreme limbs included (property)`, () => {
    // Bytes drawn mostly from 0x00 and 0xff push every limb and carry to its bound.
    const byte = fc.oneof(fc.constant(0xff), fc.constant(0), fc.integer({ min: 0, max: 255 }));
    const bytes = (min: number, max: number) => fc.array(byte, { minLength: min, maxLength: max }).map((a) => Uint8Array.from(a));
    fc.assert(
      fc.property(bytes(32, 32), bytes(0, 300), (key, msg) => {
        assert.equal(toHex(Impl.poly1305(key, msg)), poly1305BigInt(key, msg));
      }),
      { numRuns: 500 },
    );
    const ones = new Uint8Array(32).fill(0xff);
    for (const n of [0, 1, 15, 16, 17, 1200, 4096]) {
      const msg = new Uint8Array(n).fill(0xff);
      assert.equal(toHex(Impl.poly1305(ones, msg)), poly1305BigInt(ones, msg), `all ones, ${n} bytes`);
    }
  });

  test(`${label}: RFC 8439 2.6.2 and A.4: the Poly1305 one-time key is block 0`, () => {
    const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const otk = (k: Uint8Array, n: Uint8Array): string => toHex(Impl.block(k, n, 0).subarray(0, 32));
    assert.equal(otk(key, hex('000000000001020304050607')), '8ad5a08b905f81cc815040274ab29471a833b637e3fd0da508dbb8e2fdd1a646');
    assert.equal(otk(zeros(32), zeros(12)), '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7');
    assert.equal(otk(lastByte(32, 1), lastByte(12, 2)), 'ecfa254f845f647473d3cb140da9e87606cb33066c447b87bc2666dde3fbb739');
    assert.equal(otk(KEY_1C, lastByte(12, 2)), '965e3bc6f9ec7ed9560808f4d229f94b137ff275ca9b3fcbdd59deaad23310ae');
  });

  test(`${label}: RFC 8439 2.8.2: AEAD seal and open`, () => {
    const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = hex('070000004041424344454647');
    const aad = hex('50515253c0c1c2c3c4c5c6c7');
    const aead = new Impl(key);
    const out = new Uint8Array(SUNSCREEN.length + 16);
    aead.seal(nonce, 0, aad, SUNSCREEN, 0, SUNSCREEN.length, out, 0);
    assert.equal(
      toHex(out),
      'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36' +
        '92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116' +
        '1ae10b594f09e26a7e902ecbd0600691',
    );
    const back = new Uint8Array(SUNSCREEN.length);
    assert.equal(aead.open(nonce, 0, aad, out, 0, SUNSCREEN.length, back, 0), true);
    assert.deepEqual(back, SUNSCREEN);
    // In place, at an odd offset, with the nonce inside a larger buffer.
    const buf = new Uint8Array(3 + SUNSCREEN.length + 16);
    buf.set(SUNSCREEN, 3);
    const nonceAt = Uint8Array.from([9, 9, ...nonce]);
    aead.seal(nonceAt, 2, aad, buf, 3, SUNSCREEN.length, buf, 3);
    assert.deepEqual(buf.subarray(3), out);
    assert.equal(aead.open(nonceAt, 2, aad, buf, 3, SUNSCREEN.length, buf, 3), true);
    assert.deepEqual(buf.subarray(3, 3 + SUNSCREEN.length), SUNSCREEN);
  });

  test(`${label}: seal matches node:crypto chacha20-poly1305 and open inverts it (property)`, () => {
    fc.assert(
      fc.property(inputs, ({ key, nonce, aad, pt, at }) => {
        const reference = nativeSeal(key, nonce, aad, pt);
        const aead = new Impl(key);
        const out = new Uint8Array(at + pt.length + 16);
        aead.seal(nonce, 0, aad, pt, 0, pt.length, out, at);
        assert.deepEqual(out.subarray(at), reference);
        const back = new Uint8Array(pt.length + at);
        assert.equal(aead.open(nonce, 0, aad, out, at, pt.length, back, at), true);
        assert.deepEqual(back.subarray(at), pt);
      }),
      { numRuns: 300 },
    );
  });

  test(`${label}: open refuses any changed bit in aad, ciphertext or tag, and writes nothing (property)`, () => {
    fc.assert(
      fc.property(inputs, fc.nat(), fc.integer({ min: 0, max: 7 }), ({ key, nonce, aad, pt }, where, bit) => {
        const sealed = nativeSeal(key, nonce, aad, pt);
        const aead = new Impl(key);
        const badAad = aad.slice();
        const badSealed = sealed.slice();
        const n = aad.length + sealed.length;
        const i = where % n;
        if (i < aad.length) badAad[i]! ^= 1 << bit;
        else badSealed[i - aad.length]! ^= 1 << bit;
        const out = new Uint8Array(pt.length).fill(0xaa);
        assert.equal(aead.open(nonce, 0, badAad, badSealed, 0, pt.length, out, 0), false);
        assert.ok(out.every((b) => b === 0xaa));
      }),
      { numRuns: 300 },
    );
  });

  test(`${label}: a wrong nonce or key does not open`, () => {
    const key = new Uint8Array(32).fill(3);
    const nonce = new Uint8Array(12).fill(4);
    const pt = new Uint8Array(1200).fill(5);
    const sealed = nativeSeal(key, nonce, new Uint8Array(13), pt);
    const out = new Uint8Array(1200);
    const otherNonce = nonce.slice();
    otherNonce[11] = 5;
    assert.equal(new Impl(key).open(otherNonce, 0, new Uint8Array(13), sealed, 0, 1200, out, 0), false);
    const otherKey = key.slice();
    otherKey[0] = 0;
    assert.equal(new Impl(otherKey).open(nonce, 0, new Uint8Array(13), sealed, 0, 1200, out, 0), false);
    assert.equal(new Impl(key).open(nonce, 0, new Uint8Array(13), sealed, 0, 1200, out, 0), true);
    assert.deepEqual(out, pt);
  });

  test(`${label}: a key that is not 32 bytes is refused`, () => {
    assert.throws(() => new Impl(new Uint8Array(16)), RangeError);
  });
}

test('WebAssembly: instances sharing the module keep their own keys, interleaved', () => {
  fc.assert(
    fc.property(inputs, inputs, ({ key: k1, nonce, aad, pt }, { key: k2 }) => {
      const a = new WasmChaCha20Poly1305(k1);
      const b = new WasmChaCha20Poly1305(k2);
      const outA = new Uint8Array(pt.length + 16);
      const outB = new Uint8Array(pt.length + 16);
      a.seal(nonce, 0, aad, pt, 0, pt.length, outA, 0);
      b.seal(nonce, 0, aad, pt, 0, pt.length, outB, 0);
      assert.deepEqual(outA, nativeSeal(k1, nonce, aad, pt));
      assert.deepEqual(outB, nativeSeal(k2, nonce, aad, pt));
      const back = new Uint8Array(pt.length);
      assert.equal(b.open(nonce, 0, aad, outA, 0, pt.length, back, 0), k1.every((x, i) => x === k2[i]));
      assert.equal(a.open(nonce, 0, aad, outA, 0, pt.length, back, 0), true);
      assert.deepEqual(back, pt);
    }),
    { numRuns: 100 },
  );
});

test('WebAssembly: messages larger than the first memory page (memory grows) and a long aad', () => {
  const key = new Uint8Array(32).map((_, i) => i * 3);
  const nonce = new Uint8Array(12).fill(1);
  for (const [aadLength, n] of [[100, 70_000], [13, 200_000], [5000, 17]]) {
    const aad = new Uint8Array(aadLength!).map((_, i) => i);
    const pt = new Uint8Array(n!).map((_, i) => i * 7);
    const aead = new WasmChaCha20Poly1305(key);
    const out = new Uint8Array(n! + 16);
    aead.seal(nonce, 0, aad, pt, 0, n!, out, 0);
    assert.deepEqual(out, nativeSeal(key, nonce, aad, pt));
    const back = new Uint8Array(n!);
    assert.equal(aead.open(nonce, 0, aad, out, 0, n!, back, 0), true);
    assert.deepEqual(back, pt);
  }
});
