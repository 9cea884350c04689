// The agent's owned kernel state: atomic ordered batches with rollback, the
// path switch, listing and reconciliation. Changes run one after the other
// (a batch never interleaves with another, and the journal of one is never
// overwritten by the next); reads go over a socket of their own, so a large
// batch does not hold them up. Planning is plan.ts's; the kernel is reached
// only through the typed netlink API on the event loop (AsyncRtnl).
import { status } from '@grpc/grpc-js';
import { constants } from 'node:os';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import { AsyncRtnl, C, encodeOnce, NetlinkError, NetlinkSocket, notSent, someMessage, withoutOwnRouteChanges, type Link, type Route, type RtnlOp, type Rule } from '../netlink/index.js';
import type { ListStateResponse } from '../proto/gen/srv6/agent/v1/ListStateResponse.js';
import type { ApiOp, ApiRoute, ApiRule, ApiSetPath, ApiSid, ApiState } from './api.js';
import { compactOpBytes, compactRoute, type CompactOpBytes } from './compact-route.js';
import { apiRoute, apiRule, apiSid, isSid, routeKey, ruleKey, sameRoute, sameRule } from './convert.js';
import { ApiError, invalid, kernelError, missing, transportError } from './errors.js';
import { foreignState } from './foreign.js';
import { readJournal, removeJournal, writeJournal } from './journal.js';
import { opKey, planBatch, restoreSteps, stepWhat, undoChanges, type Originals, type Outcome, type ParsedOp, type Plan, type Step } from './plan.js';
import * as V from './validate.js';

export type { Outcome } from './plan.js';

export interface ApplyResult {
  outcomes: Outcome[];
  dryRun: boolean;
  kernelNs: bigint;
  ackedMonoNs: bigint;
  steps: number;
}

/**
 * Run when a change's turn comes, before anything is read or changed; throwing
 * refuses the change (the fencing's second check: agent/fencing.ts).
 */
export type AtTurn = () => void;

const noCheck: AtTurn = () => undefined;

export interface StateOptions {
  protocol: number;
  log: Logger;
  /** the interface SIDs without a dev are bound to */
  sidAnchor?: string;
  /** where a multi-step batch's snapshot waits until the batch is done (see recoverJournal) */
  journal?: string;
  /** a namespace other than this process's (tests) */
  netns?: string;
  /** the rule selectors this kernel matches on (absent: not asked, all taken) */
  ruleSelectors?: V.RuleSelectors;
  /** flow-label rules select the mark the agent's nf_tables table sets (flowlabel-mark.ts) */
  flowlabelByMark?: boolean;
}

const ignorable = new Set([constants.errno.ESRCH, constants.errno.ENOENT, constants.errno.EEXIST]);
/** struct rtmsg: family, dst_len, src_len, tos, table, protocol */
const RTM_PROTOCOL_OFFSET = 5;
/** Ops validated between two chances for the event loop to run other work. */
const VALIDATE_CHUNK = 500;
/** SetPath requests whose validated route is kept (a few paths per class the agent is the ingress of) */
const PATH_ROUTES_KEPT = 1024;

/** Every field of a SetPath request its route is made of (pathRoute) */
const pathRouteKey = (req: ApiSetPath) => JSON.stringify([req.prefix, req.table, req.metric, req.dev, req.via, req.mode, req.hmac_key_id, req.segments]);

/** What validation looked up and did not find in the agent's caches: fetched, then validation runs again. */
interface Misses {
  links: boolean;
  routeDevs: Set<string>;
}

