/**
 * Browser-shaped ClientHellos (as Chrome and Firefox send when they can also speak DTLS
 * 1.3: supported_versions, key_share with an ML-KEM hybrid share, GREASE (Chrome),
 * extensions in unusual orders, ~1.5-1.6 KB fragmented over two records) are answered at
 * DTLS 1.2, and a hand-driven client built from this folder's primitives completes the
 * handshake with them. The hand-driven client is an independent check of the server's transcript, key
 * schedule and record protection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteWriter, SeededRandom, transportAddress, utf8Decode, utf8Encode, randomBytes } from '../core/index.js';
import { DtlsEndpoint } from './endpoint.js';
import { decodeHandshakeFragments, encodeHandshake, fragmentHandshake, HandshakeReassembler, type HandshakeMessage } from './handshake.js';
import { generateEphemeral } from './keyexchange.js';
import {
  decodeServerHello,
  decodeServerKeyExchange,
  encodeCertificate,
  encodeClientHello,
  encodeClientKeyExchange,
  encodeDigitallySigned,
  encodeU16List,
  type ClientHello,
} from './messages.js';
import { digest, extendedMasterSecret, keyBlock, verifyData } from './prf.js';
import { RecordProtection } from './protection.js';
import { AlertDescription, ContentType, ExtensionType, HandshakeType, NamedGroup } from './protocol.js';
import { decodeRecord, plainRecord } from './record.js';
import { signWith } from './signature.js';
import { SUITES, suiteById } from './suites.js';
import { testCertificate } from './pair.testutil.js';
import type { DtlsOutput } from './events.js';

const ADDR = transportAddress('127.0.0.1', 1);
const X25519_MLKEM768 = 0x11ec;

function u8list(values: number[]): Uint8Array {
  return new ByteWriter().u8(values.length).bytes(Uint8Array.from(values)).finish();
}

function keyShare(shares: [number, Uint8Array][]): Uint8Array {
  const inner = new ByteWriter();
  for (const [g, k] of shares) inner.u16(g).u16(k.length).bytes(k);
  const body = inner.finish();
  return new ByteWriter().u16(body.length).bytes(body).finish();
}

interface BrowserHelloOptions {
  readonly ems?: boolean;
  readonly version?: number;
  readonly suites?: number[];
}

/** A ClientHello shaped like Chrome's / Firefox's DTLS ClientHello of 2025. */
function browserClientHello(random: Uint8Array, x25519Public: Uint8Array, o: BrowserHelloOptions = {}): ClientHello {
  const rng = new SeededRandom(77);
  const ext = new Map<number, Uint8Array>();
  ext.set(0x3a3a, new Uint8Array(0)); // GREASE first (RFC 8701)
  ext.set(ExtensionType.supportedVersions, new Uint8Array([6, 0x6a, 0x6a, 0xfe, 0xfc, 0xfe, 0xfd])); // GREASE, DTLS 1.3, 1.2
  ext.set(ExtensionType.keyShare, keyShare([
    [0x8a8a, new Uint8Array([0])],
    [X25519_MLKEM768, randomBytes(rng, 1216)], // ML-KEM-768 encapsulation key + X25519 share
    [NamedGroup.x25519, x25519Public],
  ]));
  ext.set(ExtensionType.supportedGroups, encodeU16List([0x8a8a, X25519_MLKEM768, NamedGroup.x25519, NamedGroup.secp256r1, 24]));
  if (o.ems ?? true) ext.set(ExtensionType.extendedMasterSecret, new Uint8Array(0));
  ext.set(45, u8list([1])); // psk_key_exchange_modes
  ext.set(ExtensionType.renegotiationInfo, new Uint8Array([0]));
  ext.set(ExtensionType.signatureAlgorithms, encodeU16List([0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]));
  ext.set(ExtensionType.useSrtp, new Uint8Array([0, 6, 0, 7, 0, 1, 0, 2, 0]));
  ext.set(0x4469, new Uint8Array([0, 3, 2, 0x68, 0x32])); // an extension we do not know
  ext.set(ExtensionType.ecPointFormats, u8list([0]));
  ext.set(0x0a0a, new Uint8Array([0])); // GREASE last
  return {
    version: o.version ?? 0xfefd,
    random,
    sessionId: new Uint8Array(0),
    cookie: new Uint8Array(0),
    cipherSuites: o.suites ?? [0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc02c, 0xc030, 0xc009, 0xc013, 0xc00a, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035],
    compressionMethods: new Uint8Array([0]),
    extensions: ext,
  };
}

