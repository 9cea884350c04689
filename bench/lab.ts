// A lab of its own for one benchmark run: built, its controller connected to
// every agent with telemetry flowing, and always removed afterwards (also on
// Ctrl-C), so a run starts from a known state and leaves nothing behind.
import { ControllerClient } from '../controller/client.js';
import { labDown, labUp, nsName, type LabState } from '../hostsetup/lab/lab.js';
import { loadTopology } from '../topology/load.js';
import { candidatePaths, catchAllClass } from '../topology/derive.js';
import type { Direction, FlowClass, Topology } from '../topology/model.js';

export interface BenchLabOptions {
  topology?: string;
  /** controller flags (the lab starts it on the agents' sockets); false: no controller */
  controller?: false | string[];
  /** telemetry interval the controller starts with */
  intervalMs?: number;
  /** several controllers electing a leader through the lab's etcd (1) */
  controllers?: number;
  /** the agents' event loops at this SCHED_FIFO priority (0 or absent: normal threads) */
  realtime?: number;
  log?: (line: string) => void;
}

let sequence = 0;

export class BenchLab {
  private constructor(readonly name: string, readonly topology: Topology, readonly state: LabState, readonly controller?: ControllerClient) {}

  /** the UPF's or the server's address, without the prefix length */
  address(role: 'upf' | 'server'): string {
    return this.topology.externals[role].node.address.split('/')[0];
  }

  /** the class unlabelled traffic falls into */
  catchAllClass(): FlowClass {
    const c = catchAllClass(this.topology);
    if (!c) throw new Error(`topology ${this.topology.name}: no class with an empty classifier, so unlabelled traffic has no class to switch`);
    return c;
  }

  /** two different paths of a direction to switch between (its two shortest) */
  twoPaths(dir: Direction): [string[], string[]] {
    const [a, b] = candidatePaths(this.topology, dir, 2);
    if (!b) throw new Error(`topology ${this.topology.name}: only one path ${dir}, nothing to switch between`);
    return [a, b];
  }

  /** namespace of a node: 'upf', 'server', 'host' or a router name */
  ns(node: string): string {
    return nsName(this.name, node);
  }

  static async up(opts: BenchLabOptions = {}): Promise<BenchLab> {
    if (process.getuid?.() !== 0) throw new Error('benchmarks build a lab of network namespaces: run them as root');
    const t = loadTopology(opts.topology ?? 'reference');
    const name = `b${process.pid % 100000}${String.fromCharCode(97 + (sequence++ % 26))}`;
    const interval = opts.intervalMs ?? 100;
    const controllerArgs = opts.controller === false ? false as const : ['--interval', String(interval), ...(opts.controller ?? [])];
    const log = opts.log ?? (() => undefined);
    log(`lab ${name}: building (${t.name})`);
    const cleanup = () => { void labDown(name).finally(() => process.exit(130)); };
    process.once('SIGINT', cleanup);
    process.once('SIGTERM', cleanup);
    let state: LabState;
    try {
      state = await labUp(t, { name, controller: controllerArgs && { args: controllerArgs, metrics: 'off', count: opts.controllers }, agentLogLevel: 'warn', realtime: opts.realtime });
    } catch (e) {
      process.off('SIGINT', cleanup);
      process.off('SIGTERM', cleanup);
      throw e;
    }
    const lab = new BenchLab(name, t, state, state.controller && new ControllerClient(`unix:${state.controller.socket}`));
    lab.cleanup = cleanup;
    try {
      if (lab.controller) {
        await lab.controller.waitForReady(20_000);
        await lab.controller.waitStreaming(Math.max(5 * interval, 500), 20_000);
      }
    } catch (e) {
      await lab.down();
      throw e;
    }
    return lab;
  }

  private cleanup?: () => void;

  async down(): Promise<void> {
    this.controller?.close();
    await labDown(this.name);
    if (this.cleanup) {
      process.off('SIGINT', this.cleanup);
      process.off('SIGTERM', this.cleanup);
    }
  }

  /** Runs fn on a fresh lab and removes the lab afterwards, whatever happens. */
  static async with<T>(opts: BenchLabOptions, fn: (lab: BenchLab) => Promise<T>): Promise<T> {
    const lab = await BenchLab.up(opts);
    try {
      return await fn(lab);
    } finally {
      await lab.down();
    }
  }
}
