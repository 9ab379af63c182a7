import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: two levels above this file (core/paths/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