/** A ClientHello shaped like Firefox's (NSS) DTLS ClientHello: 1.3 and 1.2, no GREASE. */
function firefoxClientHello(random: Uint8Array, x25519Public: Uint8Array): ClientHello {
  const rng = new SeededRandom(78);
  const p256Share = new Uint8Array(65);
  p256Share[0] = 4;
  p256Share.set(randomBytes(rng, 64), 1);
  const ext = new Map<number, Uint8Array>([
    [ExtensionType.extendedMasterSecret, new Uint8Array(0)],
    [ExtensionType.renegotiationInfo, new Uint8Array([0])],
    [ExtensionType.supportedGroups, encodeU16List([X25519_MLKEM768, NamedGroup.x25519, NamedGroup.secp256r1, 24, 25, 256, 257])],
    [ExtensionType.ecPointFormats, u8list([0])],
    [ExtensionType.useSrtp, new Uint8Array([0, 4, 0, 7, 0, 1, 0])],
    [ExtensionType.keyShare, keyShare([
      [X25519_MLKEM768, randomBytes(rng, 1216)],
      [NamedGroup.x25519, x25519Public],
      [NamedGroup.secp256r1, p256Share],
    ])],
    [ExtensionType.supportedVersions, new Uint8Array([4, 0xfe, 0xfc, 0xfe, 0xfd])],
    [ExtensionType.signatureAlgorithms, encodeU16List([0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201])],
    [45, u8list([1])], // psk_key_exchange_modes
    [28, new Uint8Array([0x40, 0x01])], // record_size_limit (RFC 8449): not ours to honour
    [34, encodeU16List([0x0403, 0x0503, 0x0603, 0x0203])], // delegated_credentials
  ]);
  return {
    version: 0xfefd,
    random,
    sessionId: new Uint8Array(0),
    cookie: new Uint8Array(0),
    cipherSuites: [0x1301, 0x1303, 0x1302, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc02c, 0xc030, 0xc00a, 0xc009, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035],
    compressionMethods: new Uint8Array([0]),
    extensions: ext,
  };
}

function server(seed: number): DtlsEndpoint {
  return new DtlsEndpoint({
    role: 'server',
    certificate: testCertificate(102),
    rng: new SeededRandom(seed),
    remoteFingerprints: [testCertificate(101).fingerprint()],
  });
}

function feed(e: DtlsEndpoint, data: Uint8Array): DtlsOutput[] {
  e.handleInput(0, { type: 'datagram', data, from: ADDR, to: ADDR });
  const out: DtlsOutput[] = [];
  for (let o = e.pollOutput(); o; o = e.pollOutput()) out.push(o);
  return out;
}

/** Sends a ClientHello in two records, second half first, each in its own datagram. */
function sendFragmented(e: DtlsEndpoint, ch: ClientHello): { outputs: DtlsOutput[]; message: Uint8Array } {
  const body = encodeClientHello(ch);
  const msg: HandshakeMessage = { msgType: HandshakeType.clientHello, messageSeq: 0, body };
  const frags = fragmentHandshake(msg, Math.ceil(body.length / 2));
  assert.equal(frags.length, 2);
  const first = feed(e, plainRecord(ContentType.handshake, 0, 1, frags[1]!));
  assert.deepEqual(first, [], 'half a ClientHello produces nothing');
  return { outputs: feed(e, plainRecord(ContentType.handshake, 0, 0, frags[0]!)), message: encodeHandshake(msg.msgType, 0, body) };
}

function transmits(outputs: DtlsOutput[]): Uint8Array[] {
  return outputs.flatMap((o) => (o.type === 'transmit' ? [o.data] : []));
}

/** Records in datagrams, as [type, epoch, whole record bytes, body]. */
function records(datagrams: Uint8Array[]): { type: number; epoch: number; raw: Uint8Array; body: Uint8Array }[] {
  const out = [];
  for (const d of datagrams) {
    for (let at = 0; at < d.length; ) {
      const r = decodeRecord(d, at);
      assert.ok(r.ok);
      out.push({ type: r.value.type, epoch: r.value.epoch, raw: d.subarray(at, r.value.end), body: r.value.fragment });
      at = r.value.end;
    }
  }
  return out;
}

