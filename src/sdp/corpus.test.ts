import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '../core/index.js';
import { CORPUS } from './corpus.testutil.js';
import type { ExpectedDataChannel } from './corpus.testutil.js';
import { readDataChannelSession, validateDataChannelSession } from './datachannel.js';
import type { DataChannelMedia } from './datachannel.js';
import { parseSdp } from './parse.js';
import { serializeSdp } from './serialize.js';

/** The parts of the view the corpus states, in the corpus's shape. */
function project(m: DataChannelMedia): ExpectedDataChannel {
  return {
    index: m.index,
    mid: m.mid,
    proto: m.proto,
    legacy: m.legacy,
    port: m.port,
    connectionAddress: m.connectionAddress,
    bundleOnly: m.bundleOnly,
    iceUfrag: m.iceUfrag!,
    icePwd: m.icePwd!,
    iceOptions: m.iceOptions,
    iceLite: m.iceLite,
    fingerprints: m.fingerprints.map((f) => [f.algorithm, toHex(f.value, ':').toUpperCase()]),
    setup: m.setup,
    sctpPort: m.sctpPort,
    maxMessageSize: m.maxMessageSize,
    candidates: m.candidates.map((c) => [c.component, c.transport, c.type, c.address, c.port]),
    endOfCandidates: m.endOfCandidates,
    sctpInit: m.sctpInit,
  };
}

for (const c of CORPUS) {
  test(`corpus: ${c.name}`, () => {
    const parsed = parseSdp(c.sdp);
    if (!parsed.ok) throw parsed.error;
    const sd = parsed.value;
    assert.equal(sd.media.length, c.sections);
    // Round trip reproduces every line, unknown attributes included.
    assert.equal(serializeSdp(sd), c.sdp);
    // LF-only input parses to the same model.
    const lf = parseSdp(c.sdp.replaceAll('\r\n', '\n'));
    assert.ok(lf.ok);
    assert.deepEqual(lf.value, sd);

    const view = readDataChannelSession(sd);
    if (!view.ok) throw view.error;
    assert.deepEqual(view.value.bundleGroups, c.bundleGroups);
    assert.deepEqual(view.value.origin, sd.origin);
    const chosen = validateDataChannelSession(view.value);
    if (!chosen.ok) throw chosen.error;
    assert.deepEqual(project(chosen.value), c.dataChannel);
  });
}

test('corpus: every attribute line survives in order', () => {
  for (const c of CORPUS) {
    const r = parseSdp(c.sdp);
    assert.ok(r.ok);
    const expected = c.sdp.split('\r\n').filter((l) => l.startsWith('a='));
    const got = [r.value.attributes, ...r.value.media.map((m) => m.attributes)]
      .flat()
      .map((a) => (a.value === undefined ? `a=${a.name}` : `a=${a.name}:${a.value}`));
    assert.deepEqual(got, expected, c.name);
  }
});