export class OwnedState {
  private linkByName = new Map<string, Link>();
  private linkByIndex = new Map<number, Link>();
  /** tables holding SIDs we own: where telemetry reads SID counters */
  readonly sidTables = new Set<number>([C.RT_TABLE_MAIN]);
  /** the routes this agent owns, by routeKey, as it last wrote or read them; undefined: read them again */
  private owned?: Map<string, Route>;
  /** the change in progress: the next one starts when it is settled */
  private changes: Promise<unknown> = Promise.resolve();
  /** bumped when a name's link changes (one added, removed or renamed): what a validated route's dev depends on */
  private linkNames = 0;
  /** SetPath's routes as validated, by request, each with the linkNames it was resolved against */
  private readonly pathRoutes = new Map<string, { linkNames: number; route: Route }>();
  /** the changes that add or replace a route of pathRoutes, each with its request encoded once (run) */
  private readonly pathChanges = new WeakMap<Route, { addRoute?: RtnlOp; replaceRoute?: RtnlOp }>();
  readonly protocol: number;
  readonly sidAnchor?: string;
  private readonly log: Logger;
  private readonly journal?: string;
  private readonly ruleSelectors?: V.RuleSelectors;
  readonly flowlabelByMark: boolean;

  private constructor(
    /** changes, and the snapshots they are planned against */
    readonly rtnl: AsyncRtnl,
    /** reads that must not wait for a batch: links, listings, telemetry */
    readonly reader: AsyncRtnl,
    opts: StateOptions,
  ) {
    this.protocol = opts.protocol;
    this.log = opts.log;
    this.sidAnchor = opts.sidAnchor;
    this.journal = opts.journal;
    this.ruleSelectors = opts.ruleSelectors;
    this.flowlabelByMark = opts.flowlabelByMark ?? false;
  }

  static async open(opts: StateOptions): Promise<OwnedState> {
    const state = new OwnedState(new AsyncRtnl({ netns: opts.netns }), new AsyncRtnl({ netns: opts.netns }), opts);
    try {
      await state.refreshLinks();
      state.watchOthers(opts.netns);
      return state;
    } catch (e) {
      state.close();
      throw e;
    }
  }

  private others?: { sock: NetlinkSocket; stop: () => void };

  /**
   * The cache of owned routes trusts the agent's own writes; a route someone
   * else adds or removes (another protocol number, or one of ours changed by
   * another socket: `ip route flush`, the kernel when a link goes) could sit
   * where the cache says there is none or be gone, so any such change drops the
   * cache (read again at the next change). The agent's own batches notify too,
   * thousands at a time, each stamped with the port id of its socket: a socket
   * filter drops those in the kernel (waking the agent for each cost a 20,000-route
   * batch a third of its time), and of the rest only the header and rtm_protocol
   * are looked at.
   */
  private watchOthers(netns?: string): void {
    const sock = new NetlinkSocket({ netns, groups: [C.RTNLGRP_IPV6_ROUTE], nonblocking: true, bufferBytes: 1 << 20 });
    const own = this.rtnl.sock.portId;
    sock.attachFilter(withoutOwnRouteChanges(own, this.protocol));
    const stop = sock.watch((err, dgram) => {
      if (err) return void (this.owned = undefined); // ENOBUFS: notifications were lost
      if (this.owned && someMessage(dgram!, (type, pid, body) => (type === C.RTM_NEWROUTE || type === C.RTM_DELROUTE)
        && (pid !== own || dgram![body + RTM_PROTOCOL_OFFSET] !== this.protocol))) this.owned = undefined;
    });
    this.others = { sock, stop };
  }

  close(): void {
    this.others?.stop();
    this.others?.sock.close();
    this.rtnl.close();
    this.reader.close();
  }

  async refreshLinks(): Promise<Link[]> {
    const links = await this.reader.links();
    const before = this.linkByName;
    if (links.length !== before.size || links.some((l) => before.get(l.name)?.index !== l.index)) this.linkNames++;
    this.linkByName = new Map(links.map((l) => [l.name, l]));
    this.linkByIndex = new Map(links.map((l) => [l.index, l]));
    return links;
  }

  /** The links as last read (the event hub's link monitor keeps them current). */
  links(): Link[] {
    return [...this.linkByIndex.values()];
  }

  link = (index: number): Link | undefined => this.linkByIndex.get(index);

  /** A link as a monitor event has it now (its oper state changed): the cache follows without a dump. */
  noteLink(link: Link): void {
    const known = this.linkByIndex.get(link.index);
    if (!known) return;
    known.operstate = link.operstate;
    known.flags = link.flags;
  }

