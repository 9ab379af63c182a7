/**
 * The V8 flags tallyline's processes run with: the launcher's shebang (bin/tallyline.js) and
 * `npm run tallyline` pass the same, and so does a benchmark that starts a tallyline process.
 * A larger young generation: see the launcher.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
