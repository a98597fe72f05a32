/** fast-check generators shared by the SDP property tests. */

import fc from 'fast-check';
import type { Candidate } from './candidate.js';
import type { Fingerprint } from './fingerprint.js';
import type { Attribute, Bandwidth, Connection, MediaDescription, SessionDescription, Timing } from './model.js';

/** fast-check records have a null prototype; the codecs return plain objects. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export const iceString = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...ICE_CHARS), minLength: min, maxLength: max });

const ip4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const mdns = fc.uuid().map((u) => `${u}.local`);
export const addressArb = fc.oneof(ip4, fc.ipV6(), mdns);
const port = fc.nat(65535);
const extName = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).filter((n) => !['raddr', 'rport', 'tcptype'].includes(n));
const extValue = fc.stringMatching(/^[\x21-\x7e]{1,20}$/);

export const candidateArb: fc.Arbitrary<Candidate> = fc
  .record(
    {
      foundation: iceString(1, 32),
      component: fc.integer({ min: 1, max: 256 }),
      transport: fc.constantFrom('udp', 'tcp'),
      priority: fc.nat(0xffffffff),
      address: addressArb,
      port,
      type: fc.constantFrom<Candidate['type']>('host', 'srflx', 'prflx', 'relay'),
      relatedAddress: addressArb,
      relatedPort: port,
      tcpType: fc.constantFrom('active', 'passive', 'so'),
      extensions: fc.array(fc.tuple(extName, extValue), { maxLength: 6 }),
    },
    { requiredKeys: ['foundation', 'component', 'transport', 'priority', 'address', 'port', 'type', 'extensions'] },
  )
  .map(plain);

const DIGESTS: [string, number][] = [
  ['sha-1', 20],
  ['sha-256', 32],
  ['sha-384', 48],
  ['sha-512', 64],
];
export const fingerprintArb: fc.Arbitrary<Fingerprint> = fc
  .constantFrom(...DIGESTS)
  .chain(([algorithm, n]) => fc.uint8Array({ minLength: n, maxLength: n }).map((value) => ({ algorithm, value })));

// --- RFC 8866 line values -------------------------------------------------------------

const token = fc.stringMatching(/^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]{1,12}$/);
const nonWs = fc.stringMatching(/^[\x21-\x7e]{1,20}$/);
/** RFC 8866 byte-string: anything but NUL, CR, LF (empty allowed for the fields that permit it). */
const text = fc.string({ maxLength: 24 }).filter((s) => !/[\0\r\n]/.test(s));
const nonEmptyText = text.filter((s) => s.length > 0);
const digits = fc.stringMatching(/^[0-9]{1,19}$/);
const safeNumber = fc.nat({ max: 2 ** 40 });

const connectionArb: fc.Arbitrary<Connection> = fc.record({ netType: token, addrType: token, address: nonWs });
const bandwidthArb: fc.Arbitrary<Bandwidth> = fc.record({ type: token, value: safeNumber });
const timingArb: fc.Arbitrary<Timing> = fc.record({ start: safeNumber, stop: safeNumber, repeats: fc.array(text, { maxLength: 2 }) });
const attributeArb: fc.Arbitrary<Attribute> = fc.record({ name: token, value: text }, { requiredKeys: ['name'] });

const mediaArb: fc.Arbitrary<MediaDescription> = fc.record(
  {
    media: token,
    port,
    numberOfPorts: fc.integer({ min: 1, max: 65535 }),
    proto: fc.array(token, { minLength: 1, maxLength: 3 }).map((p) => p.join('/')),
    formats: fc.array(token, { maxLength: 4 }),
    information: text,
    connections: fc.array(connectionArb, { maxLength: 2 }),
    bandwidths: fc.array(bandwidthArb, { maxLength: 2 }),
    key: text,
    attributes: fc.array(attributeArb, { maxLength: 8 }),
  },
  { requiredKeys: ['media', 'port', 'proto', 'formats', 'connections', 'bandwidths', 'attributes'] },
);

export const sessionArb: fc.Arbitrary<SessionDescription> = fc
  .record(
    {
      version: fc.constant(0),
      origin: fc.record({
        username: nonWs,
        sessionId: digits,
        sessionVersion: digits,
        netType: token,
        addrType: token,
        address: nonWs,
      }),
      sessionName: nonEmptyText,
      information: text,
      uri: text,
      emails: fc.array(text, { maxLength: 2 }),
      phones: fc.array(text, { maxLength: 2 }),
      connection: connectionArb,
      bandwidths: fc.array(bandwidthArb, { maxLength: 2 }),
      timings: fc.array(timingArb, { minLength: 1, maxLength: 2 }),
      zoneAdjustments: text,
      key: text,
      attributes: fc.array(attributeArb, { maxLength: 8 }),
      media: fc.array(mediaArb, { maxLength: 4 }),
    },
    {
      requiredKeys: ['version', 'origin', 'sessionName', 'emails', 'phones', 'bandwidths', 'timings', 'attributes', 'media'],
    },
  )
  .map(plain);

/** Edits a text at random places: inserts, deletes, duplicates or swaps lines, truncates. */
export function mutatedArb(texts: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: fc.string({ maxLength: 8 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.nat(12) }),
    fc.record({ kind: fc.constant('dup-line' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('swap-lines' as const), at: fc.nat(), b: fc.nat() }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  );
  return fc.tuple(fc.constantFrom(...texts), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([t, edits]) => {
    let s = t;
    for (const e of edits) {
      const i = e.at % (s.length + 1);
      if (e.kind === 'insert') s = s.slice(0, i) + e.s + s.slice(i);
      else if (e.kind === 'delete') s = s.slice(0, i) + s.slice(i + e.n);
      else if (e.kind === 'truncate') s = s.slice(0, i);
      else {
        const lines = s.split('\r\n');
        const a = e.at % lines.length;
        if (e.kind === 'dup-line') lines.splice(a, 0, lines[a]!);
        else {
          const b = e.b % lines.length;
          [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        }
        s = lines.join('\r\n');
      }
    }
    return s;
  });
}
