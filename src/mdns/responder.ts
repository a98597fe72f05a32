/**
 * A tiny sans-IO mDNS responder (RFC 6762 6): it owns a few names and answers A, AAAA and
 * ANY questions for them. It is what a browser does for its `<uuid>.local` host candidates,
 * small enough for tests and for publishing our own host candidates the same way.
 *
 * It answers at once (our records are unique, RFC 6762 6 allows no delay), by multicast to
 * the group the query came in on, by unicast when the query asked for it (QU, RFC 6762
 * 5.4), and as a legacy unicast reply when the query came from a port other than 5353
 * (RFC 6762 6.7). It probes and announces nothing (RFC 6762 8): names are UUIDs.
 */

import {
  BoundedQueue,
  Counters,
  type Datagram,
  type Millis,
  type Transmit,
  type TransportAddress,
  logger,
} from '../core/index.js';
import {
  CLASS_IN,
  FLAG_AUTHORITATIVE,
  FLAG_RESPONSE,
  HOST_RECORD_TTL_SECONDS,
  MAX_QUEUED_OUTPUTS,
  MAX_RESPONDER_NAMES,
  MDNS_PORT,
  TYPE_A,
  TYPE_AAAA,
  TYPE_ANY,
} from './constants.js';
import { type DnsQuestion, type DnsRecord, addressRecord, encodeDnsMessage } from './message.js';
import { isValidDnsName, normalizeName } from './name.js';
import { acceptableMessage, groupAddress } from './wire.js';

const log = logger('sansrtc:mdns');

/** RFC 1035 3.2.5: QCLASS `*`. */
const CLASS_ANY = 255;
/** RFC 6762 6.7: legacy unicast answers SHOULD carry a TTL of at most 10 seconds. */
const LEGACY_UNICAST_TTL_SECONDS = 10;

export interface MdnsAddNameCommand {
  readonly type: 'add-name';
  readonly name: string;
  readonly address: string;
}

export type MdnsResponderInput = Datagram | MdnsAddNameCommand;

export type MdnsResponderCounter = 'malformed' | 'ignored' | 'output-overflow' | 'answered' | 'refused-name';

export interface MdnsResponderOptions {
  readonly names?: readonly { readonly name: string; readonly address: string }[];
  /** TTL of our answers (s), default 120 (RFC 6762 10, host name records). */
  readonly ttlSeconds?: number;
}

export class MdnsResponder {
  readonly counters = new Counters<MdnsResponderCounter>();
  private readonly owned = new Map<string, { name: string; addresses: string[] }>();
  private readonly ttl: number;
  private readonly out = new BoundedQueue<Transmit>(MAX_QUEUED_OUTPUTS);

  constructor(options: MdnsResponderOptions = {}) {
    this.ttl = options.ttlSeconds ?? HOST_RECORD_TTL_SECONDS;
    for (const n of options.names ?? []) this.addName(n.name, n.address);
  }

  handleInput(_now: Millis, input: MdnsResponderInput): void {
    if (input.type === 'add-name') this.addName(input.name, input.address);
    else this.receive(input);
  }

  /** The responder keeps no timers. */
  handleTimeout(_now: Millis): void {}

  pollOutput(): Transmit | undefined {
    return this.out.shift();
  }

  pollTimeout(): Millis | undefined {
    return undefined;
  }

  private addName(name: string, address: string): void {
    const key = normalizeName(name);
    const known = this.owned.get(key);
    const fits = known !== undefined || this.owned.size < MAX_RESPONDER_NAMES;
    if (!fits || !isValidDnsName(key) || !addressRecord(key, address, 0)) {
      this.counters.inc('refused-name');
      log.debug(`refused name ${name} -> ${address}`);
      return;
    }
    if (!known) this.owned.set(key, { name: key, addresses: [address] });
    else if (!known.addresses.includes(address)) known.addresses.push(address);
  }

  private answersFor(q: DnsQuestion, ttl: number, cacheFlush: boolean): DnsRecord[] {
    const owner = this.owned.get(normalizeName(q.name));
    if (!owner || (q.class !== CLASS_IN && q.class !== CLASS_ANY)) return [];
    const out: DnsRecord[] = [];
    for (const address of owner.addresses) {
      const rec = addressRecord(owner.name, address, ttl, cacheFlush)!;
      if (q.type === TYPE_ANY || q.type === rec.type) out.push(rec);
    }
    return out;
  }

  private receive(d: Datagram): void {
    const msg = acceptableMessage(d, this.counters, log);
    if (!msg || (msg.flags & FLAG_RESPONSE) !== 0) return;
    const legacy = d.from.port !== MDNS_PORT;
    const questions: DnsQuestion[] = [];
    const answers: DnsRecord[] = [];
    let unicast = legacy;
    for (const q of msg.questions) {
      if (q.type !== TYPE_A && q.type !== TYPE_AAAA && q.type !== TYPE_ANY) continue;
      // RFC 6762 6.7: legacy answers carry no cache-flush bit and a short TTL.
      const found = legacy
        ? this.answersFor(q, Math.min(this.ttl, LEGACY_UNICAST_TTL_SECONDS), false)
        : this.answersFor(q, this.ttl, true); // RFC 6762 10.2: our records are unique
      if (found.length === 0) continue;
      unicast ||= q.unicastResponse;
      questions.push(q);
      answers.push(...found);
    }
    if (answers.length === 0) return;
    const to: TransportAddress = unicast ? d.from : groupAddress(d.from.family);
    const data = encodeDnsMessage({
      // RFC 6762 18.1: responses carry ID zero, except legacy replies, which echo the ID
      // and the question (RFC 6762 6.7); multicast responses carry no questions (6).
      id: legacy ? msg.id : 0,
      flags: FLAG_RESPONSE | FLAG_AUTHORITATIVE,
      questions: legacy ? questions : [],
      answers,
      authorities: [],
      additionals: [],
    });
    this.counters.inc('answered');
    if (!this.out.push({ type: 'transmit', data, to })) this.counters.inc('output-overflow');
  }
}
