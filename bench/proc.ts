import { readFileSync } from 'node:fs';

// What the benchmarks read of a process from /proc (Linux): its peak memory, its
// descendants (the JVM producer bridge of a Node worker) and the CPU time it has used.

/** The process's peak resident memory (VmHWM), in MB; 0 once it has gone. */
export function peakRssMB(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** The process's children, their children and so on. */
export function descendants(pid: number): number[] {
  let kids: number[];
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
  return kids.flatMap((k) => [k, ...descendants(k)]);
}

/** CPU seconds (user and system) the process has used so far; 0 once it has gone. */
export function cpuSeconds(pid: number): number {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Linux's USER_HZ: /proc counts CPU time in ticks of 1/100 s on every common platform. */
const CLOCK_TICKS = 100;