  ifname = (index: number | undefined): string => (index ? (this.linkByIndex.get(index)?.name ?? `if${index}`) : '');

  /**
   * Validation's lookups answered from the caches. With misses given, a name or
   * route not cached is noted and answered with a placeholder (see resolve).
   */
  private ctx(routeDevs: Map<string, number | undefined>, misses?: Misses): V.ResolveContext {
    return {
      protocol: this.protocol,
      ifindex: (name) => {
        const index = this.linkByName.get(name)?.index;
        if (index === undefined && misses) {
          misses.links = true;
          return 0;
        }
        return index;
      },
      routeDev: (addr) => {
        if (!routeDevs.has(addr) && misses) {
          misses.routeDevs.add(addr);
          return 0;
        }
        return routeDevs.get(addr);
      },
      sidAnchor: this.sidAnchor,
      ruleSelectors: this.ruleSelectors,
      flowlabelByMark: this.flowlabelByMark,
    };
  }

  /**
   * Runs validate against the caches; when it needed something they lack (a
   * link created since, a route lookup), fetches that and runs it again.
   */
  private async resolve<T>(validate: (ctx: V.ResolveContext) => Promise<T>): Promise<T> {
    const routeDevs = new Map<string, number | undefined>();
    const misses: Misses = { links: false, routeDevs: new Set() };
    let first: { value: T } | { error: unknown };
    try {
      first = { value: await validate(this.ctx(routeDevs, misses)) };
    } catch (error) {
      first = { error };
    }
    if (!misses.links && !misses.routeDevs.size) {
      if ('error' in first) throw first.error;
      return first.value;
    }
    if (misses.links) await this.refreshLinks();
    for (const addr of misses.routeDevs) routeDevs.set(addr, (await this.reader.routeGet(addr))?.oif);
    return validate(this.ctx(routeDevs));
  }

  /** Runs fn after every change before it has settled. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.changes.then(fn);
    this.changes = run.catch(() => undefined);
    return run;
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

  private parseOp(op: ApiOp | CompactOpBytes, i: number, prefix: string, ctx: V.ResolveContext): ParsedOp {
    if ('bytes' in op) {
      if (op.action !== 0 && op.action !== 1) throw invalid(`${prefix}[${i}].action`, op.action, 'UPSERT or DELETE');
      return compactRoute(op, ctx, prefix, i);
    }
    const field = `${prefix}[${i}]`;
    const action = op.action === 'DELETE' || op.action === 1 ? 'delete' : op.action === 'UPSERT' || op.action === 0 || op.action === undefined ? 'upsert' : null;
    if (!action) throw invalid(`${field}.action`, op.action, 'UPSERT or DELETE');
    const object = op.object ?? (op.route ? 'route' : op.sid ? 'sid' : op.rule ? 'rule' : op.compact_route ? 'compact_route' : undefined);
    switch (object) {
      case 'route':
        return { kind: 'route', action, field: `${field}.route`, obj: action === 'upsert' ? V.route(`${field}.route`, op.route, ctx) : this.routeKeyOnly(`${field}.route`, op.route, false) };
      case 'compact_route':
        if (!op.compact_route) throw missing(`${field}.compact_route`, 'a route');
        return compactRoute(compactOpBytes(action === 'delete' ? 1 : 0, op.compact_route), ctx, prefix, i);
      case 'sid':
        return { kind: 'route', action, field: `${field}.sid`, obj: action === 'upsert' ? V.sid(`${field}.sid`, op.sid, ctx) : this.routeKeyOnly(`${field}.sid`, op.sid, true) };
      case 'rule':
        return { kind: 'rule', action, field: `${field}.rule`, obj: V.rule(`${field}.rule`, op.rule, ctx) };
      default:
        throw missing(field, 'one of route, sid, rule or compact_route');
    }
  }

  /** Validates every op (letting the event loop run between chunks of a large batch). */
  async parseOps(ops: (ApiOp | CompactOpBytes)[], prefix = 'ops'): Promise<ParsedOp[]> {
    if (!Array.isArray(ops) || ops.length === 0) throw missing(prefix, 'at least one op');
    return this.resolve(async (ctx) => {
      const out: ParsedOp[] = new Array(ops.length);
      for (let i = 0; i < ops.length; i++) {
        if (i && i % VALIDATE_CHUNK === 0) await yieldToLoop();
        out[i] = this.parseOp(ops[i], i, prefix, ctx);
      }
      return out;
    });
  }

