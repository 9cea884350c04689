// The agent's owned kernel state: atomic ordered batches with rollback, the
// path switch, listing and reconciliation. Everything here is synchronous, so
// batches never interleave. Planning is plan.ts's; the kernel is reached only
// through the typed netlink API (Rtnl: routes, rules, links, batches).
import { status } from '@grpc/grpc-js';
import { constants } from 'node:os';
import type { Logger } from 'pino';
import { C, notSent, type Link, type NetlinkError, type Route, type Rtnl, type Rule } from '../netlink/index.js';
import type { ApiOp, ApiRoute, ApiRule, ApiSetPath, ApiSid, ApiState } from './api.js';
import { apiRoute, apiRule, apiSid, isSid, routeKey, ruleKey, sameRoute, sameRule } from './convert.js';
import { ApiError, invalid, kernelError, missing } from './errors.js';
import { readJournal, removeJournal, writeJournal } from './journal.js';
import { planBatch, restoreSteps, type Originals, type Outcome, type ParsedOp, type Step } from './plan.js';
import * as V from './validate.js';

export type { Outcome } from './plan.js';

export interface ApplyResult {
  outcomes: Outcome[];
  dryRun: boolean;
  kernelNs: bigint;
  ackedMonoNs: bigint;
  steps: number;
}

const ignorable = new Set([constants.errno.ESRCH, constants.errno.ENOENT, constants.errno.EEXIST]);

export class OwnedState {
  private linkByName = new Map<string, Link>();
  private linkByIndex = new Map<number, Link>();
  /** tables holding SIDs we own: where telemetry reads SID counters */
  readonly sidTables = new Set<number>([C.RT_TABLE_MAIN]);

  constructor(
    readonly rtnl: Rtnl,
    readonly protocol: number,
    private readonly log: Logger,
    /** the interface SIDs without a dev are bound to */
    readonly sidAnchor?: string,
    /** where a multi-step batch's snapshot waits until the batch is done (see recoverJournal) */
    private readonly journal?: string,
  ) {
    this.refreshLinks();
  }

  refreshLinks(): Link[] {
    const links = this.rtnl.links();
    this.linkByName = new Map(links.map((l) => [l.name, l]));
    this.linkByIndex = new Map(links.map((l) => [l.index, l]));
    return links;
  }

  ifname = (index: number | undefined): string => (index ? (this.linkByIndex.get(index)?.name ?? `if${index}`) : '');

  private ctx(): V.ResolveContext {
    return {
      protocol: this.protocol,
      ifindex: (name) => {
        if (!this.linkByName.has(name)) this.refreshLinks();
        return this.linkByName.get(name)?.index;
      },
      routeDev: (addr) => this.rtnl.routeGet(addr)?.oif,
      sidAnchor: this.sidAnchor,
    };
  }

  // ---------- parsing ----------

  private routeKeyOnly(field: string, r: ApiRoute | ApiSid | null | undefined, isSidOp: boolean): Route {
    if (!r) throw missing(field, isSidOp ? 'a SID' : 'a route');
    const p = isSidOp ? V.prefix6(`${field}.sid`, (r as ApiSid).sid) : V.prefix6(`${field}.prefix`, (r as ApiRoute).prefix);
    const metric = r.metric ? r.metric : V.DEFAULT_METRIC;
    return {
      family: C.AF_INET6, dst: p.addr, dstLen: p.len, table: V.table(`${field}.table`, r.table), protocol: this.protocol,
      scope: C.RT_SCOPE_UNIVERSE, type: C.RTN_UNICAST, priority: metric,
    };
  }

  parseOps(ops: ApiOp[], prefix = 'ops'): ParsedOp[] {
    if (!Array.isArray(ops) || ops.length === 0) throw missing(prefix, 'at least one op');
    const ctx = this.ctx();
    return ops.map((op, i): ParsedOp => {
      const field = `${prefix}[${i}]`;
      const action = op.action === 'DELETE' || op.action === 1 ? 'delete' : op.action === 'UPSERT' || op.action === 0 || op.action === undefined ? 'upsert' : null;
      if (!action) throw invalid(`${field}.action`, op.action, 'UPSERT or DELETE');
      const object = op.object ?? (op.route ? 'route' : op.sid ? 'sid' : op.rule ? 'rule' : undefined);
      switch (object) {
        case 'route':
          return { kind: 'route', action, field: `${field}.route`, obj: action === 'upsert' ? V.route(`${field}.route`, op.route, ctx) : this.routeKeyOnly(`${field}.route`, op.route, false) };
        case 'sid':
          return { kind: 'route', action, field: `${field}.sid`, obj: action === 'upsert' ? V.sid(`${field}.sid`, op.sid, ctx) : this.routeKeyOnly(`${field}.sid`, op.sid, true) };
        case 'rule':
          return { kind: 'rule', action, field: `${field}.rule`, obj: V.rule(`${field}.rule`, op.rule, ctx) };
        default:
          throw missing(field, 'one of route, sid or rule');
      }
    });
  }

