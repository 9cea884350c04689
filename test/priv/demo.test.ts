// `npm start`'s demo, as a user runs it (the lab's own controller, its
// defaults, the demo's traffic) for 60 s: a class that carries nothing in a
// direction is never moved for congestion, and no class oscillates. The load
// each class carries is the demo senders' own schedule, not the controller's
// measurement.
import { expect } from 'chai';
import { startDemoTraffic } from '../../hostsetup/lab/demo.js';
import { ControllerClient } from '../../controller/client.js';
import type { SwitchEvent } from '../../controller/ctl/types.js';
import { loadTopology } from '../../topology/load.js';
import { labDown, labOk, sleep } from '../helpers/controller.js';
import { requireSrv6Routes } from '../helpers/netns.js';

const SECONDS = 60;
/** what the demo sends: class/direction -> Mbit/s (the others carry nothing) */
const DEMO_LOAD: Record<string, number> = { 'high/forward': 60, 'low/forward': 70, 'medium/reverse': 40 };

describe('the reference demo (privileged)', function () {
  this.timeout((SECONDS + 90) * 1000);
  const lab = `d${process.pid % 100000}`;
  let client: ControllerClient | undefined;
  let demo: { stop(): void } | undefined;

  before(function () {
    requireSrv6Routes(this);
    labOk('up', 'reference', '--name', lab);
  });

  after(() => {
    demo?.stop();
    client?.close();
    labDown(lab);
  });

  it(`moves no class under its rate floor and makes no oscillation in ${SECONDS} s`, async () => {
    const t = loadTopology('reference');
    client = new ControllerClient(`unix:/run/srv6-lab/${lab}/controller.sock`);
    await client.waitForReady(15_000);
    await client.waitStreaming(500, 15_000);
    const watch = await client.collectSwitches();
    demo = startDemoTraffic(lab, t);
    await sleep(SECONDS * 1000);
    demo.stop();
    watch.stop();
    const events = watch.events as SwitchEvent[];
    const idle = events.filter((e) => !DEMO_LOAD[`${e.class}/${e.direction}`] && e.trigger === 'congestion');
    const lines = events.map((e) => `${e.class} ${e.direction} ${e.trigger}: ${e.from_path.join('-')} -> ${e.to_path.join('-')} (${e.reason})`);
    console.log(`      ${events.length} switches in ${SECONDS} s:\n${lines.map((l) => `        ${l}`).join('\n')}`);
    expect(idle.map((e) => `${e.class} ${e.direction}`), lines.join('\n')).to.deep.equal([]);
    expect(events.filter((e) => e.oscillation).length, lines.join('\n')).to.equal(0);
    expect(events.every((e) => e.ok), lines.join('\n')).to.equal(true);
    // the demo's load does congest r1->r2 at first: the controller does act on the classes that carry it
    expect(events.filter((e) => e.trigger === 'congestion').length, lines.join('\n')).to.be.at.least(1);
  });
});
