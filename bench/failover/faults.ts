// The three failures, injected on the first transit router of a class's path
// and cleared again, each a command in a router's namespace:
//   drop       every forwarded packet dropped, carrier up (an nft chain on the forward hook, policy drop)
//   blackhole  a blackhole route for the next SID (ip -6 route add blackhole <next SID>/128)
//   carrier    the link to the next router down: its far end set down, so the transit router loses carrier
import { spawnSync } from 'node:child_process';
import { linkBetween, pathSegments } from '../../topology/derive.js';
import type { Direction, FlowClass, Topology } from '../../topology/model.js';

export const FAULT_CASES = ['drop', 'blackhole', 'carrier'] as const;
export type FaultCase = (typeof FAULT_CASES)[number];

export const CASE_LETTER: Record<FaultCase, string> = { drop: 'a', blackhole: 'b', carrier: 'c' };

export interface Fault {
  case: FaultCase;
  /** the transit router it is injected on */
  router: string;
  /** what is done, as a command line */
  what: string;
  /** the routers whose state the fault changes behind their agents' backs (carrier: both ends of the link) */
  touched: string[];
  /** carrier: the link taken down */
  link?: string;
  inject(): void;
  clear(): void;
}

function run(cmd: string, args: string[], input?: string): void {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || `exit ${r.status}`).trim()}`);
}

/** `fwd` is an nft keyword: the table and chain are named fault and drops */
const DROP_RULESET = 'add table inet fault\nadd chain inet fault drops { type filter hook forward priority 0; policy drop; }\n';

/**
 * The fault of a case on a path (ingress first): on path[1], the first transit
 * router. `ns` names a node's namespace.
 */
export function planFault(t: Topology, ns: (node: string) => string, c: FaultCase, cls: FlowClass, dir: Direction, path: string[]): Fault {
  if (path.length < 3) throw new Error(`path ${path.join('-')} has no transit router to inject a fault on`);
  const router = path[1];
  const at = ns(router);
  if (c === 'drop') {
    return {
      case: c, router, touched: [router],
      what: `${router}: nft add table inet fault; nft add chain inet fault drops '{ type filter hook forward priority 0; policy drop; }'`,
      inject: () => run('ip', ['netns', 'exec', at, 'nft', '-f', '-'], DROP_RULESET),
      clear: () => run('ip', ['netns', 'exec', at, 'nft', 'delete', 'table', 'inet', 'fault']),
    };
  }
  if (c === 'blackhole') {
    // the segment the transit router's End rewrites the destination to: the next router's End SID (or the egress's decap SID)
    const next = pathSegments(t, path, cls, dir)[1];
    return {
      case: c, router, touched: [router],
      what: `${router}: ip -6 route add blackhole ${next}/128`,
      inject: () => run('ip', ['-n', at, '-6', 'route', 'add', 'blackhole', `${next}/128`]),
      clear: () => run('ip', ['-n', at, '-6', 'route', 'del', 'blackhole', `${next}/128`]),
    };
  }
  const link = linkBetween(t, path[1], path[2]);
  if (!link) throw new Error(`no link ${path[1]}-${path[2]}`);
  const far = link.a.router === path[2] ? link.a : link.b;
  return {
    case: c, router, touched: [path[1], path[2]], link: `${path[1]}-${path[2]}`,
    what: `${far.router}: ip link set ${far.interface} down (${router} loses carrier on ${path[1]}-${path[2]})`,
    inject: () => run('ip', ['-n', ns(far.router), 'link', 'set', far.interface, 'down']),
    clear: () => run('ip', ['-n', ns(far.router), 'link', 'set', far.interface, 'up']),
  };
}
