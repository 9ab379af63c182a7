import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exitCodeOf, httpStatusOf, statusText, TallylineError } from './index.ts';

class SampleError extends TallylineError<'NOPE' | 'LATER'> {
  static override readonly kinds = { NOPE: 'not-found', LATER: 'conflict' } as const;
}

test('a component error keeps its code, kind and own name', () => {
  const err = new SampleError('NOPE', 'no such thing');
  assert.ok(err instanceof TallylineError);
  assert.equal(err.name, 'SampleError');
  assert.equal(err.code, 'NOPE');
  assert.equal(httpStatusOf(err.kind), 404);
  assert.equal(exitCodeOf(err.kind), 1);
});

test('kinds map to HTTP statuses and exit codes in one place', () => {
  assert.equal(httpStatusOf('invalid'), 400);
  assert.equal(exitCodeOf('invalid'), 2);
  assert.equal(httpStatusOf('too-large'), 413);
  assert.equal(httpStatusOf('unprocessable'), 422);
  assert.equal(httpStatusOf('conflict'), 409);
  assert.equal(httpStatusOf('unavailable'), 503);
  assert.equal(statusText(413), 'Payload Too Large');
});

test("a code's kind comes from its error type's table, unless given", () => {
  assert.equal(new SampleError('LATER', 'busy').kind, 'conflict');
  assert.equal(new SampleError('LATER', 'busy', 'unavailable').kind, 'unavailable');
  assert.equal(new TallylineError('ANY', 'plain').kind, 'invalid');
});
