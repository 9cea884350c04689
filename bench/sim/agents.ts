// Simulated agents for the controller scale benchmark: the RouterAgent API on
// a unix socket per router, all in one process, streaming telemetry whose
// counters grow at a steady rate per interface (no kernel behind them). What
// is measured is the real controller consuming it; these only feed it.
import * as grpc from '@grpc/grpc-js';
import { join } from 'node:path';
import { loadPackage, AGENT_PROTO } from '../../proto/load.js';
import { decapSid, endpoints } from '../../topology/derive.js';
import type { Topology } from '../../topology/model.js';

interface SimInterface { name: string; bytesPerS: number }

export interface SimAgents {
  /** telemetry samples written so far */
  samples(): number;
  close(): Promise<void>;
}

export async function startSimAgents(t: Topology, dir: string, loadOf: (router: string, ifname: string) => number): Promise<SimAgents> {
  const service = (grpc.loadPackageDefinition(loadPackage(AGENT_PROTO)) as any).srv6.agent.v1.RouterAgent.service as grpc.ServiceDefinition;
  const started = Date.now();
  let samples = 0;
  const servers: grpc.Server[] = [];
  const timers = new Set<NodeJS.Timeout>();
  for (const r of t.routers) {
    const ifaces: SimInterface[] = t.links.flatMap((l) => [l.a, l.b].filter((e) => e.router === r.name)
      .map((e) => ({ name: e.interface, bytesPerS: (loadOf(r.name, e.interface) * l.capacityMbps * 1e6) / 8 })));
    const sids = t.classes.flatMap((c) => (['forward', 'reverse'] as const)
      .filter((d) => c.directions.includes(d) && endpoints(t, d).egress === r.name).map((d) => decapSid(t, c, d)));
    const ok = { results: [], kernel_ns: '1000', total_ns: '1000' };
    const acked = () => ({ ...ok, acked_mono_ns: String(process.hrtime.bigint()) });
    const server = new grpc.Server({ 'grpc.enable_channelz': 0 });
    server.addService(service, {
      GetInfo: (_c: unknown, cb: grpc.sendUnaryData<object>) => cb(null, { name: r.name, agent_version: 'sim', interfaces: [], protocol: 83, started_unix_ms: String(started) }),
      ListState: (_c: unknown, cb: grpc.sendUnaryData<object>) => cb(null, { routes: [], sids: [], rules: [] }),
      Sync: (_c: unknown, cb: grpc.sendUnaryData<object>) => cb(null, { added: [], changed: [], removed: [], unchanged: 0, apply: acked() }),
      Apply: (_c: unknown, cb: grpc.sendUnaryData<object>) => cb(null, acked()),
      SetPath: (_c: unknown, cb: grpc.sendUnaryData<object>) => cb(null, acked()),
      SetPaths: (call: grpc.ServerDuplexStream<{ id: string }, object>) => {
        call.on('data', (m) => call.write({ id: m.id, result: acked(), code: 0 }));
        call.on('end', () => call.end());
        call.on('error', () => undefined);
      },
      WatchEvents: (call: grpc.ServerWritableStream<object, object>) => call.on('error', () => undefined),
      StreamTelemetry: (call: grpc.ServerWritableStream<{ interval_ms: number }, object>) => {
        const interval = call.request.interval_ms || 1000;
        let seq = 0;
        const tick = () => {
          const now = Date.now();
          const secs = (now - started) / 1000;
          const counters = (bytesPerS: number) => ({ bytes: String(Math.round(bytesPerS * secs)), packets: String(Math.round((bytesPerS * secs) / 1200)) });
          call.write({
            router: r.name, seq: String(++seq), mono_ns: String(process.hrtime.bigint()), wall_ms: String(now),
            interfaces: ifaces.map((i) => {
              const tx = counters(i.bytesPerS);
              return { name: i.name, oper_state: 'up', tx_bytes: tx.bytes, tx_packets: tx.packets, rx_bytes: tx.bytes, rx_packets: tx.packets, rx_errors: '0', tx_errors: '0', rx_dropped: '0', tx_dropped: '0' };
            }),
            sids: sids.map((sid) => ({ sid, action: 'End.DT6', counters: { ...counters(1e6), errors: '0' } })),
          });
          samples++;
        };
        // on wall-clock ticks, like the real agents
        let timer: NodeJS.Timeout;
        const schedule = () => {
          timers.delete(timer);
          timer = setTimeout(() => { tick(); schedule(); }, interval - (Date.now() % interval));
          timers.add(timer);
        };
        schedule();
        const stop = () => { clearTimeout(timer); timers.delete(timer); };
        call.on('cancelled', stop);
        call.on('error', stop);
      },
    });
    await new Promise<void>((resolve, reject) => server.bindAsync(`unix:${join(dir, `${r.name}.sock`)}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
    servers.push(server);
  }
  return {
    samples: () => samples,
    async close() {
      for (const t of timers) clearTimeout(t);
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.tryShutdown(() => resolve()))));
      for (const s of servers) s.forceShutdown();
    },
  };
}
