#!/usr/bin/env node
// srv6-lab: the whole reference network in network namespaces on this machine.
import { Command } from 'commander';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTopology, TopologyError } from '../../topology/load.js';
import { realtimePriority, REALTIME_PRIORITY_MAX, SWITCH_BENCH_REALTIME } from '../../agent/realtime.js';
import { AGENT_ENV, AGENT_NODE_FLAGS } from '../../agent/runtime.js';
import { composeFile } from '../../topology/compose.js';
import { startDemoTraffic } from './demo.js';
import { alive, DEFAULT_LAB, describeLab, freeLoopbackPort, labDown, labStatus, labUp, measureNdLearning, nsName, readLabState, restartAgent, webUrl } from './lab.js';

const CTL_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'controller', 'ctl', 'main.js');

function requireRoot(): void {
  if (process.geteuid?.() !== 0) {
    console.error('srv6-lab: must run as root (it creates network namespaces)');
    process.exit(2);
  }
}

function fail(e: unknown): never {
  if (e instanceof TopologyError) console.error(`srv6-lab: the topology has problems, nothing was created:\n${e.problems.map((p) => `  ${p}`).join('\n')}`);
  else console.error(`srv6-lab: ${(e as Error).message}`);
  process.exit(2);
}

const program = new Command()
  .name('srv6-lab')
  .description('Build the SRv6 network of a topology file in network namespaces (no Docker, no spare NICs), with one agent per router')
  .addHelpText('after', `
Examples:
  srv6-lab up                          # the reference network (6 routers)
  srv6-lab up grid4x4 --name grid      # the 16-router grid, next to it
  srv6-lab exec upf -- ping -6 -c 3 fd03:1::200
  srv6-lab status
  srv6-lab down`);