  // ---------- apply ----------

  /**
   * Plans ops and applies them in order; any failure restores what they
   * touched. Planned against what the agent knows it owns (no dump: the switch
   * and every batch that only upserts or deletes its own routes), or, for a dry
   * run, a batch that deletes what the agent does not know of, and Sync, against
   * a fresh snapshot of the tables they touch.
   */
  private async applyParsed(ops: ParsedOp[], dryRun: boolean, from: 'owned' | 'kernel'): Promise<ApplyResult> {
    await this.recoverUnresolved();
    const owned = from === 'owned' && !dryRun ? await this.ownedRoutes() : undefined;
    // the cache will do when it has every route the batch deletes
    let known = owned !== undefined;
    for (let i = 0; known && i < ops.length; i++) {
      if (i && i % VALIDATE_CHUNK === 0) await yieldToLoop();
      const o = ops[i];
      if (o.kind === 'route' && o.action !== 'upsert' && !owned!.has(opKey(o))) known = false;
    }
    // planned against the cache itself, which the plan brings up to date as it goes (dropped if the batch fails)
    const routes = known ? owned! : new Map<string, Route>();
    if (!known) {
      for (const table of new Set(ops.filter((o) => o.kind === 'route').map((o) => o.obj.table))) {
        for (const r of await this.rtnl.routes(C.AF_INET6, { table })) routes.set(routeKey(r), r);
      }
    }
    const rules: Rule[] = ops.some((o) => o.kind === 'rule') ? await this.rtnl.rules(C.AF_INET6) : [];
    let plan: Plan;
    try {
      plan = await planBatch(ops, { routes, rules }, this.protocol, this.sidTables, known);
    } catch (e) {
      if (known) this.owned = undefined;
      throw e;
    }
    if (dryRun || plan.steps.length === 0) return { outcomes: plan.outcomes, dryRun, kernelNs: 0n, ackedMonoNs: process.hrtime.bigint(), steps: 0 };
    if (!known) return this.execute(ops, plan, false);
    // planned against the cache: a route the agent does not know of is added exclusively (planBatch);
    // when one is there, the batch, rolled back, is planned again against the kernel's tables (which names the owner)
    try {
      return await this.execute(ops, plan, true);
    } catch (e) {
      this.owned = undefined;
      if (!(e instanceof ApiError && e.code === status.ALREADY_EXISTS)) throw e;
      return this.applyParsed(ops, dryRun, 'kernel');
    }
  }

