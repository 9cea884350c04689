// Multicast notifications (links, IPv6 routes and rules) delivered on the event loop.
import { messages } from './attr.js';
import * as C from './constants.js';
import { decodeLink, type Link } from './link.js';
import { decodeRoute, type Route } from './route.js';
import { decodeRule, type Rule } from './rule.js';
import { NetlinkSocket } from './socket.js';

export type RtnlEvent =
  | { kind: 'link'; op: 'new' | 'del'; link: Link }
  | { kind: 'route'; op: 'new' | 'del'; route: Route }
  | { kind: 'rule'; op: 'new' | 'del'; rule: Rule }
  | { kind: 'overrun' };

const DEFAULT_GROUPS = [C.RTNLGRP_LINK, C.RTNLGRP_IPV6_ROUTE, C.RTNLGRP_IPV6_RULE];

export class RtnlMonitor {
  private readonly sock: NetlinkSocket;
  private readonly stop: () => void;

  constructor(onEvent: (e: RtnlEvent) => void, opts: { netns?: string; groups?: number[] } = {}) {
    this.sock = new NetlinkSocket({ netns: opts.netns, groups: opts.groups ?? DEFAULT_GROUPS, nonblocking: true, bufferBytes: 8 << 20 });
    this.stop = this.sock.watch((err, dgram) => {
      if (err) {
        // ENOBUFS: notifications were dropped; consumers must resynchronise
        onEvent({ kind: 'overrun' });
        return;
      }
      for (const m of messages(dgram!)) {
        switch (m.type) {
          case C.RTM_NEWLINK: case C.RTM_DELLINK:
            onEvent({ kind: 'link', op: m.type === C.RTM_NEWLINK ? 'new' : 'del', link: decodeLink(m.body) });
            break;
          case C.RTM_NEWROUTE: case C.RTM_DELROUTE:
            onEvent({ kind: 'route', op: m.type === C.RTM_NEWROUTE ? 'new' : 'del', route: decodeRoute(m.body) });
            break;
          case C.RTM_NEWRULE: case C.RTM_DELRULE:
            onEvent({ kind: 'rule', op: m.type === C.RTM_NEWRULE ? 'new' : 'del', rule: decodeRule(m.body) });
            break;
        }
      }
    });
  }

  /** Replaces the socket filter: what it drops is never queued nor read (netlink/filter.ts). */
  filter(program: Buffer): void {
    this.sock.attachFilter(program);
  }

  close(): void {
    this.stop();
    this.sock.close();
  }
}
