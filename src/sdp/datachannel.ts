/**
 * The JSEP data-channel view of a session description (RFC 8829, RFC 8841): what an ICE
 * agent, a DTLS endpoint and an SCTP association need from each data-channel m= section,
 * with session-level values inherited where the RFCs allow it.
 */

import { ok, err, logger } from '../core/index.js';
import type { Result } from '../core/index.js';
import { parseCandidate } from './candidate.js';
import type { Candidate } from './candidate.js';
import {
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_SCTP_PORT,
  MAX_PWD_LENGTH,
  MAX_UFRAG_LENGTH,
  MIN_PWD_LENGTH,
  MIN_UFRAG_LENGTH,
} from './constants.js';
import { sdpError, sdpErrorAt } from './errors.js';
import { parseFingerprint } from './fingerprint.js';
import type { Fingerprint } from './fingerprint.js';
import { ICE_CHARS, parsePort } from './grammar.js';
import { attributeValue, attributeValues, hasAttribute } from './model.js';
import type { Attribute, MediaDescription, Origin, SessionDescription } from './model.js';
import { parseSdp } from './parse.js';

const log = logger('sansrtc:sdp');

/** RFC 4145 4 / RFC 5763 5: the DTLS role an endpoint offers or takes. */
export type SetupRole = 'actpass' | 'active' | 'passive' | 'holdconn';
const SETUP_ROLES: readonly string[] = ['actpass', 'active', 'passive', 'holdconn'];

/** RFC 8841 4.2 proto values, plus the pre-standard `DTLS/SCTP` of draft-ietf-mmusic-sctp-sdp-05. */
const DATA_CHANNEL_PROTOS: readonly string[] = ['UDP/DTLS/SCTP', 'TCP/DTLS/SCTP', 'DTLS/SCTP'];
/** RFC 8841 4.3: the fmt naming the data-channel usage (RFC 8831). */
export const DATA_CHANNEL_FORMAT = 'webrtc-datachannel';

export interface DataChannelMedia {
  /** Position among all m= sections of the description. */
  index: number;
  mid?: string;
  /** The m= proto: `UDP/DTLS/SCTP`, `TCP/DTLS/SCTP` or the legacy `DTLS/SCTP`. */
  proto: string;
  /** The legacy form: `m=application <port> DTLS/SCTP 5000` with `a=sctpmap` (draft-ietf-mmusic-sctp-sdp-05). */
  legacy: boolean;
  /** The m= port (9 is the JSEP placeholder, RFC 8829 5.2.1). */
  port: number;
  /** Port 0 without a=bundle-only: the section is rejected or removed (RFC 3264 6, RFC 8843 6). */
  rejected: boolean;
  /** The c= address of the section (or the session's), when present. */
  connectionAddress?: string;
  /** RFC 8843 6: a=bundle-only. */
  bundleOnly: boolean;
  // The ICE and DTLS fields below come from this section, or, when it is bundled behind
  // another section, from the BUNDLE-tagged one (RFC 8843 7.2), with session-level fallbacks.
  /** RFC 8839 5.4: media level overrides session level. */
  iceUfrag?: string;
  icePwd?: string;
  /** RFC 8839 5.6 option tags (trickle, ice2, renomination, ...), session and media merged. */
  iceOptions: string[];
  /** RFC 8839 5.3: a=ice-lite (session level). */
  iceLite: boolean;
  /** RFC 8122 5: media-level fingerprints, or the session-level ones when there are none. */
  fingerprints: Fingerprint[];
  /** RFC 4145 4: media level overrides session level. */
  setup?: SetupRole;
  /** RFC 8841 5.1 (default 5000); in the legacy form, the m= fmt / a=sctpmap port. */
  sctpPort: number;
  /** RFC 8841 6.1 (default 65536); 0 means the peer accepts messages of any size. */
  maxMessageSize: number;
  candidates: Candidate[];
  /** RFC 8840 8.2: a=end-of-candidates at media or session level. */
  endOfCandidates: boolean;
  /** draft-hancke-tsvwg-snap a=sctp-init, kept as the opaque base64 text. */
  sctpInit?: string;
}

export interface DataChannelSession {
  origin: Origin;
  /** Each `a=group:BUNDLE` line's mids (RFC 8843 7.1). */
  bundleGroups: string[][];
  /** The data-channel m= sections, in order. */
  media: DataChannelMedia[];
}

function isDataChannelSection(m: MediaDescription): boolean {
  if (m.media !== 'application' || !DATA_CHANNEL_PROTOS.includes(m.proto)) return false;
  // RFC 8841 4.3 form; the legacy form has the SCTP port as its fmt.
  return m.formats.includes(DATA_CHANNEL_FORMAT) || (m.proto === 'DTLS/SCTP' && parsePort(m.formats[0] ?? '') !== undefined);
}

