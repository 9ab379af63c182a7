import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { repoRoot } from '../../core/paths/index.ts';

// The room rule of eslint.config.js (docs/architecture.md), on probe files that are never written.
const eslint = new ESLint({ cwd: repoRoot });

async function roomErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(repoRoot, file) });
  return result!.messages.filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message);
}

test('core imports no component, and core modules meet through their index.ts', async () => {
  assert.equal((await roomErrors('core/log/probe.ts', "import '../../ingest/index.ts';\n")).length, 1);
  assert.equal((await roomErrors('core/log/probe.ts', "import '../config/config.ts';\n")).length, 1);
  assert.deepEqual(await roomErrors('core/log/probe.ts', "import '../config/index.ts';\n"), []);
});

test('a component reaches another only through its index.ts, and never the composition', async () => {
  assert.equal((await roomErrors('export/probe.ts', "import '../ingest/intake/intake.ts';\n")).length, 1);
  assert.equal((await roomErrors('export/probe.ts', "import '../app/split-worker.ts';\n")).length, 1);
  assert.deepEqual(await roomErrors('export/probe.ts', "import '../ingest/index.ts';\n"), []);
  assert.deepEqual(await roomErrors('export/probe.ts', "import './run.ts';\n"), []);
});

test('tests beside the code may use fixtures; production code may not', async () => {
  assert.deepEqual(await roomErrors('matcher/probe.test.ts', "import '../fixtures/index.ts';\n"), []);
  assert.equal((await roomErrors('matcher/probe.ts', "import '../fixtures/index.ts';\n")).length, 1);
});