program.command('up')
  .description('build the lab and provision the initial SRv6 state through the agents')
  .argument('[topology]', 'topology file or bundled name (reference, grid4x4)', 'reference')
  .option('-n, --name <lab>', 'lab name: prefixes every namespace', DEFAULT_LAB)
  .option('--upf-nic <name>', 'name of the emulated NIC toward the UPF (overrides the topology)')
  .option('--server-nic <name>', 'name of the emulated NIC toward the server (overrides the topology)')
  .option('--foreground', 'stay in the foreground; Ctrl-C tears the lab down')
  .option('--demo', 'with --foreground: run demo traffic that makes the controller switch, and show `srv6ctl watch`')
  .option('--agent-log-level <level>', 'log level of the agents', 'info')
  .option('--realtime <priority>', `the agents' event loops at this SCHED_FIFO priority, 1..${REALTIME_PRIORITY_MAX}: a switch's request runs as soon as it arrives, ahead of other processes' threads (bench/README.md, switch; the switch benchmark runs its lab with ${SWITCH_BENCH_REALTIME}); 0: normal threads`, '0')
  .option('--no-controller', 'do not start a controller (start your own on the agents\' sockets)')
  .option('--controllers <n>', 'start n controllers that elect a leader through an etcd of the lab\'s own (srv6ctl cluster shows them)', '1')
  .option('--interval <ms>', 'controller telemetry interval', '100')
  .option('--mode <mode>', 'controller policy for every flow (static, least-utilized, lowest-delay, weighted-multipath, tiered)', 'least-utilized')
  .option('--metrics <host:port>', 'controller Prometheus endpoint ("off" to disable; default 127.0.0.1:9464 for the default lab, off for the others)')
  .option('--http <host:port>', 'controller web view ("off" to disable; default 127.0.0.1:8080 for the default lab, or the next free port, off for the others)')
  .action(async (topology: string, o: { name: string; upfNic?: string; serverNic?: string; foreground?: boolean; demo?: boolean; agentLogLevel: string; controller: boolean; interval: string; mode: string; metrics?: string; http?: string; controllers: string; realtime: string }) => {
    requireRoot();
    const count = Number(o.controllers);
    if (!Number.isInteger(count) || count < 1 || count > 9) fail(new Error(`--controllers ${o.controllers}: expected an integer 1..9`));
    let t;
    try {
      t = loadTopology(topology, { upfNic: o.upfNic, serverNic: o.serverNic });
    } catch (e) {
      fail(e);
    }
    let realtime = 0;
    try {
      realtime = realtimePriority(o.realtime);
    } catch (e) {
      fail(e);
    }
    const started = Date.now();
    let state;
    try {
      const http = o.http ?? (o.name === DEFAULT_LAB && o.controller ? `127.0.0.1:${await freeLoopbackPort(8080)}` : 'off');
      state = await labUp(t, {
        name: o.name, log: (l) => console.log(`  ${l}`), agentLogLevel: o.agentLogLevel, realtime,
        controller: o.controller && { args: ['--interval', o.interval, '--mode', o.mode], metrics: o.metrics ?? (o.name === DEFAULT_LAB ? '127.0.0.1:9464' : 'off'), http, count },
      });
    } catch (e) {
      fail(e);
    }
    console.log(`\n${describeLab(t, state)}\n\n(up in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (!o.foreground) return;
    console.log('\nCtrl-C tears the lab down.');
    const keepAlive = setInterval(() => undefined, 1 << 30); // a signal listener alone does not keep Node running
    let demo: { stop(): void } | undefined;
    let watch: ChildProcess | undefined;
    if (o.demo && state.controller) {
      console.log('demo traffic: high 60 Mbit/s and low 70 Mbit/s (6 s on, 6 s off) forward, medium 40 Mbit/s reverse');
      demo = startDemoTraffic(o.name, t);
      const web = webUrl(state.controller);
      if (web) console.log(`web view: ${web}  (open it in a browser; the dashboard shows it too)`);
      await new Promise((r) => setTimeout(r, 3000));
      watch = spawn(process.execPath, [CTL_MAIN, '--controller', `unix:${state.controller.socket}`, 'watch', ...(web ? ['--web-url', web] : [])], { stdio: 'inherit' });
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      watch?.once('exit', () => resolve());
    });
    clearInterval(keepAlive);
    watch?.kill('SIGTERM');
    demo?.stop();
    console.log('\ntearing down...');
    for (const r of await labDown(o.name)) console.log(`  removed ${r}`);
  });

program.command('down')
  .description('remove the lab: its processes, namespaces and interfaces (also what a crashed run left)')
  .option('-n, --name <lab>', 'lab name', DEFAULT_LAB)
  .action(async (o: { name: string }) => {
    requireRoot();
    try {
      const removed = await labDown(o.name);
      console.log(removed.length ? removed.map((r) => `  removed ${r}`).join('\n') : `nothing to remove: no lab ${o.name}`);
    } catch (e) {
      fail(e);
    }
  });

program.command('status')
  .description('namespaces, interfaces and agents of the lab')
  .option('-n, --name <lab>', 'lab name', DEFAULT_LAB)
  .option('--json', 'machine-readable output')
  .action(async (o: { name: string; json?: boolean }) => {
    const { state, nodes, controller } = await labStatus(o.name);
    if (o.json) return void console.log(JSON.stringify({ state, nodes, controller }, null, 2));
    if (!state) {
      console.log(`no lab ${o.name} (srv6-lab up --name ${o.name} builds one)`);
      process.exitCode = 1;
      return;
    }
    let bad = 0;
    console.log(`lab ${state.name}: topology ${state.topologyFile}, up since ${state.startedAt}`);
    for (const n of nodes) {
      const links = (n.links ?? []).map((l) => `${l.name}:${l.state}`).join(' ');
      const agent = n.agent ? (n.agent.serving ? `agent pid ${n.agent.pid} serving` : `agent pid ${n.agent.pid} ${n.agent.alive ? 'NOT SERVING' : 'DEAD'}`) : '';
      if (!n.present || (n.agent && !n.agent.serving)) bad++;
      console.log(`  ${n.node.padEnd(8)} ${n.present ? '' : 'MISSING '}${agent}${agent ? '  ' : ''}${links}`);
    }
    if (controller) {
      if (!controller.serving) bad++;
      const web = webUrl(state.controller);
      console.log(`  controller pid ${controller.pid} ${controller.serving ? 'serving' : controller.alive ? 'NOT SERVING' : 'DEAD'}  unix:${controller.socket}${web ? `  web view ${web}` : ''}`);
    }
    for (const c of state.controllers ?? []) console.log(`  controller pid ${c.pid} ${alive(c.pid) ? 'alive' : 'DEAD'}  unix:${c.socket}`);
    if (state.etcd) console.log(`  etcd pid ${state.etcd.pid} ${alive(state.etcd.pid) ? 'alive' : 'DEAD'}  ${state.etcd.endpoint}  (srv6ctl cluster: who leads)`);
    process.exitCode = bad ? 1 : 0;
  });

program.command('nd')
  .description('measure how long the external node takes to learn its router\'s fixed MAC by neighbour discovery')
  .argument('[node]', 'upf or server', 'upf')
  .option('-n, --name <lab>', 'lab name', DEFAULT_LAB)
  .option('--json', 'machine-readable output')
  .action((node: string, o: { name: string; json?: boolean }) => {
    requireRoot();
    const state = readLabState(o.name);
    if (!state) fail(new Error(`no lab ${o.name}`));
    if (node !== 'upf' && node !== 'server') fail(new Error(`node: ${JSON.stringify(node)} is not valid: expected upf or server`));
    const m = measureNdLearning(o.name, loadTopology(state.topologyFile), node);
    if (o.json) return void console.log(JSON.stringify(m, null, 2));
    const ok = m.learnedMac === m.expectedMac;
    console.log(`${m.node} learned ${m.router} ${m.address} at ${m.learnedMac ?? '(nothing)'} (${ok ? 'the fixed MAC' : `expected ${m.expectedMac}`}); ND took ~${m.ndMs.toFixed(3)} ms (RTTs ${m.rttsMs.join(', ')} ms)`);
    process.exitCode = ok ? 0 : 1;
  });

program.command('compose')
  .description('print the docker-compose.yml of a topology (the file must be in topology/ to be in the image)')
  .argument('[topology]', 'topology file or bundled name (reference, grid4x4)', 'reference')
  .option('--controllers <n>', 'n controllers and an etcd service that elects their leader (what srv6-deploy up --controllers n runs)', '1')
  .action((topology: string, o: { controllers: string }) => {
    try {
      const t = loadTopology(topology);
      process.stdout.write(composeFile(t, { topologyInImage: `topology/${basename(t.file)}`, agentNodeFlags: AGENT_NODE_FLAGS, agentEnv: AGENT_ENV, controllers: Number(o.controllers) }));
    } catch (e) {
      fail(e);
    }
  });

program.command('restart-agent')
  .description('kill a router\'s agent (SIGKILL, like a crash; --graceful: SIGTERM) and start a new one; the router keeps forwarding')
  .argument('<router>', 'router name')
  .option('-n, --name <lab>', 'lab name', DEFAULT_LAB)
  .option('--graceful', 'SIGTERM instead of SIGKILL')
  .action(async (router: string, o: { name: string; graceful?: boolean }) => {
    requireRoot();
    try {
      const r = await restartAgent(o.name, router, { kill: !o.graceful });
      console.log(`agent ${router}: pid ${r.oldPid} -> ${r.pid}`);
    } catch (e) {
      fail(e);
    }
  });

program.command('exec')
  .description('run a command in a node\'s namespace (host, upf, server, r1, ...)')
  .argument('<node>', 'node name')
  .argument('<command...>', 'the command (after --)')
  .option('-n, --name <lab>', 'lab name', DEFAULT_LAB)
  .action((node: string, command: string[], o: { name: string }) => {
    requireRoot();
    const state = readLabState(o.name);
    const namespace = nsName(o.name, node);
    if (!state?.namespaces.includes(namespace)) {
      const known = state?.namespaces.map((n) => n.slice(o.name.length + 1)).join(', ');
      fail(new Error(state ? `no node ${node} in lab ${o.name} (nodes: ${known})` : `no lab ${o.name}`));
    }
    const r = spawnSync('ip', ['netns', 'exec', namespace, ...command], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  });

program.parseAsync().catch(fail);
