// `npm start`'s demo traffic: load that makes the controller switch, in both directions.
//   forward: class high steady at 60 Mbit/s; class low at 70 Mbit/s, 6 s on and 6 s off
//   reverse: class medium steady at 40 Mbit/s
// On the reference network high and low start on paths sharing r1->r2 (100 Mbit/s):
// whenever low is on, the link is over capacity and the controller moves a class off it.
import type { Topology } from '../../topology/model.js';
import { nsName } from './state.js';
import { receiveTraffic, sendTraffic } from './traffic.js';

const PORT = 7900;
const SIZE = 1200;
const pps = (mbps: number) => Math.round((mbps * 1e6) / 8 / SIZE);

export function startDemoTraffic(lab: string, t: Topology): { stop(): void } {
  let stopped = false;
  const label = (name: string) => t.classes.find((c) => c.name === name)?.classifier.flowlabel;
  const server = t.externals.server.node.address.split('/')[0];
  const upf = t.externals.upf.node.address.split('/')[0];
  const sinks = [
    receiveTraffic({ netns: nsName(lab, 'server'), port: PORT, durationMs: 24 * 3600 * 1000 }),
    receiveTraffic({ netns: nsName(lab, 'upf'), port: PORT, durationMs: 24 * 3600 * 1000 }),
  ];
  const loop = async (from: string, dst: string, mbps: number, flowlabel: number | undefined, onMs: number, offMs: number) => {
    while (!stopped) {
      await sendTraffic({ netns: nsName(lab, from), dst, port: PORT, pps: pps(mbps), size: SIZE, durationMs: onMs, flowlabel }).catch(() => undefined);
      if (offMs) await new Promise((r) => setTimeout(r, offMs));
    }
  };
  void loop('upf', server, 60, label('high'), 1000, 0);
  void loop('upf', server, 70, label('low') ?? 0, 6000, 6000);
  void loop('server', upf, 40, label('medium'), 1000, 0);
  return {
    stop() {
      stopped = true;
      for (const s of sinks) s.stop();
    },
  };
}