  /**
   * Sends a plan's steps and answers for them: success, or the snapshot put back
   * whether a step failed or anything threw (a timeout, a closed socket, a bug):
   * nothing half-done survives a batch.
   */
  private async execute(ops: ParsedOp[], { steps, outcomes, originals, distinct }: Plan, cacheUpToDate: boolean): Promise<ApplyResult> {
    // A batch of several steps is not atomic in the kernel: if this process dies half-way, the
    // snapshot written here lets the next start put the router back as it was (recoverJournal).
    // A single step is one netlink message, all or nothing by itself: the switch path pays nothing.
    const journaled = this.journal !== undefined && steps.length > 1;
    if (journaled) await writeJournal(this.journal!, undoChanges(originals, this.protocol), steps.length);
    const t0 = process.hrtime.bigint();
    let errors: (NetlinkError | undefined)[];
    try {
      // the batch is undone as a whole when one step fails: no point sending the steps after it
      errors = await this.run(steps, true, distinct);
    } catch (e) {
      // which steps the kernel took is unknown: put back every object the batch touches
      this.owned = undefined;
      const problems = await this.restore(originals).catch((r: unknown) => [`the rollback threw too: ${(r as Error).message}`]);
      this.settleJournal(journaled, problems);
      this.log.error({ err: e, steps: steps.length, rollbackProblems: problems }, 'batch interrupted, rolled back');
      throw transportError(e, `${ops[0].field}${ops.length > 1 ? ` .. ${ops[ops.length - 1].field}` : ''}`, problems, this.journal);
    }
    const acked = process.hrtime.bigint();
    const failed = errors.findIndex((e) => e !== undefined);
    if (failed < 0) {
      if (journaled) removeJournal(this.journal!);
      if (!cacheUpToDate) this.noteApplied(steps);
      return { outcomes, dryRun: false, kernelNs: acked - t0, ackedMonoNs: acked, steps: steps.length };
    }

    this.owned = undefined;
    const applied = errors.filter((e) => e === undefined).length;
    // only what the kernel was sent needs putting back
    const sentKeys = new Set(steps.filter((_, i) => !notSent(errors[i])).map((st) => st.key));
    const rollbackProblems = await this.restore({
      routes: new Map([...originals.routes].filter(([k]) => sentKeys.has(k))),
      rules: new Map([...originals.rules].filter(([k]) => sentKeys.has(k))),
      added: originals.added.filter((r) => sentKeys.has(ruleKey(r))),
    }).catch((r: unknown) => [`the rollback threw: ${(r as Error).message}`]);
    this.settleJournal(journaled, rollbackProblems);
    const step = steps[failed];
    const err = errors[failed]!;
    this.log.warn({ op: step.op, step: stepWhat(step), errno: err.code, extack: err.extack, applied, rollbackProblems }, 'batch failed, rolled back');
    if (rollbackProblems.length) {
      throw new ApiError(status.INTERNAL, `${ops[step.op].field}: ${stepWhat(step)} failed (${err.message}) and the rollback was incomplete: ${rollbackProblems.join('; ')}`);
    }
    throw kernelError(`${ops[step.op].field} (${stepWhat(step)})`, err, `; the batch was rolled back (${applied} applied step(s) undone), nothing changed`);
  }

  /** After a rollback: the journal goes when the router is as before, and stays (for the next batch or start to finish) when not. */
  private settleJournal(journaled: boolean, problems: string[]): void {
    if (!journaled) return;
    if (problems.length) this.journalLeft = true;
    else removeJournal(this.journal!);
  }

  /** a rollback did not finish: its journal waits (recoverUnresolved); known here, so a change costs no file check */
  private journalLeft = false;

  /** Keeps the cache of owned routes in step with what a batch just did. */
  private noteApplied(steps: Step[]): void {
    if (!this.owned) return;
    for (const { key, change } of steps) {
      if (change.op === 'replaceRoute' || change.op === 'addRoute') this.owned.set(key, change.route);
      else if (change.op === 'deleteRoute') this.owned.delete(key);
    }
  }

  /**
   * A journal still there belongs to a batch whose rollback did not finish:
   * finish it before anything else is changed (and never overwrite it).
   */
  private async recoverUnresolved(): Promise<void> {
    if (!this.journalLeft) return;
    const problems = await this.recoverJournal('finished rolling back an earlier batch');
    if (problems?.length) {
      throw new ApiError(status.UNAVAILABLE, `an earlier batch could not be rolled back (${problems.join('; ')}); its journal ${this.journal} is kept and no change is accepted until it can be`);
    }
  }

  /** At start, and before a change when one is left: a journal means a batch was not finished; undo it. */
  async recoverJournal(what = 'rolled back a batch the previous agent did not finish'): Promise<string[] | undefined> {
    const undo = this.journal ? readJournal(this.journal) : undefined;
    if (!undo) return undefined;
    this.owned = undefined;
    const errors = await this.rtnl.replayAsync(undo);
    const problems = errors.flatMap((e, i) => (e && !ignorable.has(e.errno) ? [`undo step ${i + 1} of ${errors.length}: ${e.message}`] : []));
    if (!problems.length) removeJournal(this.journal!);
    this.journalLeft = problems.length > 0;
    this.log.warn({ restored: errors.length, problems }, what);
    return problems;
  }

