/**
 * PeerConnection setup on the deterministic simulator under random loss: virtual ms from
 * createDataChannel to the channel open on both sides (offer/answer and trickled candidates
 * signalled with 20 ms delay), 25 ms one-way delay with 5 ms jitter, over many seeds.
 *
 *   node --import tsx bench/setup-loss.ts [seeds=100]
 *
 * 100 seeds, before (3f49f92) -> after ICE's round-trip time seeded the first retransmission
 * timeouts of DTLS (f8799b5) and SCTP (4d9b0da), median / p90 / worst in ms:
 *    5% loss:  177 / 580 / 1689  ->  177 / 380 / 3280
 *   10% loss:  230 / 1370 / 7174 ->  230 / 568 / 3280
 *   20% loss:  778 / 3952 / 31220 -> 468 / 1681 / 8061
 * (0% is 174 / 183 / 190 either way. Worst cases are single seeds: with other timers the
 * losses fall on other packets.)
 */
import { Network } from '../src/sim/index.js';
import { addPeer, call, must, negotiate, remoteChannel } from '../src/peer/pair.fixture.js';
import { printLossTable } from './loss-table.js';

const SEEDS = Number(process.argv[2] ?? 100);

function setupTime(seed: number, loss: number): number | undefined {
  const net = new Network({ seed });
  const ha = net.addHost('a', ['10.0.0.1']);
  const hb = net.addHost('b', ['10.0.0.2']);
  net.link(ha, hb, { delay: 25, jitter: 5, loss });
  const a = addPeer(net, 'a', ha);
  const b = addPeer(net, 'b', hb);
  let chat = 0;
  const start = net.now;
  call(a, (now) => (chat = must(a.pc.createDataChannel(now, 'chat'))));
  negotiate(a, b);
  const openAt = (): boolean => {
    const remote = remoteChannel(b, 'chat');
    return a.pc.channel(chat)?.readyState === 'open' && remote !== undefined && b.pc.channel(remote)?.readyState === 'open';
  };
  return net.runUntil(openAt, { timeout: 120_000 }) ? net.now - start : undefined;
}

printLossTable(`PeerConnection setup in virtual ms over ${SEEDS} seeds (RTT 50 ms)`, [0, 0.05, 0.1, 0.2], SEEDS, setupTime);
