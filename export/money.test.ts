import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cumulativeAmount, formatMinor, parseDecimal, roundDiv, splitByShares, toMinor } from './money.ts';

test('decimal text becomes exact minor units, rounded half away from zero', () => {
  assert.equal(toMinor('13.19', 'GBP'), 1319n);
  assert.equal(toMinor('0.005', 'EUR'), 1n);
  assert.equal(toMinor('0.0049', 'EUR'), 0n);
  assert.equal(toMinor('-0.005', 'EUR'), -1n);
  assert.equal(toMinor('7', 'JPY'), 7n);
  assert.equal(toMinor('1,25', 'EUR'), 125n);
  assert.equal(toMinor('0.1234', 'KWD'), 123n);
  assert.deepEqual(parseDecimal('.5'), { units: 5n, scale: 1 });
  assert.throws(() => toMinor('1e3', 'EUR'), { code: 'BAD_DECIMAL' });
  assert.throws(() => toMinor('', 'EUR'), { code: 'BAD_DECIMAL' });
});

test('minor units print with the currency digits', () => {
  assert.equal(formatMinor(1319n, 'GBP'), '13.19');
  assert.equal(formatMinor(5n, 'EUR'), '0.05');
  assert.equal(formatMinor(-5n, 'EUR'), '-0.05');
  assert.equal(formatMinor(42n, 'JPY'), '42');
  assert.equal(roundDiv(5n, 2n), 3n);
  assert.equal(roundDiv(-5n, 2n), -3n);
});

test('cumulative rounding: any split of a summary adds up to its revenue exactly', () => {
  const total = 1319n;
  const usages = [1n, 7n, 3n, 1000n, 2n, 1n, 13n];
  const U = usages.reduce((a, b) => a + b, 0n);
  let cumulative = 0n;
  let previous = 0n;
  let sum = 0n;
  for (const u of usages) {
    cumulative += u;
    const now = cumulativeAmount(total, cumulative, U);
    sum += now - previous;
    previous = now;
  }
  assert.equal(sum, total);
});

test('shares split by largest remainder; what does not add up to 100 % stays unallocated', () => {
  assert.deepEqual(splitByShares(100n, [5000, 5000]), { parts: [50n, 50n], unallocated: 0n });
  assert.deepEqual(splitByShares(1n, [5000, 5000]), { parts: [1n, 0n], unallocated: 0n });
  assert.deepEqual(splitByShares(10n, [3333, 3333, 3334]), { parts: [3n, 3n, 4n], unallocated: 0n });
  assert.deepEqual(splitByShares(100n, [2500, 5000]), { parts: [25n, 50n], unallocated: 25n });
  const odd = splitByShares(101n, [3000, 3000]);
  assert.equal(odd.parts[0]! + odd.parts[1]! + odd.unallocated, 101n);
  assert.deepEqual(splitByShares(100n, [10000, 10000]), { parts: [50n, 50n], unallocated: 0n });
  assert.deepEqual(splitByShares(-100n, [5000, 2500]), { parts: [-50n, -25n], unallocated: -25n });
  assert.deepEqual(splitByShares(100n, []), { parts: [], unallocated: 100n });
});

test('a refund (negative amount) splits as the mirror of the same positive amount, to the unit', () => {
  for (const [amount, shares] of [
    [101n, [3000, 3000]],
    [10n, [3333, 3333, 3334]],
    [7n, [5000, 2500, 1250]],
    [1n, [5000, 5000]],
    [99999n, [10000, 10000, 5000]],
  ] as [bigint, number[]][]) {
    const plus = splitByShares(amount, shares);
    const minus = splitByShares(-amount, shares);
    assert.deepEqual(
      minus,
      { parts: plus.parts.map((p) => -p), unallocated: -plus.unallocated },
      `${-amount} over ${shares.join('/')}`,
    );
    assert.equal(minus.parts.reduce((a, b) => a + b, 0n) + minus.unallocated, -amount, 'adds up');
  }
  assert.deepEqual(splitByShares(-1n, [5000, 5000]), { parts: [-1n, 0n], unallocated: 0n });
});