  /**
   * Sends the steps, pipelined. Steps the kernel refuses with a transient ENOMEM
   * (see RtnlSession.transact) are resent when no two steps touch the same object,
   * so a resend cannot reorder changes to one object.
   */
  private run(steps: Step[], stopOnError = false, distinct = new Set(steps.map((s) => s.key)).size === steps.length): Promise<(NetlinkError | undefined)[]> {
    // a switch (one step) to a route of pathRoutes sends its request as encoded the first time
    const changes = steps.length === 1 ? [this.withEncodedRequest(steps[0].change)] : steps.map((s) => s.change);
    return this.rtnl.batch(changes, { retryENOMEM: distinct, stopOnError });
  }

  /** change, as pathChanges keeps it with its request encoded once, when its route is one of pathRoutes */
  private withEncodedRequest(change: RtnlOp): RtnlOp {
    if (change.op !== 'addRoute' && change.op !== 'replaceRoute') return change;
    const changes = this.pathChanges.get(change.route);
    return changes ? (changes[change.op] ??= { ...change, encoded: encodeOnce(change) }) : change;
  }

  /** Puts every touched route and rule back as the snapshot had it. Returns what could not be restored. */
  private async restore(originals: Originals): Promise<string[]> {
    const steps = [...restoreSteps(originals, this.protocol)];
    const errors = await this.run(steps);
    return errors.flatMap((e, i) => (e && !ignorable.has(e.errno) ? [`${stepWhat(steps[i])}: ${e.message}`] : []));
  }

  apply(ops: (ApiOp | CompactOpBytes)[], dryRun: boolean, atTurn = noCheck): Promise<ApplyResult> {
    return this.exclusive(async () => {
      atTurn();
      return this.applyParsed(await this.parseOps(ops), dryRun, 'owned');
    });
  }

  /**
   * A SetPath request as the route it makes, validated against the links now (the error names `field`),
   * and remembered: a controller switches a class between a few paths, each asked again and again, and a
   * request validated before against the same links (naming its dev: the route to a first segment can
   * change) is answered by knownPathRoute. On a switch that comes seconds after the last one, validation's
   * code is no longer in the CPU's caches and took 0.05 ms (bench/README.md, switch).
   */
  async pathRoute(req: ApiSetPath, field = 'request'): Promise<Route> {
    const linkNames = this.linkNames;
    const route = await this.resolve(async (ctx) => V.route(field, {
      prefix: req.prefix, table: req.table, metric: req.metric, dev: req.dev, via: req.via,
      encap: { mode: req.mode, segments: req.segments, hmac_key_id: req.hmac_key_id },
    }, ctx));
    if (req.dev && linkNames === this.linkNames) {
      if (this.pathRoutes.size >= PATH_ROUTES_KEPT) this.pathRoutes.clear();
      this.pathRoutes.set(pathRouteKey(req), { linkNames, route });
      this.pathChanges.set(route, {});
    }
    return route;
  }

  /** pathRoute's answer when it is known already (taken without waiting: a switch's every step counts) */
  private knownPathRoute(req: ApiSetPath): Route | undefined {
    const known = this.pathRoutes.get(pathRouteKey(req));
    return known?.linkNames === this.linkNames ? known.route : undefined;
  }

  /** The switch: one route replaced in one netlink round trip (applyParsed: planned against what the agent owns). */
  setPath(req: ApiSetPath, atTurn = noCheck): Promise<ApplyResult> {
    return this.exclusive(async () => {
      atTurn();
      return this.applyParsed([{ kind: 'route', action: 'upsert', field: 'request', obj: this.knownPathRoute(req) ?? await this.pathRoute(req) }], false, 'owned');
    });
  }

  /**
   * setPath, only while the route it replaces carries `segments` (travel order, as the kernel spells
   * them); undefined when it does not (someone else moved it first) and nothing changed. A dry run
   * plans it (and fills the caches its real run needs) without sending anything.
   */
  setPathFrom(segments: readonly string[], req: ApiSetPath, dryRun = false): Promise<ApplyResult | undefined> {
    return this.exclusive(async () => {
      const route = this.knownPathRoute(req) ?? await this.pathRoute(req);
      const current = (await this.ownedRoutes()).get(routeKey(route))?.encap;
      const carried = current?.type === 'seg6' ? current.segments : [];
      if (!dryRun && (carried.length !== segments.length || carried.some((s, i) => s !== segments[i]))) return undefined;
      return this.applyParsed([{ kind: 'route', action: 'upsert', field: 'request', obj: route }], dryRun, 'owned');
    });
  }

