/**
 * Connection-setup timeline (issue 7): two RTCPeerConnections from the built package
 * (`dist/`, build with `npx tsc -p tsconfig.build.json`) in one process on 127.0.0.1 and
 * 127.0.0.2, signaling relayed in-process. For each repetition, times (ms since
 * createDataChannel on the offerer) of: gathering complete, first connectivity check sent,
 * first check answered (first Binding success sent), nomination check sent (USE-CANDIDATE),
 * ICE connected, DTLS done
 * (connectionState 'connected'), first SCTP packet (first DTLS application_data record
 * sent), and channel open on each side. Packet phases are seen by wrapping
 * dgram.Socket#send and classifying the first byte (RFC 7983). Also: CPU time of the
 * process per setup (`cpu`, both peers and the loop) and when each signaling step resolved
 * (`sig:*`).
 *
 *   npx tsc -p tsconfig.build.json && node --import tsx bench/setup.ts [reps=20] [addrA addrB]
 *   scripts/in-netns.sh node --import tsx bench/setup.ts 100 10.99.0.1 10.99.0.2
 *
 * Env: SETUP_TRACE=1 prints every datagram of the median rep; SANSRTC_DIST=<dir> loads
 * another build; SETUP_WINDOWS=<file> writes each setup's hrtime window, to cut a
 * --cpu-prof profile down to the setups.
 *
 * Issue 7, 100 reps, interleaved runs on the shared 2-core machine (load 4-5), medians
 * (p25) in ms, before (5c2f277) -> after (fd6e905):
 *   total (openB)   14.9 (12.0) -> 11.6 (7.4);  10.8 (9.7) -> 5.7 (5.3) in a quieter run
 *   DTLS done -> openB  3.4 -> 1.6;  2.9 -> 0.5 (SNAP: no SCTP handshake, the DCEP OPEN
 *                   follows the server's Finished)
 *   ICE connected   13.9 -> 3.7 (on the first valid pair, not after nomination)
 * What remains is CPU in one thread: both peers' DTLS crypto (~1.5 ms of 2.3 ms DTLS),
 * SDP and layer setup (~1.3 ms engine-only), the W3C facade's task between the
 * datachannel and open events.
 */

import dgram from 'node:dgram';

// The built package (loaded at run time: a clean checkout has no dist/ to type-check against;
// the types come from the source it is built from).
// SANSRTC_DIST=<dir> loads another build (e.g. `npx tsc -p tsconfig.build.json --outDir <dir>`).
const dist = process.env['SANSRTC_DIST'];
const entry = dist ? new URL(`file://${dist.replace(/\/$/, '')}/index.js`) : new URL('../dist/index.js', import.meta.url);
const { RTCPeerConnection } = (await import(entry.href)) as typeof import('../src/index.js');

const reps = Number(process.argv[2] ?? 20);
/** The two peers' bind addresses (e.g. 10.99.0.1 10.99.0.2 under scripts/in-netns.sh). */
const addrA = process.argv[3] ?? '127.0.0.1';
const addrB = process.argv[4] ?? '127.0.0.2';
const now = (): number => performance.now();

type Mark = Record<string, number>;
let mark: Mark = {};
let t0 = 0;
const set = (k: string): void => {
  if (mark[k] === undefined) mark[k] = now() - t0;
};

/** Whether a STUN message carries attribute `type` (USE-CANDIDATE marks the nomination check). */
function hasAttr(b: Uint8Array, type: number): boolean {
  for (let i = 20; i + 4 <= b.length; ) {
    const t = (b[i]! << 8) | b[i + 1]!;
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    if (t === type) return true;
    i += 4 + ((len + 3) & ~3);
  }
  return false;
}

