// Privileged-test fixtures: every test gets its own uniquely named network
// namespace (hostsetup/scratch.ts) and loses it in cleanup, even when the test
// (or the process) fails.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { UNDER_EMULATION } from '../../hostsetup/scratch.js';

export { deadline, run, ScratchNetns as TestNetns, veth } from '../../hostsetup/scratch.js';

/** Skips outside CI when not root; under CI=true a missing privilege is a failure, never a silent pass. */
export function requireRoot(ctx: Mocha.Context): void {
  if (process.getuid?.() === 0) return;
  if (process.env.CI === 'true') throw new Error('privileged test: must run as root under CI=true');
  ctx.skip();
}

const KERNEL_SRV6 = fileURLToPath(new URL('../../../hostsetup/vm/kernel-srv6.sh', import.meta.url)); // from dist/test/helpers
let srv6Refused: string | undefined;
let skipSaid = false;

/**
 * Why this kernel refuses seg6 routes ('' when it installs them), asked once of iproute2
 * (hostsetup/vm/kernel-srv6.sh), not of our own netlink code, which these tests check.
 */
export function srv6RoutesRefused(): string {
  if (srv6Refused !== undefined) return srv6Refused;
  const r = spawnSync('bash', [KERNEL_SRV6], { encoding: 'utf8' });
  if (r.status === 2) throw new Error(`cannot tell whether this kernel does SRv6: ${r.stderr.trim()}`);
  srv6Refused = r.status === 0 ? '' : r.stderr.trim().replace(/^kernel-srv6: /, '').replace(/\.$/, '');
  return srv6Refused;
}

/**
 * Skips a test (in a before hook: its suite) that needs seg6 routes, on a kernel built without
 * CONFIG_IPV6_SEG6_LWTUNNEL: no test run can change the kernel, CI=true or not. There npm test runs
 * the kernel-level ones again in a guest on a kernel that has it (test/run.ts) and counts what
 * ran nowhere as skipped.
 */
export function requireSrv6Routes(ctx: Mocha.Context): void {
  requireRoot(ctx);
  const why = srv6RoutesRefused();
  if (!why) return;
  if (!skipSaid) process.stderr.write(`skipping the tests that need seg6 routes: ${why}\n`);
  skipSaid = true;
  ctx.skip();
}

/** Skips a timing bound in a guest under qemu's emulation: there the bound would measure the emulator. */
export function requireNativeSpeed(ctx: Mocha.Context): void {
  if (UNDER_EMULATION) ctx.skip();
}
