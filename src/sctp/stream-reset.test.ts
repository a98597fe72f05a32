import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReconfigResult, type Chunk, type ReconfigParam } from './chunks.js';
import { StreamResets, type StreamResetHost } from './stream-reset.js';

function host(cumTsn = 100, queued: number[] = []) {
  const log: string[] = [];
  const sent: ReconfigParam[][] = [];
  const h: StreamResetHost & { cumTsn: number; queued: number[] } = {
    cumTsn,
    queued,
    nextTsn: 500,
    rto: 300,
    hasQueued: (id) => h.queued.includes(id),
    resetOutgoing: (id) => log.push(`out-ssn ${id}`),
    resetIncoming: (id) => log.push(`in-ssn ${id}`),
    sendControl: (c: Chunk) => {
      assert.equal(c.type, 'reconfig');
      if (c.type === 'reconfig') sent.push([...c.params]);
    },
    resetDone: (d, ids) => log.push(`${d} ${ids.join(',')}`),
    resetRefused: (ids, r) => log.push(`refused ${ids.join(',')} ${r}`),
  };
  return { h, log, sent };
}

test('outgoing: waits for queued data, retransmits on timeout and on "in progress", completes', () => {
  const { h, log, sent } = host(100, [3]);
  const r = new StreamResets(h, 1000);
  r.setPeerInitialTsn(77);
  r.request([2, 3]);
  r.start(0);
  // Stream 3 still has queued data: only stream 2 goes now.
  assert.deepEqual(sent[0], [{ kind: 'outgoing-reset', requestSeq: 1000, responseSeq: 76, lastTsn: 499, streamIds: [2] }]);
  assert.equal(r.timer, 300);
  r.onTimeout(300);
  assert.equal(sent.length, 2, 'retransmitted');
  assert.deepEqual(sent[1], sent[0]);
  r.onReconfig(350, [{ kind: 'response', responseSeq: 1000, result: ReconfigResult.IN_PROGRESS }]);
  assert.equal(r.timer, 650);
  r.onReconfig(400, [{ kind: 'response', responseSeq: 1000, result: ReconfigResult.SUCCESS_PERFORMED }]);
  assert.deepEqual(log, ['out-ssn 2', 'outgoing 2']);
  assert.equal(r.timer, undefined);
  // Stream 3's data is out now: the next request carries it.
  h.queued = [];
  r.start(500);
  assert.deepEqual(sent.at(-1), [{ kind: 'outgoing-reset', requestSeq: 1001, responseSeq: 76, lastTsn: 499, streamIds: [3] }]);
  r.onReconfig(600, [{ kind: 'response', responseSeq: 1001, result: ReconfigResult.DENIED }]);
  assert.equal(log.at(-1), `refused 3 ${ReconfigResult.DENIED}`);
});

test('incoming: performs at once, defers until the data arrived, repeats answers, rejects bad sequence numbers', () => {
  const { h, log, sent } = host(100);
  const r = new StreamResets(h, 1);
  r.setPeerInitialTsn(50);
  const req = (seq: number, lastTsn: number): ReconfigParam => ({
    kind: 'outgoing-reset',
    requestSeq: seq,
    responseSeq: 0,
    lastTsn,
    streamIds: [4],
  });
  r.onReconfig(0, [req(50, 90)]);
  assert.deepEqual(sent.at(-1), [{ kind: 'response', responseSeq: 50, result: ReconfigResult.SUCCESS_PERFORMED }]);
  assert.deepEqual(log, ['in-ssn 4', 'incoming 4']);
  // Data up to TSN 120 has not all arrived: in progress, then performed when it has.
  r.onReconfig(0, [req(51, 120)]);
  assert.deepEqual(sent.at(-1), [{ kind: 'response', responseSeq: 51, result: ReconfigResult.IN_PROGRESS }]);
  r.onCumTsn();
  assert.equal(log.length, 2, 'not yet');
  h.cumTsn = 120;
  r.onCumTsn();
  assert.deepEqual(log.slice(2), ['in-ssn 4', 'incoming 4']);
  // The peer asks again (same sequence number): the answer is now "performed", once.
  r.onReconfig(0, [req(51, 120)]);
  assert.deepEqual(sent.at(-1), [{ kind: 'response', responseSeq: 51, result: ReconfigResult.SUCCESS_PERFORMED }]);
  assert.equal(log.length, 4);
  // A sequence number out of order.
  r.onReconfig(0, [req(60, 10)]);
  assert.deepEqual(sent.at(-1), [{ kind: 'response', responseSeq: 60, result: ReconfigResult.ERROR_BAD_SEQUENCE }]);
  // Requests to reset our streams are denied; unknown parameters are counted.
  assert.equal(r.onReconfig(0, [{ kind: 'incoming-reset', requestSeq: 52, streamIds: [1] }, { kind: 'unknown', paramType: 99 }]), 1);
  assert.deepEqual(sent.at(-1), [{ kind: 'response', responseSeq: 52, result: ReconfigResult.DENIED }]);
});
