// The policy's view of load that is on its way: a switch counts where it went
// until the meter shows it, so flows leaving one hot link do not pile up.
import { expect } from 'chai';
import { Meter } from '../../controller/meter.js';
import { MOVING_INTERVALS, PolicyEngine, type Flow } from '../../controller/policy.js';
import { loadTopology } from '../../topology/load.js';

const t = loadTopology('reference');
const INTERVAL = 100;

function setup() {
  const meter = new Meter(t, 0.6, () => 0.7);
  const engine = new PolicyEngine(t, meter, () => INTERVAL);
  const flow = (cls: string, path: string[], mbps: number): Flow => {
    meter.classRates.set(`${cls}/forward`, { bps: mbps * 1e6, rawBps: mbps * 1e6, pps: 0, sinceNs: 0n, sinceWallMs: 0, wallMs: 0 });
    return {
      cls: t.classes.find((c) => c.name === cls)!, dir: 'forward', ingress: 'r1', egress: 'r6', path,
      policy: { mode: 'least-utilized', threshold: 0.7, hysteresis: 0.1, holdDownMs: 1000 }, lastSwitchMonoNs: 0n, lastSwitchUnixMs: 0, switches: 0, elephantUntilMs: 0,
    };
  };
  const load = (a: string, b: string, mbps: number) => (meter.direction(a, b).utilization = (mbps * 1e6) / meter.direction(a, b).capacityBps);
  return { engine, flow, load };
}

describe('policy: switches on their way', () => {
  const viaR3 = ['r1', 'r3', 'r5', 'r6'];
  const viaR2R4 = ['r1', 'r2', 'r4', 'r6'];

  it('counts a moved flow on its new path and off its old one for the next decisions', () => {
    const { engine, flow, load } = setup();
    // low and high share r1-r2-r4-r6
    const low = flow('low', viaR2R4, 40);
    const high = flow('high', viaR2R4, 40);
    load('r1', 'r2', 80); load('r2', 'r4', 80); load('r4', 'r6', 80);
    const now = Date.now();
    // high could go via r3: empty there, so 40%
    expect(engine.cost(high, viaR3)).to.be.closeTo(0.4, 1e-9);
    expect(engine.cost(high, viaR2R4)).to.be.closeTo(0.8, 1e-9);
    engine.noteSwitch(low, viaR3, now);
    // low is on its way to r1-r3: that path now has 40 Mbit/s of others, and r1->r2 40 less
    expect(engine.cost(high, viaR3)).to.be.closeTo(0.8, 1e-9);
    expect(engine.cost(high, viaR2R4)).to.be.closeTo(0.4, 1e-9);
    // the moved flow itself sees its own move as nothing (its own load is already counted once)
    expect(engine.cost(low, viaR3)).to.be.closeTo(0.4, 1e-9);
  });

  it(`forgets a move after ${MOVING_INTERVALS} telemetry intervals, when the meter shows it`, () => {
    const { engine, flow, load } = setup();
    const low = flow('low', viaR2R4, 40);
    const high = flow('high', viaR2R4, 40);
    load('r1', 'r2', 80);
    engine.noteSwitch(low, viaR3, Date.now() - MOVING_INTERVALS * INTERVAL - 1);
    expect(engine.cost(high, viaR3)).to.be.closeTo(0.4, 1e-9);
  });

  it('ignores multipath flows (their weights are not a single move)', () => {
    const { engine, flow, load } = setup();
    const low = { ...flow('low', viaR2R4, 40), multipath: [{ path: viaR2R4, weight: 50 }, { path: viaR3, weight: 50 }] };
    const high = flow('high', viaR2R4, 40);
    load('r1', 'r2', 80);
    engine.noteSwitch(low, viaR3);
    expect(engine.cost(high, viaR3)).to.be.closeTo(0.4, 1e-9);
  });
});