  // ---------- apply ----------

  /** Validates, plans against a fresh snapshot, applies in order; on any failure restores the snapshot. */
  applyParsed(ops: ParsedOp[], dryRun: boolean): ApplyResult {
    const routes = new Map<string, Route>();
    for (const table of new Set(ops.filter((o) => o.kind === 'route').map((o) => o.obj.table))) {
      for (const r of this.rtnl.routes(C.AF_INET6, { table })) routes.set(routeKey(r), r);
    }
    const rules: Rule[] = ops.some((o) => o.kind === 'rule') ? this.rtnl.rules(C.AF_INET6) : [];
    const { steps, outcomes, originals } = planBatch(ops, { routes, rules }, this.protocol, this.sidTables);

    if (dryRun || steps.length === 0) return { outcomes, dryRun, kernelNs: 0n, ackedMonoNs: process.hrtime.bigint(), steps: 0 };

    // A batch of several steps is not atomic in the kernel: if this process dies half-way, the
    // snapshot written here lets the next start put the router back as it was (recoverJournal).
    // A single step is one netlink message, all or nothing by itself: the switch path pays nothing.
    const journaled = this.journal !== undefined && steps.length > 1;
    if (journaled) writeJournal(this.journal!, originals);
    const t0 = process.hrtime.bigint();
    // the batch is undone as a whole when one step fails: no point sending the steps after it
    const errors = this.run(steps, true);
    const acked = process.hrtime.bigint();
    const failed = errors.findIndex((e) => e !== undefined);
    if (failed < 0) {
      if (journaled) removeJournal(this.journal!);
      return { outcomes, dryRun, kernelNs: acked - t0, ackedMonoNs: acked, steps: steps.length };
    }

    const applied = errors.filter((e) => e === undefined).length;
    // only what the kernel was sent needs putting back
    const sentKeys = new Set(steps.filter((_, i) => !notSent(errors[i])).map((st) => st.key));
    const rollbackProblems = this.restore({
      routes: new Map([...originals.routes].filter(([k]) => sentKeys.has(k))),
      rules: new Map([...originals.rules].filter(([k]) => sentKeys.has(k))),
      added: originals.added.filter((r) => sentKeys.has(ruleKey(r))),
    });
    if (journaled) removeJournal(this.journal!);
    const step = steps[failed];
    const err = errors[failed]!;
    this.log.warn({ op: step.op, step: step.what, errno: err.code, extack: err.extack, applied, rollbackProblems }, 'batch failed, rolled back');
    if (rollbackProblems.length) {
      throw new ApiError(status.INTERNAL, `${ops[step.op].field}: ${step.what} failed (${err.message}) and the rollback was incomplete: ${rollbackProblems.join('; ')}`);
    }
    throw kernelError(`${ops[step.op].field} (${step.what})`, err, `; the batch was rolled back (${applied} applied step(s) undone), nothing changed`);
  }

  /** At start: a journal left behind means the previous agent died inside a batch; undo it. */
  recoverJournal(): string[] | undefined {
    const j = this.journal ? readJournal(this.journal) : undefined;
    if (!j) return undefined;
    const problems = this.restore(j);
    removeJournal(this.journal!);
    this.log.warn({ restored: j.routes.size + j.rules.size, problems }, 'rolled back a batch the previous agent did not finish');
    return problems;
  }

  /**
   * Sends the steps, pipelined. Steps the kernel refuses with a transient ENOMEM
   * (see RtnlSession.transact) are resent when no two steps touch the same object,
   * so a resend cannot reorder changes to one object.
   */
  private run(steps: Step[], stopOnError = false): (NetlinkError | undefined)[] {
    const unique = new Set(steps.map((s) => s.key)).size === steps.length;
    return this.rtnl.batch(steps.map((s) => s.change), { retryENOMEM: unique, stopOnError });
  }

  /** Puts every touched route and rule back as the snapshot had it. Returns what could not be restored. */
  private restore(originals: Originals): string[] {
    const steps = restoreSteps(originals, this.protocol);
    const errors = this.run(steps);
    return errors.flatMap((e, i) => (e && !ignorable.has(e.errno) ? [`${steps[i].what}: ${e.message}`] : []));
  }