/**
 * Drives `srv` from a hand-built ClientHello to application data both ways, checking the
 * server's choices, its Finished and its records with an independent key schedule.
 */
function completeHandshake(srv: DtlsEndpoint, build: (random: Uint8Array, x25519: Uint8Array) => ClientHello, suiteId: number): void {
  const rng = new SeededRandom(2);
  const clientRandom = randomBytes(rng, 32);
  const eph = generateEphemeral(NamedGroup.x25519, rng);
  const ch = build(clientRandom, eph.publicKey);
  const { outputs, message: chBytes } = sendFragmented(srv, ch);
  assert.ok(chBytes.length > 1400, `ClientHello is ${chBytes.length} bytes`);

  // Flight 4, reassembled by a second reassembler.
  const transcript: Uint8Array[] = [chBytes];
  const r = new HandshakeReassembler();
  for (const rec of records(transmits(outputs))) {
    assert.equal(rec.type, ContentType.handshake);
    const frags = decodeHandshakeFragments(rec.body);
    assert.ok(frags.ok);
    for (const f of frags.value) r.add(f);
  }
  const msgs: HandshakeMessage[] = [];
  for (let m = r.next(); m; m = r.next()) msgs.push(m);
  assert.deepEqual(msgs.map((m) => m.msgType), [
    HandshakeType.serverHello,
    HandshakeType.certificate,
    HandshakeType.serverKeyExchange,
    HandshakeType.certificateRequest,
    HandshakeType.serverHelloDone,
  ]);
  for (const m of msgs) transcript.push(encodeHandshake(m.msgType, m.messageSeq, m.body));

  const sh = decodeServerHello(msgs[0]!.body);
  assert.ok(sh.ok);
  assert.equal(sh.value.version, 0xfefd, 'answered at DTLS 1.2');
  assert.equal(sh.value.cipherSuite, suiteId);
  assert.deepEqual([...sh.value.extensions.keys()].sort((x, y) => x - y), [
    ExtensionType.ecPointFormats,
    ExtensionType.extendedMasterSecret,
    ExtensionType.renegotiationInfo,
  ]);
  const ske = decodeServerKeyExchange(msgs[2]!.body);
  assert.ok(ske.ok);
  assert.equal(ske.value.group, NamedGroup.x25519);

  // Flight 5 by hand.
  const suite = suiteById(suiteId)!;
  const hash = suite.prfHash;
  const preMaster = eph.deriveSecret(ske.value.publicKey)!;
  const myCert = testCertificate(101);
  const out: HandshakeMessage[] = [];
  const add = (msgType: number, body: Uint8Array): void => {
    const m = { msgType, messageSeq: 1 + out.length, body };
    out.push(m);
    transcript.push(encodeHandshake(msgType, m.messageSeq, body));
  };
  add(HandshakeType.certificate, encodeCertificate([myCert.der]));
  add(HandshakeType.clientKeyExchange, encodeClientKeyExchange(eph.publicKey));
  const master = extendedMasterSecret(hash, preMaster, digest(hash, transcript));
  const signature = signWith(myCert.privateKey, 0x0403, Buffer.concat(transcript));
  add(HandshakeType.certificateVerify, encodeDigitallySigned({ scheme: 0x0403, signature }));
  const finished = verifyData(hash, master, 'client', digest(hash, transcript));
  transcript.push(encodeHandshake(HandshakeType.finished, 4, finished));
  const kb = keyBlock(suite, master, clientRandom, sh.value.random);
  const clientWrite = new RecordProtection(suite, kb.clientKey, kb.clientIv);
  const serverWrite = new RecordProtection(suite, kb.serverKey, kb.serverIv);
  const flight5 = Buffer.concat([
    ...out.map((m, i) => plainRecord(ContentType.handshake, 0, 2 + i, encodeHandshake(m.msgType, m.messageSeq, m.body))),
    plainRecord(ContentType.changeCipherSpec, 0, 5, new Uint8Array([1])),
    clientWrite.seal(ContentType.handshake, 1, 0, encodeHandshake(HandshakeType.finished, 4, finished)),
  ]);
  const flight6 = feed(srv, flight5);
  const connected = flight6.find((o) => o.type === 'connected');
  assert.ok(connected && connected.type === 'connected', JSON.stringify(flight6.map((o) => o.type)));
  assert.equal(connected.suite, suite.name);

  // The server's Finished decrypts with our key schedule and verifies.
  const recs = records(transmits(flight6));
  assert.deepEqual(recs.map((x) => [x.type, x.epoch]), [[ContentType.changeCipherSpec, 0], [ContentType.handshake, 1]]);
  const sf = serverWrite.open(recs[1]!.raw, 0, recs[1]!.raw.length);
  assert.ok(sf);
  const sfMsg = decodeHandshakeFragments(sf);
  assert.ok(sfMsg.ok);
  assert.deepEqual(sfMsg.value[0]!.body, verifyData(hash, master, 'server', digest(hash, transcript)));

  // Application data both ways.
  const got = feed(srv, clientWrite.seal(ContentType.applicationData, 1, 1, utf8Encode('hi from a browser')));
  assert.deepEqual(got.map((o) => o.type === 'data' && utf8Decode(o.data)), ['hi from a browser']);
  srv.handleInput(0, { type: 'send', data: utf8Encode('hi back') });
  const reply = srv.pollOutput();
  assert.ok(reply?.type === 'transmit');
  assert.equal(utf8Decode(serverWrite.open(reply.data, 0, reply.data.length)!), 'hi back');
}

