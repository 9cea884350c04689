// A lab of its own for one benchmark run: built, its controller connected to
// every agent with telemetry flowing, and always removed afterwards (also on
// Ctrl-C), so a run starts from a known state and leaves nothing behind.
import { ControllerClient } from '../controller/client.js';
import { labDown, labUp, nsName, type LabState } from '../hostsetup/lab/lab.js';
import { loadTopology } from '../topology/load.js';
import type { Topology } from '../topology/model.js';

export interface BenchLabOptions {
  topology?: string;
  /** controller flags (the lab starts it on the agents' sockets); false: no controller */
  controller?: false | string[];
  /** telemetry interval the controller starts with */
  intervalMs?: number;
  log?: (line: string) => void;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let sequence = 0;

export class BenchLab {
  private constructor(readonly name: string, readonly topology: Topology, readonly state: LabState, readonly controller?: ControllerClient) {}

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
      state = await labUp(t, { name, controller: controllerArgs && { args: controllerArgs, metrics: 'off' }, agentLogLevel: 'warn' });
    } catch (e) {
      process.off('SIGINT', cleanup);
      process.off('SIGTERM', cleanup);
      throw e;
    }
    const lab = new BenchLab(name, t, state, state.controller && new ControllerClient(`unix:${state.controller.socket}`));
    lab.cleanup = cleanup;
    try {
      if (lab.controller) await lab.waitConnected(interval);
    } catch (e) {
      await lab.down();
      throw e;
    }
    return lab;
  }

  private cleanup?: () => void;

  /** every agent connected and its telemetry fresh */
  async waitConnected(intervalMs: number, timeoutMs = 20_000): Promise<void> {
    const c = this.controller!;
    await c.waitForReady(timeoutMs);
    for (const deadline = Date.now() + timeoutMs; ;) {
      const { routers } = await c.call<{ routers: { name: string; state: string; telemetry_age_ms: string }[] }>('ListRouters', {});
      const fresh = (r: (typeof routers)[number]) => r.state === 'connected' && Number(r.telemetry_age_ms) >= 0 && Number(r.telemetry_age_ms) < Math.max(5 * intervalMs, 500);
      if (routers.every(fresh)) return;
      if (Date.now() > deadline) throw new Error(`controller not connected to every agent: ${routers.filter((r) => !fresh(r)).map((r) => `${r.name} ${r.state}`).join(', ')}`);
      await sleep(100);
    }
  }

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