  apply(ops: ApiOp[], dryRun: boolean): ApplyResult {
    return this.applyParsed(this.parseOps(ops), dryRun);
  }

  setPath(req: ApiSetPath): ApplyResult {
    const ctx = this.ctx();
    const route = V.route('request', {
      prefix: req.prefix, table: req.table, metric: req.metric, dev: req.dev, via: req.via,
      encap: { mode: req.mode, segments: req.segments, hmac_key_id: req.hmac_key_id },
    }, ctx);
    return this.applyParsed([{ kind: 'route', action: 'upsert', field: 'request', obj: route }], false);
  }

  // ---------- list / sync ----------

  ownedKernelState(): { routes: Route[]; rules: Rule[] } {
    return {
      routes: this.rtnl.routes(C.AF_INET6, { protocol: this.protocol }),
      rules: this.rtnl.rules(C.AF_INET6).filter((r) => r.protocol === this.protocol),
    };
  }

  listState(): ApiState {
    this.refreshLinks();
    const { routes, rules } = this.ownedKernelState();
    for (const r of routes) if (isSid(r)) this.sidTables.add(r.table);
    return {
      routes: routes.filter((r) => !isSid(r)).map((r) => apiRoute(r, this.ifname)),
      sids: routes.filter(isSid).map((r) => apiSid(r, this.ifname)),
      rules: rules.map(apiRule),
    };
  }

  sync(desired: ApiState, dryRun: boolean) {
    const ctx = this.ctx();
    const wanted: ParsedOp[] = [
      ...(desired.routes ?? []).map((r, i): ParsedOp => ({ kind: 'route', action: 'upsert', field: `desired.routes[${i}]`, obj: V.route(`desired.routes[${i}]`, r, ctx) })),
      ...(desired.sids ?? []).map((s, i): ParsedOp => ({ kind: 'route', action: 'upsert', field: `desired.sids[${i}]`, obj: V.sid(`desired.sids[${i}]`, s, ctx) })),
      ...(desired.rules ?? []).map((r, i): ParsedOp => ({ kind: 'rule', action: 'upsert', field: `desired.rules[${i}]`, obj: V.rule(`desired.rules[${i}]`, r as ApiRule, ctx) })),
    ];
    const keyOf = (o: ParsedOp) => (o.kind === 'route' ? routeKey(o.obj) : `rule ${ruleKey(o.obj)}`);
    const seen = new Map<string, string>();
    for (const o of wanted) {
      const k = keyOf(o);
      if (seen.has(k)) throw invalid(o.field, k, `a unique object (${seen.get(k)} has the same identity)`);
      seen.set(k, o.field);
    }
    const current = this.ownedKernelState();
    const currentRoutes = new Map(current.routes.map((r) => [routeKey(r), r]));
    const currentRules = new Map(current.rules.map((r) => [`rule ${ruleKey(r)}`, r]));
    const added: string[] = [], changed: string[] = [], removed: string[] = [];
    let unchanged = 0;
    for (const o of wanted) {
      const k = keyOf(o);
      const cur = o.kind === 'route' ? currentRoutes.get(k) : currentRules.get(k);
      if (!cur) added.push(k);
      else if (o.kind === 'route' ? sameRoute(o.obj, cur as Route) : sameRule(o.obj, cur as Rule)) unchanged++;
      else changed.push(k);
    }
    const removals: ParsedOp[] = [];
    for (const [k, r] of currentRoutes) {
      if (seen.has(k)) continue;
      removed.push(k);
      removals.push({ kind: 'route', action: 'delete', field: `owned ${k}`, obj: r });
    }
    for (const [k, r] of currentRules) {
      if (seen.has(k)) continue;
      removed.push(k);
      removals.push({ kind: 'rule', action: 'delete', field: `owned ${k}`, obj: r });
    }
    // make before break: new and changed objects first, then removals (rules before the routes they select)
    const ops = [...wanted, ...removals.filter((o) => o.kind === 'rule'), ...removals.filter((o) => o.kind === 'route')];
    const result = ops.length ? this.applyParsed(ops, dryRun) : undefined;
    return { added, changed, removed, unchanged, result };
  }

  /** Removes everything this agent owns (used by tests and `--flush-on-exit`). */
  flush(): number {
    const { routes, rules } = this.ownedKernelState();
    const ops: ParsedOp[] = [
      ...rules.map((r): ParsedOp => ({ kind: 'rule', action: 'delete', field: 'flush', obj: r })),
      ...routes.map((r): ParsedOp => ({ kind: 'route', action: 'delete', field: 'flush', obj: r })),
    ];
    if (ops.length) this.applyParsed(ops, false);
    return ops.length;
  }
}