  private async ownedRoutes(): Promise<Map<string, Route>> {
    if (!this.owned) {
      const routes = await this.rtnl.routes(C.AF_INET6, { protocol: this.protocol });
      this.owned = new Map(routes.map((r) => [routeKey(r), r]));
    }
    return this.owned;
  }

  // ---------- list / sync ----------

  private async ownedKernelState(): Promise<{ routes: Route[]; rules: Rule[] }> {
    return {
      routes: await this.rtnl.routes(C.AF_INET6, { protocol: this.protocol }),
      rules: (await this.rtnl.rules(C.AF_INET6)).filter((r) => r.protocol === this.protocol),
    };
  }

  /** What the agent owns, and beside it what others put in the router's IPv6 tables (agent/foreign.ts). */
  async listState(): Promise<ListStateResponse> {
    await this.refreshLinks();
    const allRoutes = await this.reader.routes(C.AF_INET6);
    const allRules = await this.reader.rules(C.AF_INET6);
    const routes = allRoutes.filter((r) => r.protocol === this.protocol);
    for (const r of routes) if (isSid(r)) this.sidTables.add(r.table);
    return {
      routes: routes.filter((r) => !isSid(r)).map((r) => apiRoute(r, this.ifname)),
      sids: routes.filter(isSid).map((r) => apiSid(r, this.ifname)),
      rules: allRules.filter((r) => r.protocol === this.protocol).map((r) => apiRule(r, this.flowlabelByMark)),
      foreign: foreignState(allRoutes, allRules, this.protocol, this.ifname),
    };
  }

  sync(desired: ApiState, dryRun: boolean, atTurn = noCheck) {
    return this.exclusive(async () => {
      atTurn();
      const wanted = await this.resolve(async (ctx) => [
        ...(desired.routes ?? []).map((r, i): ParsedOp => ({ kind: 'route', action: 'upsert', field: `desired.routes[${i}]`, obj: V.route(`desired.routes[${i}]`, r, ctx) })),
        ...(desired.sids ?? []).map((s, i): ParsedOp => ({ kind: 'route', action: 'upsert', field: `desired.sids[${i}]`, obj: V.sid(`desired.sids[${i}]`, s, ctx) })),
        ...(desired.rules ?? []).map((r, i): ParsedOp => ({ kind: 'rule', action: 'upsert', field: `desired.rules[${i}]`, obj: V.rule(`desired.rules[${i}]`, r as ApiRule, ctx) })),
      ]);
      const keyOf = (o: ParsedOp) => (o.kind === 'route' ? routeKey(o.obj) : `rule ${ruleKey(o.obj)}`);
      const seen = new Map<string, string>();
      for (const o of wanted) {
        const k = keyOf(o);
        if (seen.has(k)) throw invalid(o.field, k, `a unique object (${seen.get(k)} has the same identity)`);
        seen.set(k, o.field);
      }
      const current = await this.ownedKernelState();
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
      const result = ops.length ? await this.applyParsed(ops, dryRun, 'kernel') : undefined;
      return { added, changed, removed, unchanged, result };
    });
  }

  /** Removes everything this agent owns (used by tests and `--flush-on-exit`). */
  flush(): Promise<number> {
    return this.exclusive(async () => {
      const { routes, rules } = await this.ownedKernelState();
      const ops: ParsedOp[] = [
        ...rules.map((r): ParsedOp => ({ kind: 'rule', action: 'delete', field: 'flush', obj: r })),
        ...routes.map((r): ParsedOp => ({ kind: 'route', action: 'delete', field: 'flush', obj: r })),
      ];
      if (ops.length) await this.applyParsed(ops, false, 'kernel');
      return ops.length;
    });
  }
}
