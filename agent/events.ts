// Kernel notifications turned into RouterEvents for WatchEvents subscribers,
// plus the link watch that keeps the agent's interface cache current.
import { acceptAll, C, RtnlMonitor, withoutRouteChangesOf, type RtnlEvent } from '../netlink/index.js';
import { apiRoute, apiRule, apiSid, isSid, opaqueParts } from './convert.js';
import type { OwnedState } from './state.js';
import type { RouterEvent } from '../proto/gen/srv6/agent/v1/RouterEvent.js';

/** What WatchEvents streams: the API's message. */
export type RouterEventMsg = RouterEvent;

type Subscriber = { includeOwn: boolean; send: (e: RouterEventMsg) => void };

export class EventHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly linkMonitor: RtnlMonitor;
  private routeMonitor?: RtnlMonitor;
  /** whether the route monitor lets the notifications of our own routes through */
  private ownPass = true;
  private readonly operState = new Map<number, string>();

  constructor(private readonly router: string, private readonly state: OwnedState) {
    for (const l of state.links()) this.operState.set(l.index, l.operstate);
    this.linkMonitor = new RtnlMonitor((e) => this.onEvent(e), { groups: [C.RTNLGRP_LINK] });
  }

  subscribe(includeOwn: boolean, send: (e: RouterEventMsg) => void): () => void {
    const sub = { includeOwn, send };
    this.subscribers.add(sub);
    // route/rule notifications are only decoded while someone listens: a large batch makes thousands
    if (!this.routeMonitor) {
      this.routeMonitor = new RtnlMonitor((e) => this.onEvent(e), { groups: [C.RTNLGRP_IPV6_ROUTE, C.RTNLGRP_IPV6_RULE] });
      this.ownPass = true;
    }
    this.filterOwn();
    return () => {
      this.subscribers.delete(sub);
      if (this.subscribers.size === 0) {
        this.routeMonitor?.close();
        this.routeMonitor = undefined;
      } else this.filterOwn();
    };
  }

  /**
   * The notifications of our own routes (one per switch, thousands per large
   * batch) are dropped in the kernel while no subscriber asks for them (the
   * controller does not): the agent is not woken up after each switch to
   * decode a route it then throws away.
   */
  private filterOwn(): void {
    const wanted = [...this.subscribers].some((s) => s.includeOwn);
    if (!this.routeMonitor || wanted === this.ownPass) return;
    this.routeMonitor.filter(wanted ? acceptAll() : withoutRouteChangesOf(this.state.protocol));
    this.ownPass = wanted;
  }

  /** An event of the agent's own making (probes, fast reroute). */
  publish(e: Omit<RouterEventMsg, 'router' | 'wall_ms'>): void {
    this.emit(e);
  }

  private emit(e: Omit<RouterEventMsg, 'router' | 'wall_ms'>, own = false): void {
    const msg = { router: this.router, wall_ms: String(Date.now()), ...e };
    for (const s of this.subscribers) if (!own || s.includeOwn) s.send(msg);
  }

  private onEvent(e: RtnlEvent): void {
    switch (e.kind) {
      case 'overrun':
        this.refreshLinks();
        this.emit({ kind: 'overrun' });
        break;
      case 'link': {
        const { link } = e;
        const prev = this.operState.get(link.index);
        if (e.op !== 'del') this.state.noteLink(link);
        if (e.op === 'del') {
          this.operState.delete(link.index);
          this.refreshLinks();
          this.emit({ kind: 'link-removed', interface: link.name });
        } else if (prev === undefined) {
          this.operState.set(link.index, link.operstate);
          this.refreshLinks();
          this.emit({ kind: 'link-added', interface: link.name });
        } else if (prev !== link.operstate) {
          this.operState.set(link.index, link.operstate);
          if (link.operstate === 'up' || prev === 'up') this.emit({ kind: link.operstate === 'up' ? 'link-up' : 'link-down', interface: link.name });
        }
        break;
      }
      case 'route': {
        const r = e.route;
        if (r.family !== C.AF_INET6 || r.table === C.RT_TABLE_LOCAL || r.type === C.RTN_MULTICAST) return;
        // a SID whose action this agent does not know (End.BPF, ...) is still a SID; opaque says what is not shown
        const body = isSid(r) ? { sid: apiSid(r, this.state.ifname) } : { route: apiRoute(r, this.state.ifname) };
        this.emit({ kind: e.op === 'new' ? 'route-added' : 'route-removed', protocol: r.protocol, opaque: opaqueParts(r), ...body }, r.protocol === this.state.protocol);
        break;
      }
      case 'rule': {
        const own = e.rule.protocol === this.state.protocol;
        this.emit({ kind: e.op === 'new' ? 'rule-added' : 'rule-removed', protocol: e.rule.protocol ?? 0, rule: apiRule(e.rule, own && this.state.flowlabelByMark) }, own);
        break;
      }
    }
  }

  /** Re-reads the links after a change the monitor announced; a failure leaves the cache as it was until the next one. */
  private refreshLinks(): void {
    this.state.refreshLinks().catch(() => undefined);
  }

  close(): void {
    this.linkMonitor.close();
    this.routeMonitor?.close();
    this.subscribers.clear();
  }
}
