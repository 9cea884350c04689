// A class whose constraints no live path meets keeps its path, and the
// switch stream says which constraint failed, once (not every round).
import { expect } from 'chai';
import pino from 'pino';
import { Controller, type SwitchEvent } from '../../controller/controller.js';
import { loadTopology } from '../../topology/load.js';

describe('controller: unsatisfiable constraints', () => {
  it('keeps the path and streams one no-path event naming the constraint', () => {
    const t = loadTopology('reference');
    const low = t.classes.find((c) => c.name === 'low')!;
    low.constraints = { avoidRouters: [], avoidLinks: [], via: ['r3'] };
    low.initialPath = { forward: ['r1', 'r3', 'r5', 'r6'], reverse: ['r6', 'r5', 'r3', 'r1'] };
    // no agent is ever contacted: start() is not called
    const c = new Controller({
      topology: t, agentAddress: () => 'unix:/nonexistent', log: pino({ level: 'silent' }), intervalMs: 100, smoothing: 0.6,
      policy: { mode: 'least-utilized', threshold: 0.7, hysteresis: 0.1, holdDownMs: 1000 },
    });
    const events: SwitchEvent[] = [];
    c.on('switch', (e: SwitchEvent) => events.push(e));
    const r3r5 = t.links.find((l) => l.name === 'r3-r5')!;
    c.meter.linkEvent(r3r5.a.router, r3r5.a.interface, false);
    c.evaluate();
    c.evaluate();
    const mine = events.filter((e) => e.class === 'low' && e.direction === 'forward');
    expect(mine, JSON.stringify(events)).to.have.length(1);
    expect(mine[0]).to.deep.include({ trigger: 'no-path', ok: false, failed_constraint: 'via' });
    expect(mine[0].to_path).to.deep.equal(['r1', 'r3', 'r5', 'r6']);
    expect(mine[0].error).to.match(/via r3/);
    expect(c.flow('low', 'forward').path).to.deep.equal(['r1', 'r3', 'r5', 'r6']);
    const decision = c.decisions().find((d) => d.flow.cls.name === 'low' && d.flow.dir === 'forward')!.decision;
    expect(decision).to.deep.include({ action: 'no-alternative', failedConstraint: 'via' });
    void c.stop();
  });
});
