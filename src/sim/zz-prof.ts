import { Network } from './network.js';
import { Echo, Probe } from './probe.fixture.js';
for (const trace of [undefined, false] as const) {
  const t0 = performance.now();
  const net = new Network({ seed: 42, ...(trace === false ? { trace } : {}) , eventLimit: 10});
  const a = net.addHost('a', ['10.0.0.1']);
  const b = net.addHost('b', ['10.0.0.2']);
  net.link(a, b, { delay: 20, jitter: 2, loss: 0.01 });
  const probe = new Probe();
  const echo = net.attach(b, new Echo(), { port: 7 }).address;
  net.attach(a, probe, { port: 5000 });
  net.inject(probe, { type: 'stream', count: 100000, interval: 0.1, size: 1000, to: echo });
  const steps = net.run();
  const ms = performance.now() - t0;
  console.log(trace, steps, net.stats.sent, ms.toFixed(0), 'ms', (ms * 1000 / steps).toFixed(2), 'us/step');
}