/** SETUP_TRACE=1: also print every datagram (time, side, direction, what) of the median rep. */
const tracing = process.env['SETUP_TRACE'] === '1';
let trace: string[] = [];
const HS: Record<number, string> = { 1: 'CH', 2: 'SH', 3: 'HVR', 11: 'Cert', 12: 'SKE', 13: 'CertReq', 14: 'SHD', 15: 'CV', 16: 'CKE', 20: 'Fin' };
/** What a datagram is: STUN type, or the DTLS records it carries (RFC 7983). */
function describe(b: Uint8Array): string {
  const first = b[0]!;
  if (first <= 3) {
    const type = (b[0]! << 8) | b[1]!;
    return type === 0x0001 ? (hasAttr(b, 0x0025) ? 'STUN req USE-CANDIDATE' : 'STUN req') : type === 0x0101 ? 'STUN ok' : `STUN ${type.toString(16)}`;
  }
  const parts: string[] = [];
  for (let i = 0; i + 13 <= b.length; ) {
    const ct = b[i]!;
    const epoch = (b[i + 3]! << 8) | b[i + 4]!;
    const len = (b[i + 11]! << 8) | b[i + 12]!;
    if (ct === 22 && epoch === 0) parts.push(HS[b[i + 13]!] ?? `hs${b[i + 13]}`);
    else if (ct === 22) parts.push('Fin*');
    else if (ct === 20) parts.push('CCS');
    else if (ct === 23) parts.push(`app(${len})`);
    else if (ct === 21) parts.push('alert');
    i += 13 + len;
  }
  return parts.join(' ');
}
function traceAt(sock: dgram.Socket, dir: string, b: Uint8Array): void {
  if (!tracing || t0 === 0) return;
  let side = '?';
  try {
    const a = sock.address().address;
    side = a === addrA ? 'A' : a === addrB ? 'B' : a;
  } catch {
    /* not bound */
  }
  trace.push(`${(now() - t0).toFixed(2).padStart(7)}  ${side} ${dir} ${String(b.length).padStart(5)}  ${describe(b)}`);
}
if (tracing) {
  const origEmit = dgram.Socket.prototype.emit;
  dgram.Socket.prototype.emit = function (this: dgram.Socket, ev: string | symbol, ...args: unknown[]) {
    if (ev === 'message' && args[0] instanceof Uint8Array) traceAt(this, '<-', args[0]);
    return (origEmit as (...a: unknown[]) => boolean).call(this, ev, ...args);
  } as typeof dgram.Socket.prototype.emit;
}

// Classify outgoing datagrams (RFC 7983): STUN 0..3, DTLS 20..63.
const origSend = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function (this: dgram.Socket, msg: unknown, ...rest: unknown[]) {
  const b = msg instanceof Uint8Array ? msg : Array.isArray(msg) && msg[0] instanceof Uint8Array ? (msg[0] as Uint8Array) : undefined;
  if (b && b.length > 1) {
    traceAt(this, '->', b);
    const first = b[0]!;
    if (first <= 3) {
      const type = (b[0]! << 8) | b[1]!;
      if (type === 0x0001) {
        set('checkSent');
        if (hasAttr(b, 0x0025)) set('nominate');
      }
      else if (type === 0x0101) set('checkOk');
    } else if (first === 22) set('dtlsFirst');
    else if (first === 23) set('appData');
  }
  return (origSend as (...a: unknown[]) => unknown).call(this, msg, ...rest);
} as typeof dgram.Socket.prototype.send;

const traces: string[][] = [];
/**
 * SETUP_WINDOWS=<file>: writes each rep's [start, end] in process.hrtime ns (the clock of
 * --cpu-prof samples), so a profile can be cut down to the setups alone.
 */
