import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Network } from './network.js';
import type { LinkParams } from './link.js';
import { Echo, Probe } from './probe.fixture.js';

const probability = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true }));

const linkParams: fc.Arbitrary<Partial<LinkParams>> = fc.record(
  {
    delay: fc.double({ min: 0, max: 200, noNaN: true }),
    jitter: fc.double({ min: 0, max: 100, noNaN: true }),
    loss: fc.oneof(
      probability,
      fc.record({ p: probability, r: probability, lossGood: probability, lossBad: probability }),
    ),
    duplicate: probability,
    corrupt: probability,
    reorder: probability,
    reorderDelay: fc.double({ min: 0, max: 100, noNaN: true }),
    mtu: fc.integer({ min: 1, max: 9000 }),
    bandwidth: fc.oneof(fc.constant(Infinity), fc.double({ min: 1, max: 1e8, noNaN: true })),
    queue: fc.integer({ min: 0, max: 200_000 }),
  },
  { requiredKeys: [] },
);

const scenario = fc.record({
  seed: fc.integer(),
  ab: linkParams,
  ba: linkParams,
  core: linkParams,
  natType: fc.constantFrom('none', 'full-cone', 'address-restricted', 'port-restricted', 'symmetric'),
  count: fc.integer({ min: 0, max: 60 }),
  interval: fc.double({ min: 0, max: 50, noNaN: true }),
  size: fc.integer({ min: 4, max: 3000 }),
  cutAt: fc.option(fc.double({ min: 0, max: 1000, noNaN: true })),
  restoreAfter: fc.double({ min: 0, max: 1000, noNaN: true }),
});

test('for random links the simulator never throws and conserves packets', () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const net = new Network({ seed: s.seed });
      const internet = net.addRouter('internet');
      const server = net.addHost('server', ['198.51.100.1']);
      let client;
      if (s.natType === 'none') {
        client = net.addHost('client', ['192.0.2.1']);
        net.link(client, internet, { ...s.ab, forward: s.ab, backward: s.ba });
      } else {
        const nat = net.addNat({ type: s.natType, publicAddress: '203.0.113.1', mappingTimeout: 500 });
        client = net.addHost('client', ['10.0.0.2'], { behind: nat });
        net.link(client, nat, { forward: s.ab, backward: s.ba });
        net.link(nat, internet, s.core);
      }
      const core = net.link(internet, server, s.core);
      const probe = new Probe();
      net.attach(client, probe, { port: 5000 });
      const echo = new Echo();
      const echoAddress = net.attach(server, echo, { port: 7 }).address;
      if (s.cutAt !== null) {
        net.at(s.cutAt, () => core.cut());
        net.at(s.cutAt + s.restoreAfter, () => core.restore());
      }
      net.inject(probe, { type: 'stream', count: s.count, interval: s.interval, size: s.size, to: echoAddress });
      // Unsolicited traffic toward the NAT too.
      net.inject(probe, { type: 'send', seq: 0, to: { family: 'IPv4', address: '203.0.113.1', port: 1024 } });
      net.run();
      const st = net.stats;
      assert.equal(st.inFlight, 0);
      assert.equal(st.sent, st.delivered + st.dropped - st.duplicated);
      // Every delivery is the echo hearing the probe or the probe hearing an echo.
      assert.equal(net.events(echo).length + net.events(probe).length, st.delivered);
      const trace = net.trace;
      assert.equal(trace.filter((e) => e.kind === 'sent').length, st.sent);
      assert.equal(trace.filter((e) => e.kind === 'delivered').length, st.delivered);
      for (let i = 1; i < trace.length; i++) assert.ok(trace[i]!.time >= trace[i - 1]!.time, 'time moves forward');
    }),
    { numRuns: 150, seed: 20_261_122 },
  );
});
