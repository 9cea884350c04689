// What each router's agent should hold for the topology, before any dynamic
// path change: underlay routes to every locator, the End SID, the egress
// decapsulation SIDs of every class, and at each ingress the classifier rules
// and one seg6 encap route per class table on the class's initial path.
// The lab provisions it with Sync; the controller starts from it.
import type { Route as ApiRoute } from '../proto/gen/srv6/agent/v1/Route.js';
import type { RouterState as ApiState } from '../proto/gen/srv6/agent/v1/RouterState.js';
import type { Rule as ApiRule } from '../proto/gen/srv6/agent/v1/Rule.js';
import type { Sid as ApiSid } from '../proto/gen/srv6/agent/v1/Sid.js';
import { decapSid, endpoints, initialPath, pathDevice, pathSegments, router, underlayRoutes } from './derive.js';
import { DIRECTIONS, type Classifier, type Direction, type FlowClass, type Topology } from './model.js';

/** Rule priorities of the class classifiers: class i of the file at CLASS_RULE_PRIORITY + i. */
const CLASS_RULE_PRIORITY = 1000;

export function classRule(t: Topology, cls: FlowClass, dir: Direction): ApiRule {
  const c: Classifier = cls.classifier;
  const rule: ApiRule = { priority: CLASS_RULE_PRIORITY + t.classes.indexOf(cls), table: cls.table, to: c.to ?? endpoints(t, dir).destination.network };
  if (c.from) rule.from = c.from;
  if (c.flowlabel !== undefined) { rule.flowlabel = c.flowlabel; rule.flowlabel_mask = 0xfffff; }
  if (c.dscp !== undefined) rule.dscp = c.dscp;
  if (c.protocol !== undefined) rule.ip_proto = c.protocol;
  if (c.sport) rule.sport = { start: c.sport[0], end: c.sport[1] };
  if (c.dport) rule.dport = { start: c.dport[0], end: c.dport[1] };
  return rule;
}

/** The class's encap route at the ingress for a path (what SetPath switches). */
export function classRoute(t: Topology, cls: FlowClass, dir: Direction, path: string[]): ApiRoute {
  return {
    prefix: endpoints(t, dir).destination.network,
    table: cls.table,
    dev: pathDevice(t, path).dev,
    encap: { mode: 'encap', segments: pathSegments(t, path, cls, dir) },
  };
}

/**
 * routeOf: the class route to hold at the ingress (the controller's current path); default: the initial path.
 * linkUp: whether the router's interface is up; underlay routes over a down interface are left out
 * (the kernel deleted them when it went down and refuses them until it is back).
 */
export function desiredState(t: Topology, routerName: string, routeOf?: (cls: FlowClass, dir: Direction) => ApiRoute, linkUp: (dev: string) => boolean = () => true): Required<ApiState> {
  const r = router(t, routerName);
  const routes: ApiRoute[] = underlayRoutes(t, routerName).filter((u) => linkUp(u.dev)).map((u) => ({ prefix: u.prefix, via: u.via, dev: u.dev }));
  // no dev: the agent binds SIDs to its anchor interface, which never goes down (see agent/anchor.ts)
  const sids: ApiSid[] = [{ sid: r.endSid, action: 'End', count: true }];
  const rules: ApiRule[] = [];
  for (const dir of DIRECTIONS) {
    const { ingress, egress } = endpoints(t, dir);
    for (const cls of t.classes.filter((c) => c.directions.includes(dir))) {
      if (egress === routerName) sids.push({ sid: decapSid(t, cls, dir), action: 'End.DT6', lookup_table: 254, count: true });
      if (ingress === routerName) {
        rules.push(classRule(t, cls, dir));
        routes.push(routeOf ? routeOf(cls, dir) : classRoute(t, cls, dir, initialPath(t, cls, dir)));
      }
    }
  }
  return { routes, sids, rules };
}
