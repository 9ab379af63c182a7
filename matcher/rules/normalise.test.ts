import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldText, nameTokens, normaliseTitle, splitCredit } from './normalise.ts';

test('folding: Unicode compatibility forms, diacritics, case, punctuation, ampersand', () => {
  assert.equal(foldText('Ça Plane Pour Moi!'), 'ca plane pour moi');
  assert.equal(foldText('Straße & Smørrebrød'), 'strasse and smorrebrod');
  assert.equal(foldText('Ｆｕｌｌｗｉｄｔｈ ﬁne'), 'fullwidth fine'); // NFKD: fullwidth letters, ligature
  assert.equal(foldText("Don't Stop Me Now"), 'dont stop me now');
  assert.equal(foldText('Beyoncé  —  Halo…'), 'beyonce halo');
});

test('titles lose their version marks', () => {
  const cases: [string, string][] = [
    ['Here Comes The Sun - Remastered 2009', 'here comes the sun'],
    ['Here Comes The Sun (2019 Remaster)', 'here comes the sun'],
    ['Smells Like Teen Spirit [Live at Reading]', 'smells like teen spirit'],
    ['Stay (feat. Justin Bieber)', 'stay'],
    ['Stay feat. Justin Bieber', 'stay'],
    ['Stay ft. Justin Bieber', 'stay'],
    ['Stay featuring Justin Bieber', 'stay'],
    ['Wonderwall - Radio Edit', 'wonderwall'],
    ['Wonderwall (Radio Edit)', 'wonderwall'],
    ['Hurt - Acoustic Version', 'hurt'],
    ['Yesterday (Live)', 'yesterday'],
    ['Blue Monday - 2016 Mix', 'blue monday'],
  ];
  for (const [title, expected] of cases) assert.equal(normaliseTitle(title), expected, title);
});

test('brackets and dashes that are part of the title stay', () => {
  assert.equal(normaliseTitle("(I Can't Get No) Satisfaction"), 'i cant get no satisfaction');
  assert.equal(normaliseTitle('Ob-La-Di, Ob-La-Da'), 'ob la di ob la da');
  assert.equal(normaliseTitle('Part One - Part Two'), 'part one part two');
  // A title that is nothing but a version mark keeps its words.
  assert.equal(normaliseTitle('(Live)'), 'live');
});

test('names: tokens sorted, so CWR "LAST FIRST" equals "First Last"', () => {
  assert.deepEqual(nameTokens('LENNON JOHN'), nameTokens('John Lennon'));
  assert.deepEqual(nameTokens('Björk Guðmundsdóttir'), ['bjork', 'gudmundsdottir']);
});

test('credits split into people', () => {
  assert.deepEqual(splitCredit('Calvin Harris feat. Rihanna'), ['Calvin Harris', 'Rihanna']);
  assert.deepEqual(splitCredit('A & B, C; D ft. E'), ['A', 'B', 'C', 'D', 'E']);
  assert.deepEqual(splitCredit('Simon and Garfunkel'), ['Simon', 'Garfunkel']);
});

test('plain ASCII folds as any text does (its own faster path)', () => {
  let seed = 5;
  const chars = "aZ09 &'`-_.,!()[]/\\\t~";
  const random = () => chars[(seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % chars.length]!;
  for (let i = 0; i < 3000; i++) {
    const s = Array.from({ length: i % 17 }, random).join('');
    // A combining mark makes the text non-ASCII (the general path) and is stripped by it.
    assert.equal(foldText(s), foldText(`${s}\u0301`), JSON.stringify(s));
  }
});
