import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

export interface Jdk {
  home: string;
  java: string;
  major: number;
}

function majorOf(home: string): number | null {
  const release = path.join(home, 'release');
  if (existsSync(release)) {
    const m = /JAVA_VERSION="(\d+)/.exec(readFileSync(release, 'utf8'));
    if (m) return Number(m[1]);
  }
  const java = path.join(home, 'bin', 'java');
  if (!existsSync(java)) return null;
  try {
    const out = execFileSync(java, ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const m = /version "(\d+)/.exec(out);
    return m ? Number(m[1]) : null;
  } catch (err) {
    const m = /version "(\d+)/.exec(String((err as { stderr?: string }).stderr ?? ''));
    return m ? Number(m[1]) : null;
  }
}

function jdkAt(home: string): Jdk | null {
  const java = path.join(home, 'bin', 'java');
  if (!existsSync(java)) return null;
  const major = majorOf(home);
  return major === null ? null : { home: realpathSync(home), java, major };
}

function pathJavaHome(): string | null {
  try {
    const resolved = realpathSync(execFileSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' }).trim());
    return path.dirname(path.dirname(resolved));
  } catch {
    return null;
  }
}

/** Every JDK found: JAVA_HOME, `java` on the PATH, and /usr/lib/jvm/*. */
export function findJdks(env: NodeJS.ProcessEnv = process.env): Jdk[] {
  const homes = [env.JAVA_HOME, pathJavaHome()];
  if (existsSync('/usr/lib/jvm')) {
    homes.push(...readdirSync('/usr/lib/jvm').map((d) => path.join('/usr/lib/jvm', d)));
  }
  const seen = new Map<string, Jdk>();
  for (const home of homes) {
    if (!home) continue;
    const jdk = jdkAt(home);
    if (jdk && !seen.has(jdk.home)) seen.set(jdk.home, jdk);
  }
  return [...seen.values()];
}

/**
 * The JDK to run a service with: the configured home if given (it must be new enough),
 * else JAVA_HOME / PATH if new enough, else the newest JDK found that is.
 */
export function chooseJdk(
  minMajor: number,
  configured?: string,
  env: NodeJS.ProcessEnv = process.env,
): Jdk | null {
  if (configured) {
    const jdk = jdkAt(configured);
    if (!jdk) throw new Error(`no java at ${configured}/bin/java`);
    if (jdk.major < minMajor)
      throw new Error(`${configured} is Java ${jdk.major}; ${minMajor} or newer is needed`);
    return jdk;
  }
  const all = findJdks(env).filter((j) => j.major >= minMajor);
  const preferred = [env.JAVA_HOME, pathJavaHome()].map((h) => (h && existsSync(h) ? realpathSync(h) : null));
  return all.find((j) => preferred.includes(j.home)) ?? all.sort((a, b) => b.major - a.major)[0] ?? null;
}
