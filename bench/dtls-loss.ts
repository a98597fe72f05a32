/**
 * Handshake completion time on the simulator (virtual clock) under loss, 25 ms one-way
 * delay with 5 ms jitter: median, 90th percentile and worst over many seeds.
 *
 *   node --import tsx bench/dtls-loss.ts [seeds=200] [initialRetransmitMs]
 */
import { transportAddress } from '../src/core/index.js';
import { DtlsEndpoint } from '../src/dtls/endpoint.js';
import { testCertificate } from '../src/dtls/pair.testutil.js';
import { Network } from '../src/sim/index.js';
import { printLossTable } from './loss-table.js';

const SEEDS = Number(process.argv[2] ?? 200);
/** The endpoints' first retransmission timeout (DtlsOptions.initialRetransmitMs); default theirs. */
const INITIAL_RTO = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const rtoOption = INITIAL_RTO === undefined ? {} : { initialRetransmitMs: INITIAL_RTO };

function handshakeTime(seed: number, loss: number): number | undefined {
  const net = new Network({ seed });
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.0.0.2']);
  net.link(a, b, { delay: 25, jitter: 5, loss });
  const cc = testCertificate(101);
  const sc = testCertificate(102);
  const client = new DtlsEndpoint({ role: 'client', certificate: cc, rng: net.random(), remoteFingerprints: [sc.fingerprint()], ...rtoOption });
  const server = new DtlsEndpoint({ role: 'server', certificate: sc, rng: net.random(), remoteFingerprints: [cc.fingerprint()], ...rtoOption });
  net.attach(a, client, { port: 5000, defaultPeer: transportAddress('10.0.0.2', 5000) });
  net.attach(b, server, { port: 5000, defaultPeer: transportAddress('10.0.0.1', 5000) });
  const up = (e: DtlsEndpoint) => net.events(e).some((x) => x.event.type === 'connected');
  net.inject(client, { type: 'connect' });
  return net.runUntil(() => up(client) && up(server), { timeout: 600_000 }) ? net.now : undefined;
}

printLossTable(`handshake time in virtual ms over ${SEEDS} seeds (RTT 50 ms, initial RTO ${INITIAL_RTO ?? 400} ms)`, [0, 0.1, 0.2, 0.3, 0.4], SEEDS, handshakeTime);