test('a Chrome-shaped ClientHello (1.3 offer, ML-KEM share, GREASE, fragmented) completes at DTLS 1.2', () => {
  // The browser lists AES-128-GCM first; our server prefers ChaCha20-Poly1305 (suites.ts).
  completeHandshake(server(1), (random, x) => browserClientHello(random, x), 0xcca9);
});

for (const suite of SUITES) {
  test(`a Firefox-shaped ClientHello (no GREASE, P-256 share, record_size_limit) completes with ${suite.name}`, () => {
    const srv = new DtlsEndpoint({
      role: 'server',
      certificate: testCertificate(102),
      rng: new SeededRandom(5),
      remoteFingerprints: [testCertificate(101).fingerprint()],
      suites: [suite.name],
    });
    completeHandshake(srv, firefoxClientHello, suite.id);
  });
}

function refusal(ch: ClientHello): number | undefined {
  const srv = server(3);
  const { outputs } = sendFragmented(srv, ch);
  const recs = records(transmits(outputs));
  assert.equal(recs.length, 1);
  assert.equal(recs[0]!.type, ContentType.alert);
  assert.equal(recs[0]!.body[0], 2, 'fatal');
  const e = outputs.find((o) => o.type === 'error');
  assert.ok(e && e.type === 'error' && e.error.code === 'dtls-handshake-failure');
  return recs[0]!.body[1];
}

test('a ClientHello without extended master secret is refused by default (RFC 7627 5.2)', () => {
  const ch = browserClientHello(new Uint8Array(32), new Uint8Array(32).fill(9), { ems: false });
  assert.equal(refusal(ch), AlertDescription.handshakeFailure);
});

test('a ClientHello offering only DTLS 1.0 is refused with protocol_version', () => {
  const ch = browserClientHello(new Uint8Array(32), new Uint8Array(32).fill(9), { version: 0xfeff });
  assert.equal(refusal(ch), AlertDescription.protocolVersion);
});

test('a ClientHello with no suite in common is refused with handshake_failure', () => {
  const ch = browserClientHello(new Uint8Array(32), new Uint8Array(32).fill(9), { suites: [0x1301, 0xc02f, 0x002f] });
  assert.equal(refusal(ch), AlertDescription.handshakeFailure);
});

test('without requireExtendedMasterSecret an EMS-less client is served', () => {
  const srv = new DtlsEndpoint({
    role: 'server',
    certificate: testCertificate(102),
    rng: new SeededRandom(4),
    requireExtendedMasterSecret: false,
  });
  const ch = browserClientHello(new Uint8Array(32), new Uint8Array(32).fill(9), { ems: false });
  const { outputs } = sendFragmented(srv, ch);
  const first = records(transmits(outputs))[0]!;
  const frags = decodeHandshakeFragments(first.body);
  assert.ok(frags.ok && frags.value[0]!.msgType === HandshakeType.serverHello);
  const sh = decodeServerHello(frags.value[0]!.body);
  assert.ok(sh.ok && !sh.value.extensions.has(ExtensionType.extendedMasterSecret));
});
