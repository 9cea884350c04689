// docker-compose.yml for a topology: one container per router (the agent
// inside, NET_ADMIN and SYS_NICE, no privileged), one for the controller, a network per core
// link, the management network, and the two macvlan networks on the host's
// physical NICs (parents from the environment, the seed's names by default).
// A pure derivation from the topology (text out, nothing touched), so it lives
// here, below both of its users: the Docker deployment (compose/: srv6-deploy,
// its certificates) and `srv6-lab compose` (hostsetup/lab/), which must not
// import compose/.
import { stringify } from 'yaml';
import { endpoints, neighbors } from './derive.js';
import { parseIfAddr, parseNet, withLastGroup, type Net } from './ipv6.js';
import type { External, Topology } from './model.js';

const IMAGE = 'srv6-orchestrator:${SRV6_TAG:-latest}';
export const CONTROLLER_PORT = 50052;
export const METRICS_PORT = 9464;
/** the controller's web view (in the container on every address, with the token srv6-deploy makes; on the host's loopback only) */
export const HTTP_PORT = 8080;

const net = (prefix: string) => {
  const n = parseNet(prefix);
  if ('problem' in n) throw new Error(n.problem);
  return n.ok;
};
const bare = (cidr: string) => cidr.split('/')[0];
/** the network of an interface address ("fd01:2::1/64" -> fd01:2::/64) */
const netOf = (ifaddr: string): Net => {
  const a = parseIfAddr(ifaddr);
  if ('problem' in a) throw new Error(a.problem);
  return a.ok.net;
};
const linkNetwork = (name: string) => `link-${name}`;

/** The controller's address on the management network: <prefix>::fffd (the host bridge is ::fffe). */
export function controllerAddress(t: Topology): string {
  return withLastGroup(net(t.management.prefix), 0xfffd);
}

function externalNetwork(e: External) {
  return {
    driver: 'macvlan',
    driver_opts: { parent: `\${SRV6_${e.role.toUpperCase()}_NIC:-${e.nic}}`, macvlan_mode: 'bridge' },
    enable_ipv6: true,
    // docker takes <prefix>::1 as the gateway unless told otherwise, and R6 is fd03:1::1
    ipam: { config: [{ subnet: e.network, gateway: withLastGroup(net(e.network), 0xfffe) }] },
  };
}

