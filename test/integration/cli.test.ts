import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../../core/paths/index.ts';

const run = promisify(execFile);
const bin = path.join(repoRoot, 'bin', 'tallyline.js');

async function tallyline(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run('node', [bin, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('stack status --json shows kafka, registry, redis and postgres healthy', async () => {
  const { code, stdout } = await tallyline(['stack', 'status', '--json']);
  const { services } = JSON.parse(stdout) as { services: { name: string; healthy: boolean }[] };
  assert.deepEqual(
    services.map((s) => [s.name, s.healthy]),
    [
      ['kafka', true],
      ['registry', true],
      ['redis', true],
      ['postgres', true],
    ],
  );
  assert.equal(code, 0);
});

test('status exits 1 and says why when a service does not answer', async () => {
  const { code, stdout } = await tallyline(['stack', 'status', '--json'], { TALLYLINE_REGISTRY_PORT: '1' });
  const { services } = JSON.parse(stdout) as {
    services: { name: string; healthy: boolean; detail: string }[];
  };
  const registry = services.find((s) => s.name === 'registry')!;
  assert.equal(registry.healthy, false);
  assert.match(registry.detail, /127\.0\.0\.1:1/);
  assert.equal(code, 1);
});

test('a bad setting stops the CLI with exit 2, naming the setting', async () => {
  const { code, stderr } = await tallyline(['stack', 'status'], { TALLYLINE_KAFKA_PORT: 'abc' });
  assert.equal(code, 2);
  assert.match(stderr, /stack\.kafkaPort \(TALLYLINE_KAFKA_PORT\).*"abc"/);
});

test("a component's coded error is printed with its code and its kind's exit code", async () => {
  const { code, stderr } = await tallyline(['export', 'run', '--period', '2026-13']);
  assert.equal(code, 2);
  assert.match(stderr, /^tallyline: not a period: "2026-13" .*\[BAD_PERIOD\]$/m);
});

test('files list refuses a state or a page size it cannot take, naming it', async () => {
  const state = await tallyline(['files', 'list', '--state', 'lost']);
  assert.equal(state.code, 2);
  assert.match(state.stderr, /--state lost: one of received, splitting, split, rejected, failed/);
  const limit = await tallyline(['files', 'list', '--limit', '0']);
  assert.equal(limit.code, 2);
  assert.match(limit.stderr, /--limit 0: a whole number above 0/);
});

test('--help lists the commands', async () => {
  const { code, stdout } = await tallyline(['--help']);
  assert.equal(code, 0);
  for (const command of ['stack', 'topics', 'schemas', 'config'])
    assert.match(stdout, new RegExp(`^  ${command} `, 'm'));
});
