import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportDue } from './service.ts';

test('the continuous export runs once the topic is quiet, or after the maximum delay while lines keep coming', () => {
  const limits = { quietMs: 2000, maxDelayMs: 300000 };
  // A line every second since t=0: never quiet.
  assert.equal(exportDue(10000, 9000, 0, limits), false);
  assert.equal(exportDue(299999, 299000, 0, limits), false);
  assert.equal(exportDue(300000, 299500, 0, limits), true, 'the maximum delay is reached');
  assert.equal(exportDue(12000, 10000, 0, limits), true, 'quiet for 2 s');
});