/** `agentNodeFlags`, `agentEnv`: Node options and environment the agent runs with (agent/runtime.ts: the layer above says which). */
export function composeFile(t: Topology, topologyInImage: string, agentNodeFlags: readonly string[] = [], agentEnv: Readonly<Record<string, string>> = {}): string {
  const networks: Record<string, unknown> = {
    mgmt: {
      driver: 'bridge',
      enable_ipv6: true,
      ipam: { config: [{ subnet: t.management.prefix, gateway: withLastGroup(net(t.management.prefix), 0xfffe) }] },
    },
  };
  for (const l of t.links) {
    // internal: the host takes no part in the core links; the gateway address stays clear of the routers'
    networks[linkNetwork(l.name)] = {
      driver: 'bridge',
      driver_opts: { 'com.docker.network.driver.mtu': String(l.mtu) },
      internal: true,
      enable_ipv6: true,
      ipam: { config: [{ subnet: netOf(l.a.address).text, gateway: withLastGroup(netOf(l.a.address), 0xfffe) }] },
    };
  }
  for (const e of [t.externals.upf, t.externals.server]) networks[`external-${e.role}`] = externalNetwork(e);

  const services: Record<string, unknown> = {};
  for (const r of t.routers) {
    const names: string[] = [];
    const nets: Record<string, { ipv6_address: string }> = { mgmt: { ipv6_address: r.management } };
    for (const n of neighbors(t, r.name)) {
      nets[linkNetwork(n.link.name)] = { ipv6_address: bare(n.local.address) };
      names.push(`${bare(n.local.address)}=${n.local.interface}`);
    }
    for (const e of [t.externals.upf, t.externals.server].filter((x) => x.router.name === r.name)) {
      nets[`external-${e.role}`] = { ipv6_address: bare(e.router.address) };
      names.push(`${bare(e.router.address)}=${e.router.interface}@${e.router.mac}`);
    }
    names.push(`${r.management}=mgmt0`);
    const listen = `[${r.management}]:${t.management.port}`;
    services[r.name] = {
      image: IMAGE,
      build: { context: '..', dockerfile: 'compose/Dockerfile' },
      hostname: r.name,
      labels: { 'srv6.role': 'router', 'srv6.router': r.name, 'srv6.management': listen },
      // SYS_NICE: the probe reflector's thread runs real-time (agent/probe), or a busy host delays its answers
      cap_add: ['NET_ADMIN', 'SYS_NICE'],
      sysctls: {
        'net.ipv6.conf.all.disable_ipv6': 0,
        'net.ipv6.conf.all.forwarding': 1,
        'net.ipv6.conf.all.seg6_enabled': 1,
        'net.ipv6.conf.default.seg6_enabled': 1,
        'net.ipv6.conf.all.keep_addr_on_down': 1,
        'net.ipv6.conf.default.keep_addr_on_down': 1,
        'net.ipv6.conf.all.accept_dad': 0,
        'net.ipv6.conf.default.accept_dad': 0,
        // Docker attaches the interfaces (eth0.. in attachment order) before it applies these: they keep the
        // seg6_enabled 0 they were made with, and the kernel drops an SRv6 header addressed to the router
        // itself on them (a probe reaching its reflector, a reply its sender), while SIDs still work
        ...Object.fromEntries(Object.keys(nets).map((_, i) => [`net.ipv6.conf.eth${i}.seg6_enabled`, 1])),
      },
      environment: {
        SRV6_AGENT_NAME: r.name,
        // the management address only: agents are not reachable from any other network
        SRV6_AGENT_LISTEN: listen,
        SRV6_INTERFACE_NAMES: names.join(','),
        SRV6_TLS_DIR: '${SRV6_TLS_DIR:-}',
        ...agentEnv,
      },
      volumes: ['${SRV6_CERTS:-./certs}:/certs:ro'],
      command: [...agentNodeFlags, 'dist/agent/main.js'],
      networks: nets,
      healthcheck: { test: ['CMD', 'node', 'dist/proto/health-check.js', listen, r.name], interval: '5s', timeout: '3s', retries: 5, start_period: '5s' },
      restart: 'unless-stopped',
    };
  }
  const mgmtAddress = controllerAddress(t);
  services.controller = {
    image: IMAGE,
    build: { context: '..', dockerfile: 'compose/Dockerfile' },
    hostname: 'controller',
    labels: { 'srv6.role': 'controller', 'srv6.management': `[${mgmtAddress}]:${CONTROLLER_PORT}` },
    command: ['dist/controller/main.js', '--topology', topologyInImage, '--listen', `[::]:${CONTROLLER_PORT}`, '--metrics', `[::]:${METRICS_PORT}`, '--http', `[::]:${HTTP_PORT}`],
    // the web view listens beyond the container's loopback: it needs the token (or TLS), which srv6-deploy provides
    environment: { SRV6_INTERVAL_MS: '${SRV6_INTERVAL_MS:-100}', SRV6_TLS_DIR: '${SRV6_TLS_DIR:-}', SRV6_HTTP_TOKEN: '${SRV6_HTTP_TOKEN:-}' },
    volumes: ['${SRV6_CERTS:-./certs}:/certs:ro'],
    networks: { mgmt: { ipv6_address: mgmtAddress } },
    // published on the host's loopback only
    ports: [
      `127.0.0.1:\${SRV6_CONTROLLER_PORT:-${CONTROLLER_PORT}}:${CONTROLLER_PORT}`, `127.0.0.1:\${SRV6_METRICS_PORT:-${METRICS_PORT}}:${METRICS_PORT}`,
      `127.0.0.1:\${SRV6_HTTP_PORT:-${HTTP_PORT}}:${HTTP_PORT}`,
    ],
    depends_on: Object.fromEntries(t.routers.map((r) => [r.name, { condition: 'service_healthy' }])),
    healthcheck: { test: ['CMD', 'node', 'dist/proto/health-check.js', `[::1]:${CONTROLLER_PORT}`, 'controller'], interval: '5s', timeout: '3s', retries: 5 },
    restart: 'unless-stopped',
  };
  const f = endpoints(t, 'forward');
  const header = [
    `# Generated from ${t.name} (${f.ingress} ingress, ${f.egress} egress) by \`srv6-lab compose ${t.name}\`: do not edit,`,
    '# change the topology file and generate again (a test fails while they differ).',
    '# The NICs wired to the external UPF and server: SRV6_UPF_NIC, SRV6_SERVER_NIC (the seed: enp2s0f1, enp2s0f0);',
    `# the controller's API, metrics and web view on the host's loopback: SRV6_CONTROLLER_PORT, SRV6_METRICS_PORT, SRV6_HTTP_PORT (${CONTROLLER_PORT}, ${METRICS_PORT}, ${HTTP_PORT});`,
    '# the web view requires SRV6_HTTP_TOKEN (srv6-deploy makes one in compose/certs/http-token) unless TLS is on;',
    '# mutual TLS everywhere: SRV6_TLS_DIR=/certs, with the files of `srv6-deploy certs` in SRV6_CERTS (compose/certs).',
  ].join('\n');
  return `${header}\n${stringify({ version: '2.4', services, networks }, { lineWidth: 0 })}`;
}
