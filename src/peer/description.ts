/**
 * Our side of JSEP (RFC 8829) for a data-channel session: which m= sections an offer or an
 * answer carries, the DTLS setup roles (RFC 8842), and rendering a local description with
 * the candidates gathered so far. Sections of a remote offer that we do not implement (audio,
 * video, a second data section) are answered rejected, port 0 (RFC 8829 5.3.1, RFC 3264 6).
 */
import { err, ok, type Result } from '../core/index.js';
import type { DtlsCertificate } from '../dtls/index.js';
import { DEFAULT_TA, PROPOSED_TA } from '../ice/index.js';
import {
  buildDataChannelSession,
  serializeSdp,
  type Candidate,
  type Fingerprint as SdpFingerprint,
  type MediaDescription,
  type ParsedDataChannelDescription,
  type SetupRole,
} from '../sdp/index.js';
import { PeerError } from './errors.js';

/** One m= line of our description: the data section, or one we answer rejected. */
export type Section =
  | { readonly kind: 'data' }
  | { readonly kind: 'rejected'; readonly media: string; readonly proto: string; readonly format: string; readonly mid: string | undefined };

/** The m= layout shared by an offer and its answer (RFC 3264 6: same sections, same order). */
export interface Layout {
  readonly sections: readonly Section[];
  readonly mid: string;
  /** Index of the data section (the sdpMLineIndex of our candidates). */
  readonly dataIndex: number;
  /** The remote offered the pre-RFC 8841 `DTLS/SCTP <port>` form. */
  readonly legacy: boolean;
}

/** A fresh offer: one data section, mid '0' (RFC 8829 5.2.1). */
export const INITIAL_LAYOUT: Layout = { sections: [{ kind: 'data' }], mid: '0', dataIndex: 0, legacy: false };

/** The layout that answers `remote`: its data section kept, every other section rejected. */
export function answerLayout(remote: ParsedDataChannelDescription): Layout {
  const chosen = remote.dataChannel.index;
  const sections = remote.description.media.map((m: MediaDescription, i): Section => {
    if (i === chosen) return { kind: 'data' };
    const mid = m.attributes.find((a) => a.name === 'mid')?.value;
    return { kind: 'rejected', media: m.media, proto: m.proto, format: m.formats[0] ?? '0', mid };
  });
  return { sections, mid: remote.dataChannel.mid ?? '0', dataIndex: chosen, legacy: remote.dataChannel.legacy };
}

export interface LocalParams {
  readonly sessionId: string;
  readonly sessionVersion: number;
  readonly layout: Layout;
  readonly ufrag: string;
  readonly pwd: string;
  readonly fingerprint: SdpFingerprint;
  readonly setup: SetupRole;
  readonly sctpPort: number;
  readonly maxMessageSize: number;
  /** SNAP (draft-hancke-tsvwg-snap): our INIT chunk for a=sctp-init, base64. */
  readonly sctpInit?: string | undefined;
}

/** Serializes a local description with the candidates gathered so far (W3C 4.4.1.1). */
export function renderDescription(p: LocalParams, candidates: readonly Candidate[], complete: boolean): string {
  const sd = buildDataChannelSession({
    sessionId: p.sessionId,
    sessionVersion: p.sessionVersion,
    mid: p.layout.mid,
    iceUfrag: p.ufrag,
    icePwd: p.pwd,
    fingerprints: [p.fingerprint],
    setup: p.setup,
    sctpPort: p.sctpPort,
    maxMessageSize: p.maxMessageSize,
    ...(p.sctpInit !== undefined ? { sctpInit: p.sctpInit } : {}),
    candidates: [...candidates],
    endOfCandidates: complete,
    legacy: p.layout.legacy,
  });
  // RFC 8445 14.2, RFC 8839 5.5: our proposed Ta (session level).
  sd.attributes.push({ name: 'ice-pacing', value: String(PROPOSED_TA) });
  const data = sd.media[0]!;
  sd.media = p.layout.sections.map((s) => (s.kind === 'data' ? data : rejectedSection(s)));
  return serializeSdp(sd);
}

function rejectedSection(s: Extract<Section, { kind: 'rejected' }>): MediaDescription {
  return {
    media: s.media,
    port: 0,
    proto: s.proto,
    formats: [s.format],
    connections: [{ netType: 'IN', addrType: 'IP4', address: '0.0.0.0' }],
    bandwidths: [],
    attributes: s.mid === undefined ? [] : [{ name: 'mid', value: s.mid }],
  };
}

/**
 * RFC 8445 14.2: both agents use the higher of the two proposed Ta values; a peer without
 * a (valid) session-level a=ice-pacing (RFC 8839 5.5: 1*10DIGIT ms) counts as proposing the
 * 50 ms default.
 */
export function agreedTa(remote: ParsedDataChannelDescription): number {
  const v = remote.description.attributes.find((a) => a.name === 'ice-pacing')?.value?.trim();
  const theirs = v !== undefined && /^[0-9]{1,10}$/.test(v) ? Number(v) : DEFAULT_TA;
  return Math.max(PROPOSED_TA, theirs);
}

export type DtlsRole = 'client' | 'server';

/**
 * RFC 8842 5.3: the answerer picks `active` (it becomes the DTLS client) unless the offerer
 * insists on being active itself. On a re-offer the role already in use is kept (5.5).
 */
export function answerSetup(remote: SetupRole | undefined, current: DtlsRole | undefined): 'active' | 'passive' {
  if (current) return current === 'client' ? 'active' : 'passive';
  return remote === 'active' ? 'passive' : 'active';
}

/** The DTLS role an answer's setup gives the offerer (who offered actpass). */
export function offererRole(answer: SetupRole | undefined): Result<DtlsRole, PeerError> {
  // RFC 4145 4: a missing setup attribute means 'active'.
  if (answer === undefined || answer === 'active') return ok('server');
  if (answer === 'passive') return ok('client');
  return err(new PeerError('InvalidAccessError', `an answer cannot carry a=setup:${answer} (RFC 8842 5.2)`));
}

/** Our certificate's sha-256 fingerprint for a=fingerprint (RFC 8122 5, RFC 8829 5.2.1). */
export function localFingerprint(cert: DtlsCertificate): SdpFingerprint {
  const f = cert.fingerprint('sha-256');
  return { algorithm: f.algorithm, value: f.value };
}

/** W3C 4.4.1.5: a description applied by text must be the one we created (line endings aside). */
export function sameSdp(a: string, b: string): boolean {
  return a.replace(/\r\n/g, '\n').trim() === b.replace(/\r\n/g, '\n').trim();
}
