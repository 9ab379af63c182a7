import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../core/paths/index.ts';

// tallyline's services as the chaos suite runs them: real processes of `bin/tallyline.js`,
// killed, paused and restarted from outside as a crash, an OOM kill or a stalled VM would.

export class Service {
  private child: ChildProcess;
  private exited: Promise<void>;

  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
  ) {
    this.child = this.spawn();
    this.exited = this.exitOf(this.child);
  }

  private spawn(): ChildProcess {
    return spawn(process.execPath, [path.join(repoRoot, 'bin/tallyline.js'), ...this.args], {
      env: { ...process.env, ...this.env },
      // A process group of its own: a kill takes its JVM producer bridge with it, as the end
      // of a container or a systemd unit would.
      detached: true,
      stdio: ['ignore', 'ignore', process.env.TALLYLINE_CHAOS_VERBOSE ? 'inherit' : 'ignore'],
    });
  }

  private exitOf(child: ChildProcess): Promise<void> {
    return new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Signals the whole process group; resolves once the process has exited. */
  signal(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return Promise.resolve();
    killQuietly(-this.pid, signal);
    return this.exited;
  }

  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  restart(): void {
    this.child = this.spawn();
    this.exited = this.exitOf(this.child);
  }

  /** The process's Kafka producer bridges (the JVM the split and the matcher write through). */
  producerBridges(): number[] {
    return descendants(this.pid).filter((pid) => commandOf(pid).includes('ProducerBridge'));
  }
}

export function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function parentOf(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Every process below `root`, from /proc. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}
