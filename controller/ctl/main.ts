#!/usr/bin/env node
// srv6ctl: the operator's CLI on the controller API (proto/srv6/controller/v1/controller.proto).
// One module per group of commands (commands/); this one has the global
// options, the bench command (which runs srv6-bench) and the exit status.
import { Command, type CommanderError } from 'commander';
import { spawn } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CtlError, defaultController, EXIT_FAILURE, EXIT_USAGE } from './api.js';
import { uint } from './commands/common.js';
import { addLiveCommands } from './commands/live.js';
import { addNetworkCommands } from './commands/network.js';
import { addPolicyCommands } from './commands/policy.js';

const BENCH_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'main.js');

const program = new Command()
  .name('srv6ctl')
  .description('Operate the SRv6 controller: routers, topology, flows, candidate paths and their probes, pins, backups, the policy, switches, the live dashboard')
  .option('-c, --controller <address>', 'controller API: host:port, [v6]:port or unix:/path (env SRV6_CONTROLLER)', defaultController())
  .option('--json', 'machine-readable output: the API\'s messages, field names as in the proto')
  .option('--timeout <ms>', 'deadline of each call', uint(1), 5000)
  .option('--no-color', 'no colours (also NO_COLOR=1; never when the output is not a terminal)')
  .option('--tls-cert <file>', 'mutual TLS: the operator\'s client certificate (env SRV6_TLS_CERT)', process.env.SRV6_TLS_CERT)
  .option('--tls-key <file>', 'its private key (env SRV6_TLS_KEY)', process.env.SRV6_TLS_KEY)
  .option('--tls-ca <file>', 'the CA the controller\'s certificate must be signed by (env SRV6_TLS_CA)', process.env.SRV6_TLS_CA)
  .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
  .showHelpAfterError('(srv6ctl --help shows the commands and examples)')
  .exitOverride((e: CommanderError) => process.exit(e.exitCode === 0 ? 0 : EXIT_USAGE))
  .addHelpText('after', `
Exit status: 0 ok, 1 failure (e.g. the controller is unreachable), 2 usage error
(including input the controller refuses as INVALID_ARGUMENT).

Examples:
  srv6ctl routers                                 # are all agents connected, is telemetry flowing?
  srv6ctl flows                                   # every class per direction: path, rate, mode
  srv6ctl paths --class low --direction forward   # candidate paths with their probes, * current, b backup
  srv6ctl pin low forward r1,r3,r5,r6             # pin a path (mode becomes static), with its timing
  srv6ctl backup high forward r1,r3,r5,r6         # the path its ingress fails over to (fast reroute)
  srv6ctl policy set --class low --mode least-utilized --threshold 0.5
  srv6ctl switches --follow                       # every switch as it happens
  srv6ctl watch                                   # the live dashboard (q or Ctrl-C quits)
  srv6ctl snapshot                                # the network now as a picture (SVG + PNG)
  srv6ctl bench switch                            # a benchmark on a lab of its own (bench/README.md)
  srv6ctl --controller [::1]:50052 --json flows   # another controller, JSON output
  SRV6_CONTROLLER=unix:/run/srv6-lab/mylab/controller.sock srv6ctl routers`);

addNetworkCommands(program);
addPolicyCommands(program);
addLiveCommands(program);

// ---------- bench ----------

program.command('bench')
  .description('run a benchmark on a lab of its own (root): `srv6ctl bench list` names them, `srv6ctl bench --help` tells how')
  .argument('[args...]', 'the benchmark and its options, as srv6-bench takes them')
  .helpOption(false)
  .allowUnknownOption()
  .action(async (args: string[]) => {
    // the benchmarks are their own program (srv6-bench): the operator CLI runs it, it does not import it
    const child = spawn(process.execPath, [BENCH_MAIN, ...(args.length ? args : ['--help'])], { stdio: 'inherit', env: { ...process.env, SRV6_BENCH_PROGRAM: 'srv6ctl bench' } });
    const code = await new Promise<number>((done) => child.once('exit', (c, signal) => done(c ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1))));
    if (code) throw new CtlError('the benchmark failed', code);
  });

// ---------- run ----------

process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : EXIT_FAILURE));

try {
  await program.parseAsync();
  process.exit(0);
} catch (e) {
  const code = e instanceof CtlError ? e.exitCode : EXIT_FAILURE;
  process.stderr.write(`srv6ctl: ${e instanceof CtlError ? e.message : (e as Error).stack ?? e}\n`);
  process.exit(code);
}
