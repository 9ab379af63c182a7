import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const stackDir = path.dirname(fileURLToPath(import.meta.url));
const pom = path.join(stackDir, 'pom.xml');

/** The versions pinned in core/java/pom.xml: the single place to change them. */
export function pinnedVersions(): { kafka: string; apicurio: string; apicurioJava17: string } {
  const text = readFileSync(pom, 'utf8');
  const prop = (name: string) => {
    const m = new RegExp(`<${name.replaceAll('.', '\\.')}>([^<]+)</`).exec(text);
    if (!m) throw new Error(`${pom} has no <${name}> property`);
    return m[1]!;
  };
  return {
    kafka: prop('kafka.version'),
    apicurio: prop('apicurio.version'),
    apicurioJava17: prop('apicurio.java17.version'),
  };
}

async function mavenCopy(
  profile: string,
  outputDir: string,
  properties: Record<string, string>,
  logFile: string,
) {
  const partial = `${outputDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  const args = ['-B', '-f', pom, `-P${profile}`, 'dependency:copy-dependencies', `-Doutput.dir=${partial}`];
  for (const [k, v] of Object.entries(properties)) args.push(`-D${k}=${v}`);
  try {
    const { stdout } = await run('mvn', args, { maxBuffer: 64 * 1024 * 1024 });
    writeFileSync(logFile, stdout);
  } catch (err) {
    const e = err as { code?: string; stdout?: string; stderr?: string; message: string };
    writeFileSync(logFile, `${e.stdout ?? ''}${e.stderr ?? ''}`);
    if (e.code === 'ENOENT') {
      throw new Error('mvn not found: install Apache Maven (it fetches the stack from Maven Central)', {
        cause: err,
      });
    }
    throw new Error(`mvn failed fetching ${profile}; see ${logFile}`, { cause: err });
  }
  renameSync(partial, outputDir);
}

/** Kafka's jars in the cache, fetched from Maven Central on first use. */
export async function ensureKafka(
  cacheDir: string,
  version: string,
): Promise<{ libs: string; downloaded: boolean }> {
  const libs = path.join(cacheDir, `kafka-${version}`, 'libs');
  if (existsSync(libs)) return { libs, downloaded: false };
  mkdirSync(path.dirname(libs), { recursive: true });
  await mavenCopy(
    'kafka',
    libs,
    { 'kafka.version': version },
    path.join(cacheDir, `kafka-${version}`, 'mvn.log'),
  );
  return { libs, downloaded: true };
}

/** Apicurio Registry's Quarkus app in the cache: downloaded tar.gz, extracted. */
export async function ensureApicurio(
  cacheDir: string,
  version: string,
): Promise<{ app: string; downloaded: boolean }> {
  const base = path.join(cacheDir, `apicurio-${version}`);
  const app = path.join(base, 'app');
  if (existsSync(path.join(app, 'quarkus-run.jar'))) return { app, downloaded: false };
  mkdirSync(base, { recursive: true });
  const archives = path.join(base, 'archive');
  if (!existsSync(archives)) {
    await mavenCopy('registry', archives, { 'apicurio.version': version }, path.join(base, 'mvn.log'));
  }
  const tarball = readdirSync(archives).find((f) => f.endsWith('.tar.gz'));
  if (!tarball) throw new Error(`no tar.gz in ${archives}`);
  const partial = `${app}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  await run('tar', ['-xzf', path.join(archives, tarball), '-C', partial]);
  renameSync(partial, app);
  // The archive stays in Maven's own cache; no need for a second copy.
  rmSync(archives, { recursive: true, force: true });
  return { app, downloaded: true };
}
