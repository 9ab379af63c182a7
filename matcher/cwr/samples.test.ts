// The two public CWR 2.1 sample files in ../shared/samples/cwr/, read in place.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../core/paths/index.ts';
import { parseCwr } from './index.ts';

function sample(name: string): string {
  return fs.readFileSync(path.resolve(repoRoot, '../shared/samples/cwr', name), 'latin1');
}

test('CW220001DMP_000.V21 (django-music-publisher, CRLF): one NWR with all its parties', () => {
  const text = sample('CW220001DMP_000.V21');
  assert.ok(text.includes('\r\n'), 'the sample has CRLF line ends');
  const r = parseCwr(text, { source: 'cwr:dmp' });

  assert.equal(r.trailerCheck, 'OK');
  assert.deepEqual(r.counts, { read: 1, loaded: 1, rejected: 0, skipped: 0, groups: 1, records: 22 });
  assert.deepEqual(r.rejected, []);
  assert.deepEqual(r.issues, []);

  assert.equal(r.header.senderName, 'TEST PUBLISHER');
  // IPI name number longer than 9 digits: its first two digits sit in the sender type
  assert.equal(r.header.senderType, null);
  assert.equal(r.header.senderId, '09000000020');
  assert.equal(r.header.version, '2.1');
  assert.equal(r.header.ediStandardVersion, '01.10');
  assert.equal(r.header.creationDate?.toISOString(), '2021-01-22T13:56:54.000Z');
  assert.equal(r.header.transmissionDate, '20210123');

  const [t] = r.transactions;
  assert.ok(t);
  assert.equal(t.transactionType, 'NWR');
  assert.equal(t.transactionSequence, 0);
  assert.equal(t.groupId, 1);
  assert.equal(t.line, 3);
  assert.equal(t.lastLine, 20);
  assert.equal(t.recordCount, 18);
  assert.deepEqual(t.recordingLinks, []);
  assert.deepEqual(t.work, {
    workId: 'cwr:dmp:DMP000001',
    iswc: 'T1234567894',
    title: 'MUSIC PUB CARTOONS',
    alternativeTitles: [
      'MPC ACADEMY',
      'MUSIC PUB CARTOONS SUFFIX',
      'MUSIC PUB CARTOONS SUFFIX CO-SUFFIX',
      'WORK RECORDING',
      'WORK RECORDING FEAT. TESTING',
    ],
    writers: [
      { name: 'KOLARIC MATIJA', ipi: '00000000199', role: 'AR', society: 'ASCAP', shareBasisPoints: 2500 },
      { name: 'OTHER ANN', ipi: '00000000297', role: 'AD', society: 'ASCAP', shareBasisPoints: 2500 },
      // OWR with the writer-unknown indicator: no name, no society, 0 % PR
      { name: '', ipi: null, role: 'CA', society: null, shareBasisPoints: 0 },
    ],
    publishers: [
      { name: 'TEST PUBLISHER', ipi: '09000000020', society: 'PRS', shareBasisPoints: 3750 },
      // OPU with the publisher-unknown indicator, 12.50 %
      { name: '', ipi: null, society: null, shareBasisPoints: 1250 },
    ],
    performers: [],
    source: 'cwr:dmp',
  });
  const total = [...t.work.writers, ...t.work.publishers].reduce((n, p) => n + p.shareBasisPoints, 0);
  assert.equal(total, 10000);
});

test('nwrexample2.V21 (weso/CWR-DataApi, LF, trailing blanks trimmed, no final line end): several SPU', () => {
  const text = sample('nwrexample2.V21');
  assert.ok(!text.includes('\r'), 'the sample has LF line ends');
  const r = parseCwr(text, { source: 'cwr:weso' });

  assert.equal(r.trailerCheck, 'OK');
  assert.deepEqual(r.counts, { read: 1, loaded: 1, rejected: 0, skipped: 0, groups: 1, records: 12 });
  assert.deepEqual(r.rejected, []);
  assert.deepEqual(r.issues, []);
  assert.equal(r.header.senderType, 'PB');
  assert.equal(r.header.senderId, '000000199');
  assert.equal(r.header.senderName, 'THE SENDER');
  assert.equal(r.header.creationDate?.toISOString(), '2018-03-22T10:20:37.000Z');

  const [t] = r.transactions;
  assert.ok(t);
  assert.deepEqual(t.work, {
    workId: 'cwr:weso:CLAIMDIGITAL01',
    iswc: null,
    title: 'THE WORK',
    alternativeTitles: [],
    writers: [
      { name: 'DOE JOHN', ipi: '00000000395', role: 'CA', society: 'ASCAP', shareBasisPoints: 2500 },
      { name: 'DOE JANE', ipi: null, role: 'CA', society: null, shareBasisPoints: 5000 },
    ],
    publishers: [
      { name: 'THE PUBLISHER', ipi: '00000000297', society: 'ASCAP', shareBasisPoints: 2500 },
      // administrator (AM) with no PR ownership share
      { name: 'THE SENDER', ipi: '00000000199', society: 'ASCAP', shareBasisPoints: 0 },
    ],
    performers: [],
    source: 'cwr:weso',
  });
});

test('the DMP sample with LF, CR and CRLF line ends and a final line end gives the same result', () => {
  const crlf = sample('CW220001DMP_000.V21');
  const expected = parseCwr(crlf, { source: 's' });
  const lf = crlf.replace(/\r\n/g, '\n');
  assert.deepEqual(parseCwr(lf, { source: 's' }), expected);
  assert.deepEqual(parseCwr(`${lf}\n`, { source: 's' }), expected);
  assert.deepEqual(parseCwr(`${crlf}\r\n`, { source: 's' }), expected);
  assert.deepEqual(parseCwr(lf.replace(/\n/g, '\r'), { source: 's' }), expected);
  // the weso sample in CRLF
  const weso = sample('nwrexample2.V21');
  assert.deepEqual(parseCwr(weso.replace(/\n/g, '\r\n'), { source: 's' }), parseCwr(weso, { source: 's' }));
});

test('the DMP sample with a corrupted SWR share: that transaction is rejected, field and line named', () => {
  const lines = sample('CW220001DMP_000.V21').split('\r\n');
  const i = lines.findIndex((l) => l.startsWith('SWR0000000000000004'));
  const line = lines[i] as string;
  assert.equal(line.slice(129, 134), '02500');
  lines[i] = `${line.slice(0, 129)}02X00${line.slice(134)}`;
  const r = parseCwr(lines.join('\r\n'), { source: 's' });
  assert.deepEqual(r.counts, { read: 1, loaded: 0, rejected: 1, skipped: 0, groups: 1, records: 22 });
  assert.equal(r.trailerCheck, 'OK', 'a rejected transaction still counts as read');
  const [rej] = r.rejected;
  assert.ok(rej);
  assert.equal(rej.recordType, 'SWR');
  assert.equal(rej.line, i + 1);
  assert.equal(rej.field, 'prOwnershipShare');
  assert.equal(rej.transactionSequence, 0);
  assert.equal(rej.transactionType, 'NWR');
  assert.equal(rej.submitterWorkNumber, 'DMP000001');
  assert.equal(rej.transactionLine, 3);
  assert.match(rej.reason, /columns 130-134/);
  assert.match(rej.reason, /"02X00"/);
});