/** RFC 8839 5.6: ice-options tags are space separated; libdatachannel writes commas. */
function iceOptionTags(attributes: readonly Attribute[], into: string[]): void {
  for (const v of attributeValues(attributes, 'ice-options')) {
    for (const tag of v.split(/[ ,]+/)) if (tag && !into.includes(tag)) into.push(tag);
  }
}

function fingerprints(attributes: readonly Attribute[], where: string): Result<Fingerprint[]> {
  const out: Fingerprint[] = [];
  for (const v of attributeValues(attributes, 'fingerprint')) {
    const f = parseFingerprint(v);
    if (!f.ok) return err(sdpErrorAt(where, f.error));
    out.push(f.value);
  }
  return ok(out);
}

/** RFC 8841 6.2: max-message-size = 1*DIGIT; values beyond 2^53 are clamped (they mean "huge"). */
function maxMessageSize(v: string | undefined): number | undefined {
  if (v === undefined) return DEFAULT_MAX_MESSAGE_SIZE;
  if (!/^[0-9]{1,32}$/.test(v)) return undefined;
  return Math.min(Number(v), Number.MAX_SAFE_INTEGER);
}

/** The SCTP port of a legacy section: `a=sctpmap:<port> webrtc-datachannel <streams>` or the fmt. */
function legacySctpPort(m: MediaDescription): number | undefined {
  const map = attributeValue(m.attributes, 'sctpmap');
  return parsePort(map === undefined ? m.formats[0]! : map.split(' ')[0]!);
}

function isRejected(m: MediaDescription): boolean {
  // RFC 3264 6: port 0 rejects a section, except with a=bundle-only (RFC 8843 6).
  return m.port === 0 && !hasAttribute(m.attributes, 'bundle-only');
}

/** The ICE and DTLS parameters of one m= section, with session-level fallbacks. */
type Transport = Pick<
  DataChannelMedia,
  'iceUfrag' | 'icePwd' | 'iceOptions' | 'iceLite' | 'fingerprints' | 'setup' | 'candidates' | 'endOfCandidates'
>;

function readTransport(sd: SessionDescription, m: MediaDescription, where: string): Result<Transport> {
  const a = m.attributes;
  const s = sd.attributes;
  // RFC 4145 4: setup may be session or media level; media level wins.
  const setup = attributeValue(a, 'setup') ?? attributeValue(s, 'setup');
  if (setup !== undefined && !SETUP_ROLES.includes(setup)) return err(sdpError('invalid', `${where}: setup ${JSON.stringify(setup)}`));

  // RFC 8122 5: a session-level fingerprint applies where no media-level one is given.
  const mediaFps = fingerprints(a, where);
  if (!mediaFps.ok) return mediaFps;
  let fps = mediaFps.value;
  if (fps.length === 0) {
    const sessionFps = fingerprints(s, 'session');
    if (!sessionFps.ok) return sessionFps;
    fps = sessionFps.value;
  }

  const candidates: Candidate[] = [];
  for (const v of attributeValues(a, 'candidate')) {
    const c = parseCandidate(`candidate:${v}`);
    if (c.ok) candidates.push(c.value);
    // RFC 8839 5.1: candidate types may be extended; ones we do not know are skipped.
    else if (c.error.reason === 'unsupported') log.debug('skipping candidate', { where, reason: c.error.message });
    else return err(sdpErrorAt(where, c.error));
  }

  const iceOptions: string[] = [];
  iceOptionTags(s, iceOptions);
  iceOptionTags(a, iceOptions);

  const t: Transport = {
    iceOptions,
    // RFC 8839 5.3: ice-lite is a session-level attribute.
    iceLite: hasAttribute(s, 'ice-lite'),
    fingerprints: fps,
    candidates,
    // RFC 8840 8.2: end-of-candidates at session level covers every section.
    endOfCandidates: hasAttribute(a, 'end-of-candidates') || hasAttribute(s, 'end-of-candidates'),
  };
  // RFC 8839 5.4: ice-ufrag / ice-pwd at media level override the session level.
  const ufrag = attributeValue(a, 'ice-ufrag') ?? attributeValue(s, 'ice-ufrag');
  if (ufrag !== undefined) t.iceUfrag = ufrag;
  const pwd = attributeValue(a, 'ice-pwd') ?? attributeValue(s, 'ice-pwd');
  if (pwd !== undefined) t.icePwd = pwd;
  if (setup !== undefined) t.setup = setup as SetupRole;
  return ok(t);
}

/**
 * RFC 8843 7.2: sections in a BUNDLE group share the transport described by the tagged
 * section, the one whose mid comes first in the group. Returns that section's index.
 */
function transportSection(sd: SessionDescription, groups: readonly string[][], index: number): number {
  const mid = attributeValue(sd.media[index]!.attributes, 'mid');
  if (mid === undefined) return index;
  const group = groups.find((g) => g.includes(mid));
  if (!group || group[0] === mid) return index;
  const tagged = sd.media.findIndex((m) => attributeValue(m.attributes, 'mid') === group[0]);
  return tagged < 0 || isRejected(sd.media[tagged]!) ? index : tagged;
}

