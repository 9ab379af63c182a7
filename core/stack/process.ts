import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// Background processes started by the stack: detached, output to a log file, a pid file
// beside it. A pid file is trusted only while /proc shows the same process with the
// marker we put on its command line, so a recycled pid is never signalled.

export interface ManagedProcess {
  pidFile: string;
  logFile: string;
  /** a string that must appear in /proc/<pid>/cmdline */
  marker: string;
}

export function readPid(proc: ManagedProcess): number | null {
  if (!existsSync(proc.pidFile)) return null;
  const pid = Number(readFileSync(proc.pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return isOurs(pid, proc.marker) ? pid : null;
}

function isOurs(pid: number, marker: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return cmdline.includes(marker) && state !== 'Z';
  } catch {
    return false;
  }
}

export function startDetached(
  proc: ManagedProcess,
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): number {
  mkdirSync(path.dirname(proc.logFile), { recursive: true });
  mkdirSync(options.cwd, { recursive: true });
  const log = openSync(proc.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    writeFileSync(proc.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`. Returns how it ended. */
export async function stopProcess(
  proc: ManagedProcess,
  graceMs = 30000,
): Promise<'stopped' | 'killed' | 'not-running'> {
  const pid = readPid(proc);
  rmSync(proc.pidFile, { force: true });
  if (pid === null) return 'not-running';
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isOurs(pid, proc.marker)) return 'stopped';
    await sleep(200);
  }
  process.kill(pid, 'SIGKILL');
  while (isOurs(pid, proc.marker)) await sleep(100);
  return 'killed';
}

export function tailFile(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
