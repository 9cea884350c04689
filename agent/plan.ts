// Planning a batch, without I/O: validated ops against a snapshot of the
// kernel's routes and rules become the typed changes to send (netlink RtnlOp),
// each op's outcome, and what the snapshot had for every object touched (what
// a rollback or the journal puts back).
import { status } from '@grpc/grpc-js';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { C, type Route, type RtnlOp, type Rule } from '../netlink/index.js';
import { isSid, routeKey, ruleKey, sameRoute, sameRule } from './convert.js';
import { ApiError } from './errors.js';

/** Ops planned between two chances for the event loop to run. */
const PLAN_SLICE = 500;

export type Outcome = 'created' | 'replaced' | 'deleted' | 'unchanged' | 'absent';

/** One validated operation. */
export type ParsedOp =
  | { kind: 'route'; action: 'upsert' | 'delete'; field: string; obj: Route; /** routeKey(obj), once asked for (opKey) */ key?: string }
  | { kind: 'rule'; action: 'upsert' | 'delete'; field: string; obj: Rule };

/** A route op's identity, computed once: a batch looks it up several times. */
export const opKey = (o: ParsedOp & { kind: 'route' }): string => (o.key ??= routeKey(o.obj));

/** One kernel change of a batch. */
export interface Step {
  /** the index of the op it belongs to (-1: a rollback step) */
  op: number;
  /** the identity of the kernel object the step touches */
  key: string;
  change: RtnlOp;
}

/** Every object a batch touches, as the snapshot had it. */
export interface Originals {
  /** per route key: the route there was (undefined: none) and the key itself as a route */
  routes: Map<string, { before?: Route; at: Route }>;
  /** per rule key: the rules there were */
  rules: Map<string, Rule[]>;
  /** the rules the batch adds */
  added: Rule[];
}

export interface Plan {
  steps: Step[];
  outcomes: Outcome[];
  originals: Originals;
  /** no two steps touch the same object (a step the kernel refused for a while can be sent again alone) */
  distinct: boolean;
}

/** Just what RTM_DELROUTE needs to pick exactly our route: table, prefix, metric, protocol. */
const keyRoute = (r: Route, protocol: number): Route => ({
  family: C.AF_INET6, dst: r.dst, dstLen: r.dstLen, table: r.table, priority: r.priority, protocol, scope: C.RT_SCOPE_UNIVERSE, type: C.RTN_UNICAST,
});

/**
 * Plans ops, in order, against the snapshot (routes by routeKey, rules; both
 * updated as the plan goes). Throws FAILED_PRECONDITION for an object of
 * another protocol. Adds the table of every SID it writes to sidTables.
 * fromCache: the snapshot is the agent's cache of what it owns, not the
 * kernel's tables. A route it has as it should be is written all the same (its
 * outcome still 'unchanged'): a route the kernel removed by itself (its link
 * went down) would outlive it in the cache. A route it does not have is added
 * exclusively, so that one someone else put there makes the kernel answer
 * EEXIST instead of being overwritten.
 */
