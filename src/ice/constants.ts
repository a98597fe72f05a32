/**
 * ICE constants (RFC 8445, RFC 7675, RFC 8838), each with the rule or reason behind it.
 */

/** RFC 8445 5.1.2.2: recommended type preferences. */
export const TYPE_PREFERENCE = { host: 126, prflx: 110, srflx: 100, relay: 0 } as const;

/**
 * RFC 8445 5.1.2.1: the local preference (0..65535) of the first IPv6 base. Each further base
 * of the same family loses 2 and IPv4 bases sit 1 below the IPv6 base of the same rank, so
 * families interleave (RFC 8421 4: prefer IPv6 without starving IPv4).
 */
export const MAX_LOCAL_PREFERENCE = 65535;

/** We run one data component (RFC 8445 5.1.1: RTP's component 1; data channels need one). */
export const COMPONENT_ID = 1;

/**
 * RFC 8445 14.2: Ta, the pacing interval between new checks. The RFC default is 50 ms, and
 * an agent that does not signal another value (RFC 8839 5.5 a=ice-pacing) is taken to use
 * it; both agents then use the higher of the two (14.2). So 50 ms stays the agent's default
 * and the Ta used against any peer that does not propose a lower value (browsers do not
 * send a=ice-pacing).
 */
export const DEFAULT_TA = 50;
/**
 * RFC 8445 14.2: the Ta a peer connection proposes in a=ice-pacing (RFC 8839 5.5). "MAY use
 * another value based on the characteristics of the associated data": the 50 ms default
 * paces RTP media sessions; a data-channel session has one component and a check list of a
 * handful of pairs, so even at 5 ms the checks are a short burst (a few hundred bytes), and
 * with 50 ms the regular nomination check alone (8.1.1: a triggered check, paced by Ta like
 * any other) costs 50 ms of every setup. 5 ms is the floor 14.2 sets for STUN transactions
 * (MIN_TA). Used only when the peer proposes it too (the higher value wins).
 */
export const PROPOSED_TA = 5;
/** RFC 8445 14.2: STUN transactions must not start more often than every 5 ms; `ta` is raised to this. */
export const MIN_TA = 5;

/**
 * RFC 8445 14.3: RTO for a connectivity check = MAX(500 ms, Ta * (Waiting + In-Progress)).
 * Retransmissions double it (RFC 8489 6.2.1) up to CHECK_MAX_RTO, a cap so a lost path
 * is declared failed within ~10 s rather than the ~40 s of plain STUN.
 */
export const CHECK_MIN_RTO = 500;
export const CHECK_MAX_RTO = 1600;
/** RFC 8489 6.2.1 Rc: transmissions of one check before it fails (1 + 6 retransmissions). */
export const CHECK_MAX_TRANSMISSIONS = 7;

/**
 * Server-reflexive gathering (RFC 8445 5.1.1.2): STUN Binding to each server, RTO 500 ms
 * doubling (RFC 8489 6.2.1), but only 4 transmissions (~7.5 s to give up) so an unreachable
 * server does not hold 'gathering' for 40 s.
 */
export const GATHER_RTO = 500;
export const GATHER_MAX_RTO = 4000;
export const GATHER_MAX_TRANSMISSIONS = 4;

/**
 * A TURN allocation (RFC 8445 5.1.1.2) that has not succeeded after this long is abandoned
 * so gathering can complete. Plain STUN retransmission would take 39.5 s to give up
 * (RFC 8489 6.2.1); an allocation needs two round trips (401 challenge, then the
 * authenticated request), so 10 s leaves room for several retransmissions on a slow path.
 */
export const RELAY_ALLOCATE_TIMEOUT = 10_000;

/**
 * RFC 8445 6.1.2.5: the check list is bounded (the RFC suggests 100 pairs); lowest-priority
 * pairs are pruned beyond this.
 */
export const MAX_PAIRS = 100;
/** Remote candidates kept per generation; more are counted and ignored (a peer sends ~10). */
export const MAX_REMOTE_CANDIDATES = 50;
/** Local sockets (host candidate bases); a machine rarely has more than a few interfaces. */
export const MAX_LOCAL_ADDRESSES = 16;
/** Our own peer-reflexive addresses remembered (RFC 8445 7.2.5.3.1); one per NAT mapping. */
export const MAX_LOCAL_PRFLX = 64;
/** Triggered-check queue bound (RFC 8445 6.1.4.1); a pair appears at most once. */
export const MAX_TRIGGERED = MAX_PAIRS;
/** Pending outputs (transmits and events) before new ones are dropped and counted. */
export const MAX_OUTPUTS = 4096;

/**
 * Regular nomination (RFC 8445 8.1.1): the controlling agent nominates the best valid pair
 * once no higher-priority pair can still succeed, or this long after the first valid pair,
 * so one slow or dead high-priority pair (its checks retransmit for seconds) does not hold
 * up the connection. 1 s covers the first retransmissions (RTO 500 ms) of better pairs.
 */
export const NOMINATION_TIMEOUT = 1000;

/**
 * RFC 7675 5.1: consent checks go every 5 s, randomized to 0.8..1.2 times that interval
 * to avoid synchronization; consent expires 30 s after the last authenticated response.
 */
export const CONSENT_INTERVAL = 5000;
export const CONSENT_JITTER = 0.2;
export const CONSENT_TIMEOUT = 30_000;
/**
 * A consent check is retransmitted at RFC 8489 RTO spacing (sent at 0, 500 and 1500 ms,
 * the RTO doubling up to 2 s) and counted as unanswered 3.5 s after it was first sent;
 * then the state becomes 'disconnected', as browsers report after a few seconds of silence.
 * While disconnected, checks go every CONSENT_RETRY_INTERVAL so that a path that comes
 * back is noticed within a second.
 */
export const CONSENT_RTO = 500;
/**
 * While sending data, this long without hearing anything from the peer brings the next
 * consent check forward (libwebrtc likewise treats 2.5 s without receiving as a weak
 * connection). Data flows both ways in practice (SCTP SACKs), so silence means trouble.
 */
export const SILENCE_PROBE_AFTER = 2500;
export const CONSENT_MAX_RTO = 2000;
export const CONSENT_TRANSMISSIONS = 3;
export const CONSENT_RETRY_INTERVAL = 1000;

/**
 * RFC 8445 11: keepalives (Binding Indications) on the selected pair when nothing else was
 * sent for Tr; Tr MUST be at least 15 s. Full agents' consent checks count as traffic.
 */
export const DEFAULT_KEEPALIVE_INTERVAL = 15_000;

/**
 * With no end-of-candidates from the peer (RFC 8838 8), a check list whose pairs all failed
 * is declared failed after this long with nothing left to check, as browsers do.
 */
export const FAILED_WITHOUT_EOC_TIMEOUT = 10_000;

/** RFC 8445 5.3: ufrag at least 24 bits (4 ice-chars), pwd at least 128 bits (22 chars). */
export const UFRAG_LENGTH = 8;
export const PWD_LENGTH = 24;
/**
 * RFC 8839 5.4 allows ufrag and pwd of up to 256 ice-chars, but a check's USERNAME
 * ("remote:local") must stay under 509 bytes (RFC 8489 14.3), so each ufrag is held to 250.
 */
export const MAX_UFRAG_LENGTH = 250;
export const MAX_PWD_LENGTH = 256;
