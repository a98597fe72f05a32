/**
 * The RFC 8866 session description model. Every field line of the grammar (RFC 8866 9) has
 * a typed home, and attributes keep their order and raw values, unknown ones included, so
 * that `serializeSdp(parseSdp(text))` reproduces a well-formed input line for line.
 */

/** `a=<name>` (value undefined) or `a=<name>:<value>` (value kept raw, RFC 8866 5.13). */
export interface Attribute {
  name: string;
  value?: string;
}

/** RFC 8866 5.2: `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`. */
export interface Origin {
  username: string;
  /** Decimal digits, kept as text: browsers use 64-bit values beyond Number's exact range. */
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

/** RFC 8866 5.7: `c=<nettype> <addrtype> <connection-address>` (address may carry /ttl/n). */
export interface Connection {
  netType: string;
  addrType: string;
  address: string;
}

/** RFC 8866 5.8: `b=<bwtype>:<bandwidth>`. */
export interface Bandwidth {
  type: string;
  value: number;
}

/** RFC 8866 5.9 / 5.10: `t=<start-time> <stop-time>` and the `r=` lines that follow it. */
export interface Timing {
  start: number;
  stop: number;
  repeats: string[];
}

/** One m= section (RFC 8866 5.14): `m=<media> <port>[/<number of ports>] <proto> <fmt> ...`. */
export interface MediaDescription {
  media: string;
  port: number;
  numberOfPorts?: number;
  proto: string;
  formats: string[];
  /** i= */
  information?: string;
  /** c= (several are allowed for layered multicast, RFC 8866 5.7). */
  connections: Connection[];
  /** b= */
  bandwidths: Bandwidth[];
  /** k= (obsolete, RFC 8866 5.12; kept so nothing is lost). */
  key?: string;
  attributes: Attribute[];
}

/** A whole session description (RFC 8866 5). */
export interface SessionDescription {
  /** v= (always 0, RFC 8866 5.1). */
  version: number;
  origin: Origin;
  /** s= */
  sessionName: string;
  /** i= */
  information?: string;
  /** u= */
  uri?: string;
  /** e= */
  emails: string[];
  /** p= */
  phones: string[];
  /** c= */
  connection?: Connection;
  /** b= */
  bandwidths: Bandwidth[];
  /** t= (at least one) with their r= lines. */
  timings: Timing[];
  /** z= */
  zoneAdjustments?: string;
  /** k= */
  key?: string;
  attributes: Attribute[];
  media: MediaDescription[];
}

/** The value of the first attribute named `name` (`''` for a flag attribute), or undefined. */
export function attributeValue(attributes: readonly Attribute[], name: string): string | undefined {
  for (const a of attributes) if (a.name === name) return a.value ?? '';
  return undefined;
}

/** Whether an attribute named `name` is present. */
export function hasAttribute(attributes: readonly Attribute[], name: string): boolean {
  return attributes.some((a) => a.name === name);
}

/** Values of every attribute named `name`, in order. */
export function attributeValues(attributes: readonly Attribute[], name: string): string[] {
  const out: string[] = [];
  for (const a of attributes) if (a.name === name) out.push(a.value ?? '');
  return out;
}