function readSection(sd: SessionDescription, groups: readonly string[][], index: number): Result<DataChannelMedia> {
  const m = sd.media[index]!;
  const a = m.attributes;
  const where = `m= section ${index}`;
  // The pre-RFC 8841 form names the SCTP port as its fmt instead of webrtc-datachannel.
  const legacy = !m.formats.includes(DATA_CHANNEL_FORMAT);

  const sctpPortText = attributeValue(a, 'sctp-port');
  const sctpPort = legacy ? legacySctpPort(m) : sctpPortText === undefined ? DEFAULT_SCTP_PORT : parsePort(sctpPortText);
  if (sctpPort === undefined) return err(sdpError('invalid', `${where}: SCTP port malformed`));
  const maxSize = maxMessageSize(attributeValue(a, 'max-message-size'));
  if (maxSize === undefined) return err(sdpError('invalid', `${where}: max-message-size malformed`));

  const from = transportSection(sd, groups, index);
  const transport = readTransport(sd, sd.media[from]!, `m= section ${from}`);
  if (!transport.ok) return transport;

  const view: DataChannelMedia = {
    index,
    proto: m.proto,
    legacy,
    port: m.port,
    rejected: isRejected(m),
    bundleOnly: hasAttribute(a, 'bundle-only'),
    ...transport.value,
    sctpPort,
    maxMessageSize: maxSize,
  };
  const mid = attributeValue(a, 'mid');
  if (mid !== undefined) view.mid = mid;
  const address = m.connections[0]?.address ?? sd.connection?.address;
  if (address !== undefined) view.connectionAddress = address;
  const init = attributeValue(a, 'sctp-init');
  if (init !== undefined) view.sctpInit = init;
  return ok(view);
}

/**
 * Extracts the data-channel view. Fails only when a value the view needs is malformed
 * (a fingerprint, candidate, setup, sctp-port or max-message-size); missing values are
 * left for `validateDataChannelSession` to judge.
 */
export function readDataChannelSession(sd: SessionDescription): Result<DataChannelSession> {
  const bundleGroups: string[][] = [];
  for (const v of attributeValues(sd.attributes, 'group')) {
    const [semantics, ...mids] = v.split(' ').filter((x) => x.length > 0);
    if (semantics === 'BUNDLE') bundleGroups.push(mids);
  }
  const media: DataChannelMedia[] = [];
  for (let i = 0; i < sd.media.length; i++) {
    if (!isDataChannelSection(sd.media[i]!)) continue;
    const r = readSection(sd, bundleGroups, i);
    if (!r.ok) return r;
    media.push(r.value);
  }
  return ok({ origin: sd.origin, bundleGroups, media });
}

function isIceText(v: string | undefined, min: number, max: number): boolean {
  return v !== undefined && v.length >= min && v.length <= max && ICE_CHARS.test(v);
}

/**
 * Picks the data-channel section to use (the first that is not rejected) and refuses it
 * when it lacks what ICE and DTLS need: RFC 8839 5.4 ice-ufrag (4-256 ice-chars) and
 * ice-pwd (22-256 ice-chars), and at least one RFC 8122 fingerprint.
 */
export function validateDataChannelSession(session: DataChannelSession): Result<DataChannelMedia> {
  const m = session.media.find((x) => !x.rejected);
  if (!m) return err(sdpError('unsupported', 'no active data-channel m= section'));
  if (!isIceText(m.iceUfrag, MIN_UFRAG_LENGTH, MAX_UFRAG_LENGTH)) {
    return err(sdpError('invalid', m.iceUfrag === undefined ? 'missing ice-ufrag' : 'ice-ufrag must be 4-256 ice-chars'));
  }
  if (!isIceText(m.icePwd, MIN_PWD_LENGTH, MAX_PWD_LENGTH)) {
    return err(sdpError('invalid', m.icePwd === undefined ? 'missing ice-pwd' : 'ice-pwd must be 22-256 ice-chars'));
  }
  if (m.fingerprints.length === 0) return err(sdpError('invalid', 'missing fingerprint'));
  return ok(m);
}

export interface ParsedDataChannelDescription {
  description: SessionDescription;
  session: DataChannelSession;
  /** The section `validateDataChannelSession` picked. */
  dataChannel: DataChannelMedia;
}

/** `parseSdp`, `readDataChannelSession` and `validateDataChannelSession` in one step. */
export function parseDataChannelDescription(text: string): Result<ParsedDataChannelDescription> {
  const description = parseSdp(text);
  if (!description.ok) return description;
  const session = readDataChannelSession(description.value);
  if (!session.ok) return session;
  const dataChannel = validateDataChannelSession(session.value);
  if (!dataChannel.ok) return dataChannel;
  return ok({ description: description.value, session: session.value, dataChannel: dataChannel.value });
}
