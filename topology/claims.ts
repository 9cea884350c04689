// Claims on things that must be unique across a whole topology file
// (addresses, MACs, networks), each remembering where it was first seen.
import { overlaps, type Net } from './ipv6.js';
import { formatPath, type DocPath, type Problems } from './problems.js';

/** Claims on things that must be unique across the whole file, each remembering where it was first seen. */
export class Claims {
  private readonly addresses = new Map<string, string>();
  private readonly macs = new Map<string, string>();
  private readonly nets: { net: Net; path: string }[] = [];

  constructor(private readonly problems: Problems) {}

  address(addr: string, path: DocPath, label = 'address'): void {
    const other = this.addresses.get(addr);
    if (other) this.problems.add(path, `${label} ${addr} is already used at ${other}`);
    else this.addresses.set(addr, formatPath(path));
  }

  mac(mac: string, path: DocPath): void {
    const other = this.macs.get(mac);
    if (other) this.problems.add(path, `MAC ${mac} is already used at ${other}`);
    else this.macs.set(mac, formatPath(path));
  }

  /** Networks (locators, links, externals, management) must be pairwise disjoint. */
  net(net: Net, path: DocPath): boolean {
    const other = this.nets.find((n) => overlaps(n.net, net));
    if (other) this.problems.add(path, `${net.text} overlaps ${other.net.text} (${other.path})`);
    else this.nets.push({ net, path: formatPath(path) });
    return !other;
  }
}
