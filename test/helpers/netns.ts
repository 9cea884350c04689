// Privileged-test fixtures: every test gets its own uniquely named network
// namespace (hostsetup/scratch.ts) and loses it in cleanup, even when the test
// (or the process) fails.
export { run, ScratchNetns as TestNetns, veth } from '../../hostsetup/scratch.js';

/** Skips outside CI when not root; under CI=true a missing privilege is a failure, never a silent pass. */
export function requireRoot(ctx: Mocha.Context): void {
  if (process.getuid?.() === 0) return;
  if (process.env.CI === 'true') throw new Error('privileged test: must run as root under CI=true');
  ctx.skip();
}