const windowsFile = process.env['SETUP_WINDOWS'];
const windows: [string, string][] = [];
async function once(): Promise<Mark> {
  mark = {};
  trace = [];
  const a = new RTCPeerConnection({ bindAddresses: [addrA] } as never);
  const b = new RTCPeerConnection({ bindAddresses: [addrB] } as never);
  const pend: { a: object[]; b: object[] } = { a: [], b: [] };
  let aRemote = false;
  let bRemote = false;
  a.onicecandidate = (ev) => {
    if (!ev.candidate) return;
    if (bRemote) void b.addIceCandidate(ev.candidate);
    else pend.b.push(ev.candidate);
  };
  b.onicecandidate = (ev) => {
    if (!ev.candidate) return;
    if (aRemote) void a.addIceCandidate(ev.candidate);
    else pend.a.push(ev.candidate);
  };
  a.onicegatheringstatechange = () => {
    if (a.iceGatheringState === 'complete') set('gatheredA');
  };
  a.oniceconnectionstatechange = () => {
    if (a.iceConnectionState === 'connected') set('iceA');
  };
  b.oniceconnectionstatechange = () => {
    if (b.iceConnectionState === 'connected') set('iceB');
  };
  a.onconnectionstatechange = () => {
    if (a.connectionState === 'connected') set('dtlsA');
  };
  b.onconnectionstatechange = () => {
    if (b.connectionState === 'connected') set('dtlsB');
  };
  const w0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  t0 = now();
  const ch = a.createDataChannel('bench');
  const openA = new Promise<void>((r) => {
    ch.onopen = () => {
      set('openA');
      r();
    };
  });
  const openB = new Promise<void>((r) => {
    b.ondatachannel = (ev) => {
      ev.channel.onopen = () => {
        set('openB');
        r();
      };
      if (ev.channel.readyState === 'open') {
        set('openB');
        r();
      }
    };
  });
  const offer = await a.createOffer();
  set('sig:offer');
  await a.setLocalDescription(offer);
  set('sig:setLocalA');
  await b.setRemoteDescription(a.localDescription!);
  set('sig:setRemoteB');
  bRemote = true;
  for (const c of pend.b.splice(0)) await b.addIceCandidate(c as never);
  const answer = await b.createAnswer();
  set('sig:answer');
  await b.setLocalDescription(answer);
  set('sig:setLocalB');
  await a.setRemoteDescription(b.localDescription!);
  set('sig:setRemoteA');
  aRemote = true;
  for (const c of pend.a.splice(0)) await a.addIceCandidate(c as never);
  set('signaled');
  await Promise.all([openA, openB]);
  windows.push([String(w0), String(process.hrtime.bigint())]);
  const cpu = process.cpuUsage(cpu0);
  set('cpu');
  mark['cpu'] = (cpu.user + cpu.system) / 1000;
  const m = mark;
  traces.push(trace);
  a.close();
  b.close();
  await new Promise((r) => setTimeout(r, 20));
  return m;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length ? s[s.length >> 1]! : NaN;
};

const keys = ['cpu', 'sig:offer', 'sig:setLocalA', 'sig:setRemoteB', 'sig:answer', 'sig:setLocalB', 'sig:setRemoteA', 'signaled', 'gatheredA', 'checkSent', 'checkOk', 'nominate', 'iceA', 'iceB', 'dtlsFirst', 'dtlsA', 'dtlsB', 'appData', 'openA', 'openB'];
const all: Mark[] = [];
await once(); // warm-up (JIT, certificate generation paths)
traces.length = 0;
for (let i = 0; i < reps; i++) all.push(await once());
const total = all.map((m) => Math.max(m['openA'] ?? NaN, m['openB'] ?? NaN));
const quartile = (xs: number[]): number => [...xs].sort((x, y) => x - y)[xs.length >> 2] ?? NaN;
console.log(
  `setup (createDataChannel -> open on both sides), ${reps} reps: median ${median(total).toFixed(1)} ms (min ${Math.min(...total).toFixed(1)}, p25 ${quartile(total).toFixed(1)}, max ${Math.max(...total).toFixed(1)})`,
);
for (const k of keys) {
  const v = all.map((m) => m[k]).filter((x): x is number => x !== undefined);
  console.log(`  ${k.padEnd(10)} median ${median(v).toFixed(1).padStart(6)} ms  (${v.length}/${reps})`);
}
if (windowsFile) (await import('node:fs')).writeFileSync(windowsFile, JSON.stringify(windows.slice(1)));
if (tracing) {
  const order = total.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
  const [v, i] = order[order.length >> 1]!;
  console.log(`\ndatagrams of the median rep (${v.toFixed(1)} ms), ms since createDataChannel; side, direction, bytes, content:`);
  for (const line of traces[i]!) console.log(line);
  const m = all[i]!;
  console.log(Object.entries(m).sort((x, y) => x[1] - y[1]).map(([k, t]) => `${k} ${t.toFixed(2)}`).join(', '));
}
process.exit(0);
