// netlink/filter.ts on a real kernel: a notification socket with
// withoutOwnRouteChanges() never hears of the route changes one socket makes to
// routes of one protocol, and hears of everything else (that socket's changes
// to other protocols' routes, anyone else's changes to that protocol's).
import { expect } from 'chai';
import { acceptAll, C, NetlinkSocket, Rtnl, messages, withoutOwnRouteChanges, withoutRouteChangesOf, type Route } from '../../netlink/index.js';
import { requireRoot, TestNetns } from '../helpers/netns.js';

const PROTO = 99;

describe('netlink: a socket filter without one socket\'s own route changes (privileged)', () => {
  let ns: TestNetns;
  let rtnl: Rtnl;
  let watcher: NetlinkSocket;

  before(function () {
    requireRoot(this);
    ns = TestNetns.create('nlfilter');
    rtnl = new Rtnl({ netns: ns.name });
    watcher = new NetlinkSocket({ netns: ns.name, groups: [C.RTNLGRP_IPV6_ROUTE], nonblocking: true });
    watcher.attachFilter(withoutOwnRouteChanges(rtnl.sock.portId, PROTO));
  });

  after(() => {
    watcher?.close();
    rtnl?.close();
    ns?.destroy();
  });

  /** The route notifications queued on the watcher: "new fd70::/64 proto 99". */
  function heard(): string[] {
    const out: string[] = [];
    for (let d = watcher.tryRecv(); d; d = watcher.tryRecv()) {
      for (const m of messages(d)) {
        if (m.type !== C.RTM_NEWROUTE && m.type !== C.RTM_DELROUTE) continue;
        out.push(`${m.type === C.RTM_NEWROUTE ? 'new' : 'del'} ${m.body[1]} proto ${m.body[5]}`);
      }
    }
    return out;
  }

  const lo = () => rtnl.links().find((l) => l.name === 'lo')!.index;
  const route = (dst: string, protocol: number): Route => ({
    family: C.AF_INET6, dst, dstLen: 64, table: 170, protocol, scope: C.RT_SCOPE_UNIVERSE, type: C.RTN_UNICAST, oif: lo(), priority: 1024,
  });

  it('drops its own changes to that protocol\'s routes, keeps the rest', () => {
    heard();
    rtnl.addRoute(route('fd70::', PROTO));
    rtnl.deleteRoute(route('fd70::', PROTO));
    expect(heard(), 'its own, protocol 99').to.deep.equal([]);
    rtnl.addRoute(route('fd71::', PROTO + 1));
    expect(heard(), 'its own, another protocol').to.deep.equal(['new 64 proto 100']);
    ns.ip('-6', 'route', 'add', 'fd72::/64', 'dev', 'lo', 'table', '170', 'proto', String(PROTO));
    ns.ip('-6', 'route', 'del', 'fd72::/64', 'table', '170', 'proto', String(PROTO));
    expect(heard(), 'someone else\'s, protocol 99').to.deep.equal(['new 64 proto 99', 'del 64 proto 99']);
  });

  it('withoutRouteChangesOf drops every change to that protocol\'s routes, whoever makes them; acceptAll lets them through again', () => {
    watcher.attachFilter(withoutRouteChangesOf(PROTO));
    heard();
    rtnl.addRoute(route('fd73::', PROTO));
    ns.ip('-6', 'route', 'add', 'fd74::/64', 'dev', 'lo', 'table', '170', 'proto', String(PROTO));
    rtnl.addRoute(route('fd75::', PROTO + 1));
    expect(heard(), 'protocol 99 from both, then 100').to.deep.equal(['new 64 proto 100']);
    watcher.attachFilter(acceptAll());
    rtnl.deleteRoute(route('fd73::', PROTO));
    expect(heard()).to.deep.equal(['del 64 proto 99']);
    watcher.attachFilter(withoutOwnRouteChanges(rtnl.sock.portId, PROTO));
  });
});
