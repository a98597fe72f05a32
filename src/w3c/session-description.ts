/** RTCSessionDescription, W3C WebRTC 1.0 section 4.6. */

export type RTCSdpType = 'offer' | 'pranswer' | 'answer' | 'rollback';

export interface RTCSessionDescriptionInit {
  type: RTCSdpType;
  sdp?: string;
}

const SDP_TYPES: readonly string[] = ['offer', 'pranswer', 'answer', 'rollback'];

export class RTCSessionDescription {
  readonly type: RTCSdpType;
  readonly sdp: string;

  constructor(init: RTCSessionDescriptionInit) {
    if (!init || !SDP_TYPES.includes(init.type)) {
      throw new TypeError(`RTCSessionDescription: invalid type ${String(init?.type)}`);
    }
    this.type = init.type;
    this.sdp = init.sdp ?? '';
  }

  toJSON(): RTCSessionDescriptionInit {
    return { type: this.type, sdp: this.sdp };
  }
}