export async function planBatch(ops: ParsedOp[], snapshot: { routes: Map<string, Route>; rules: Rule[] }, proto: number, sidTables: Set<number>, fromCache = false): Promise<Plan> {
  const { routes } = snapshot;
  let { rules } = snapshot;
  const originals: Originals = { routes: new Map(), rules: new Map(), added: [] };
  const steps: Step[] = [];
  const outcomes: Outcome[] = [];
  let distinct = true;

  for (let i = 0; i < ops.length; i++) {
    // a large batch lets the event loop run other work between slices
    if (i && i % PLAN_SLICE === 0) await yieldToLoop();
    const before = steps.length;
    if (!planOp(ops[i], i) || steps.length - before > 1) distinct = false;
  }
  return { steps, outcomes, originals, distinct };

  /** Plans one op; false when an earlier op of the batch touched the same object. */
  function planOp(op: ParsedOp, i: number): boolean {
    if (op.kind === 'route') {
      const r = op.obj;
      const key = opKey(op);
      const before = routes.get(key);
      if (before && before.protocol !== proto) {
        throw new ApiError(status.FAILED_PRECONDITION, `${op.field}: ${key} exists and belongs to protocol ${before.protocol}; this agent only changes what it owns (protocol ${proto})`);
      }
      // only a route's first step can be its exclusive add: a later one follows this batch's own change
      const first = !originals.routes.has(key);
      if (first) originals.routes.set(key, { before, at: r });
      if (op.action === 'upsert') {
        const same = before !== undefined && sameRoute(r, before);
        if (same && !fromCache) return outcomes.push('unchanged'), first;
        if (isSid(r)) sidTables.add(r.table);
        steps.push({ op: i, key, change: { op: fromCache && first && !before ? 'addRoute' : 'replaceRoute', route: r } });
        routes.set(key, r);
        outcomes.push(same ? 'unchanged' : before ? 'replaced' : 'created');
      } else {
        if (!before) return outcomes.push('absent'), first;
        steps.push({ op: i, key, change: { op: 'deleteRoute', route: keyRoute(r, proto) } });
        routes.delete(key);
        outcomes.push('deleted');
      }
      return first;
    }
    const r = op.obj;
    const key = ruleKey(r);
    const existing = rules.filter((x) => ruleKey(x) === key);
    const foreign = existing.find((x) => x.protocol !== proto);
    if (foreign) {
      throw new ApiError(status.FAILED_PRECONDITION, `${op.field}: rule ${key} exists and belongs to protocol ${foreign.protocol}; this agent only changes what it owns (protocol ${proto})`);
    }
    const first = !originals.rules.has(key);
    if (first) originals.rules.set(key, existing);
    const deleteRule = (old: Rule): Step => ({ op: i, key, change: { op: 'deleteRule', rule: old } });
    if (op.action === 'upsert') {
      if (existing.length === 1 && sameRule(r, existing[0])) return outcomes.push('unchanged'), first;
      // make before break: the new rule goes in beside the old ones (even an identical one), which go next
      steps.push({ op: i, key, change: { op: 'addRule', rule: r, exclusive: false } });
      originals.added.push(r);
      for (const old of existing) steps.push(deleteRule(old));
      rules = [...rules.filter((x) => ruleKey(x) !== key), r];
      outcomes.push(existing.length ? 'replaced' : 'created');
    } else {
      const victims = existing.filter((x) => !op.obj.table || x.table === op.obj.table);
      if (!victims.length) return outcomes.push('absent'), first;
      for (const old of victims) steps.push(deleteRule(old));
      rules = rules.filter((x) => !victims.includes(x));
      outcomes.push('deleted');
    }
    return first;
  }
}

/** What a step does, in words (for errors and logs: not built for every step of a large batch). */
export function stepWhat({ op, key, change }: Step): string {
  const undo = op < 0;
  switch (change.op) {
    // an upsert is sent as an exclusive add where the agent knows of no route (planBatch, fromCache)
    case 'replaceRoute': case 'addRoute': return undo ? `restore ${key}` : `upsert ${isSid(change.route) ? 'SID' : 'route'} ${key}`;
    case 'deleteRoute': return undo ? `remove ${key}` : `delete ${key}`;
    case 'addRule': return undo ? `restore rule ${key}` : `add rule ${key} table ${change.rule.table}`;
    case 'deleteRule': return undo ? `remove rule ${key}` : `delete rule ${key} table ${change.rule.table}`;
  }
}

/** The change that puts one route back as the snapshot had it. */
const restoreRoute = ({ before, at }: { before?: Route; at: Route }, protocol: number): RtnlOp =>
  (before ? { op: 'replaceRoute', route: before } : { op: 'deleteRoute', route: keyRoute(at, protocol) });

/** The steps that put every object in originals back as it was: routes in the reverse order of their first change, then rules. */
export function* restoreSteps({ routes, rules, added }: Originals, protocol: number): Generator<Step> {
  const entries = [...routes];
  for (let i = entries.length - 1; i >= 0; i--) yield { op: -1, key: entries[i][0], change: restoreRoute(entries[i][1], protocol) };
  for (const r of added) yield { op: -1, key: ruleKey(r), change: { op: 'deleteRule', rule: r } };
  for (const list of rules.values()) {
    for (const r of list) yield { op: -1, key: ruleKey(r), change: { op: 'addRule', rule: r } };
  }
}

/** restoreSteps' changes alone, one at a time: a batch's journal (written in slices, tens of thousands for a large batch). */
export function* undoChanges({ routes, rules, added }: Originals, protocol: number): Generator<RtnlOp> {
  const entries = [...routes.values()];
  for (let i = entries.length - 1; i >= 0; i--) yield restoreRoute(entries[i], protocol);
  for (const r of added) yield { op: 'deleteRule', rule: r };
  for (const list of rules.values()) {
    for (const r of list) yield { op: 'addRule', rule: r };
  }
}
