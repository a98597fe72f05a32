/**
 * A minimal sans-IO STUN Binding server (RFC 8489 3, 6.3): answers each Binding request
 * with a success response carrying XOR-MAPPED-ADDRESS, the source address it saw. It lets
 * simulator tests (and users' own) discover server-reflexive candidates without a real
 * server. Requests carrying MESSAGE-INTEGRITY are answered too (no credentials are checked:
 * a Binding server needs none, RFC 8489 3).
 */

import { Counters, OutputQueue, logger } from '../core/index.js';
import type { Datagram, Engine, Millis, Transmit } from '../core/index.js';
import { StunClass, StunMethod, decodeStun, encodeStun, isStunMessage } from '../stun/index.js';
import { MAX_OUTPUTS } from './constants.js';

const log = logger('sansrtc:ice');

export type StunServerCounter = 'stun-malformed' | 'not-binding-request' | 'output-overflow' | 'answered';

export class StunServer implements Engine<Datagram, Transmit> {
  readonly counters = new Counters<StunServerCounter>();
  private readonly out = new OutputQueue<Transmit>();

  handleInput(_now: Millis, d: Datagram): void {
    if (!isStunMessage(d.data)) {
      this.counters.inc('stun-malformed');
      return;
    }
    const r = decodeStun(d.data);
    if (!r.ok) {
      this.counters.inc('stun-malformed');
      log.debug('stun server: malformed request', r.error.message);
      return;
    }
    const m = r.value;
    if (m.cls !== StunClass.Request || m.method !== StunMethod.Binding) {
      this.counters.inc('not-binding-request');
      return;
    }
    if (this.out.length >= MAX_OUTPUTS) {
      this.counters.inc('output-overflow');
      return;
    }
    const data = encodeStun(
      {
        method: StunMethod.Binding,
        cls: StunClass.Success,
        transactionId: m.transactionId,
        attrs: { xorMappedAddress: d.from },
      },
      { fingerprint: m.fingerprint },
    );
    this.counters.inc('answered');
    this.out.push({ type: 'transmit', data, from: d.to, to: d.from });
  }

  handleTimeout(): void {}

  pollOutput(): Transmit | undefined {
    return this.out.shift();
  }

  pollTimeout(): Millis | undefined {
    return undefined;
  }
}
