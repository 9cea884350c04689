// docker-compose.yml for a topology: one container per router (the agent
// inside, NET_ADMIN and SYS_NICE, no privileged), one for the controller (or
// several and an etcd that elects their leader), a network per core link, the
// management network, and the two macvlan networks on the host's physical NICs
// (parents from the environment, the seed's names by default).
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

const ETCD_PORT = 2379;
/**
 * Where each agent also listens, on a volume every router and controller mounts: the controller reaches
 * the agents through <dir>/<router>.sock, as in the lab (a path-based unix socket works across the
 * containers' mount namespaces), not over TCP on the management bridge, which made an isolated switch
 * slower (bench/README.md, "switch"). The agents' TCP listener on the management network stays, for
 * srv6ctl, grpcurl and the health checks; with TLS on, both are mutual TLS.
 */
const AGENT_SOCKET_DIR = '/run/srv6-agents';
/** its volume (srv6-deploy down removes it, with or without --volumes) */
export const AGENT_SOCKET_VOLUME = 'agent-sockets';
/** A router's socket on that volume */
const agentSocket = (router: string) => `${AGENT_SOCKET_DIR}/${router}.sock`;
/**
 * Health checks run bash, not Node (a Node process started every 5 s in each container made the switches
 * near it slow), and rarely: every check is a `docker exec` (runc starting a process in the container, tens
 * of milliseconds of CPU), and those every 5 s in each container were the tail of the isolated switches
 * (bench/README.md, "switch"). Nothing waits on them: the controllers start once the routers have started
 * (they reconnect), and srv6-deploy up checks through gRPC that the controllers reach every agent and runs
 * each container's check once itself. An agent or a controller is healthy when its API accepts a
 * connection; etcd when its /health says so. SRV6_HEALTH_INTERVAL sets the interval.
 */
const HEALTH = { interval: '${SRV6_HEALTH_INTERVAL:-60s}', timeout: '3s', retries: 3 };
const listening = (host: string, port: number) => ({ test: ['CMD', 'bash', '-c', `exec 3<>/dev/tcp/${host}/${port}`], ...HEALTH });
const ETCD_HEALTHY = {
  test: ['CMD', 'bash', '-c', `exec 3<>/dev/tcp/::1/${ETCD_PORT} && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '"health":"true"' <&3`],
  ...HEALTH,
};
/** at most this many controllers in one deployment (their addresses count down from ::fffd, etcd's is ::fff0) */
export const MAX_CONTROLLERS = 9;

/** Controller `n`'s address on the management network (1: <prefix>::fffd, 2: ::fffc, ..; the host bridge is ::fffe). */
export function controllerAddress(t: Topology, n = 1): string {
  return withLastGroup(net(t.management.prefix), 0xfffd - (n - 1));
}

/** etcd's address on the management network: <prefix>::fff0 */
function etcdAddress(t: Topology): string {
  return withLastGroup(net(t.management.prefix), 0xfff0);
}

/** Controller `n`'s service (and member) name: controller, controller-2, .. */
export const controllerService = (n: number) => (n === 1 ? 'controller' : `controller-${n}`);
/** The host-side port variable of controller `n`'s API, metrics or web view: SRV6_CONTROLLER_PORT, SRV6_CONTROLLER_2_PORT, .. */
export const portVariable = (what: 'CONTROLLER' | 'METRICS' | 'HTTP', n: number) => (n === 1 ? `SRV6_${what}_PORT` : `SRV6_${what}_${n}_PORT`);

function externalNetwork(e: External) {
  return {
    driver: 'macvlan',
    driver_opts: { parent: `\${SRV6_${e.role.toUpperCase()}_NIC:-${e.nic}}`, macvlan_mode: 'bridge' },
    enable_ipv6: true,
    // docker takes <prefix>::1 as the gateway unless told otherwise, and R6 is fd03:1::1
    ipam: { config: [{ subnet: e.network, gateway: withLastGroup(net(e.network), 0xfffe) }] },
  };
}

export interface ComposeOptions {
  /** the topology file as the controller finds it in the image (topology/NAME.yaml) */
  topologyInImage: string;
  /** Node options and environment the agent runs with (agent/runtime.ts: the layer above says which) */
  agentNodeFlags?: readonly string[];
  agentEnv?: Readonly<Record<string, string>>;
  /** 2 or more: that many controllers and an etcd service (with a volume) that elects their leader (1) */
  controllers?: number;
}

export function composeFile(t: Topology, o: ComposeOptions): string {
  const { agentNodeFlags = [], agentEnv = {}, controllers = 1 } = o;
  if (!Number.isInteger(controllers) || controllers < 1 || controllers > MAX_CONTROLLERS) throw new Error(`controllers ${controllers}: expected an integer 1..${MAX_CONTROLLERS}`);
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
        // the management address and the socket for the controllers: agents are not reachable from any other network
        SRV6_AGENT_LISTEN: `${listen},unix:${agentSocket(r.name)}`,
        SRV6_INTERFACE_NAMES: names.join(','),
        SRV6_TLS_DIR: '${SRV6_TLS_DIR:-}',
        ...agentEnv,
      },
      volumes: ['${SRV6_CERTS:-./certs}:/certs:ro', `${AGENT_SOCKET_VOLUME}:${AGENT_SOCKET_DIR}`],
      command: [...agentNodeFlags, 'dist/agent/main.js'],
      networks: nets,
      healthcheck: { ...listening(r.management, t.management.port), start_period: '5s' },
      restart: 'unless-stopped',
    };
  }
  // started, not healthy: a controller reconnects to an agent not serving yet (and to etcd), and Docker's first check comes an interval after the start
  const routersStarted = Object.fromEntries(t.routers.map((r) => [r.name, { condition: 'service_started' }]));
  const clustered = controllers > 1;
  const etcdUrl = `http://[${etcdAddress(t)}]:${ETCD_PORT}`;
  for (let n = 1; n <= controllers; n++) {
    const name = controllerService(n);
    const address = controllerAddress(t, n);
    const port = (what: 'CONTROLLER' | 'METRICS' | 'HTTP', inside: number) => `127.0.0.1:\${${portVariable(what, n)}:-${inside + n - 1}}:${inside}`;
    services[name] = {
      image: IMAGE,
      build: { context: '..', dockerfile: 'compose/Dockerfile' },
      hostname: name,
      labels: { 'srv6.role': 'controller', 'srv6.management': `[${address}]:${CONTROLLER_PORT}` },
      command: [
        'dist/controller/main.js', '--topology', o.topologyInImage, '--agent-socket-dir', AGENT_SOCKET_DIR,
        '--listen', `[::]:${CONTROLLER_PORT}`, '--metrics', `[::]:${METRICS_PORT}`, '--http', `[::]:${HTTP_PORT}`,
        // the others forward writes to the leader at its management address
        ...(clustered ? ['--etcd', etcdUrl, '--lease-ttl', '${SRV6_LEASE_TTL:-2}', '--member-id', name, '--advertise', `[${address}]:${CONTROLLER_PORT}`] : []),
      ],
      // the web view listens beyond the container's loopback: it needs the token (or TLS), which srv6-deploy provides
      environment: { SRV6_INTERVAL_MS: '${SRV6_INTERVAL_MS:-100}', SRV6_TLS_DIR: '${SRV6_TLS_DIR:-}', SRV6_HTTP_TOKEN: '${SRV6_HTTP_TOKEN:-}' },
      volumes: ['${SRV6_CERTS:-./certs}:/certs:ro', `${AGENT_SOCKET_VOLUME}:${AGENT_SOCKET_DIR}`],
      networks: { mgmt: { ipv6_address: address } },
      // published on the host's loopback only
      ports: [port('CONTROLLER', CONTROLLER_PORT), port('METRICS', METRICS_PORT), port('HTTP', HTTP_PORT)],
      depends_on: clustered ? { ...routersStarted, etcd: { condition: 'service_started' } } : routersStarted,
      healthcheck: listening('::1', CONTROLLER_PORT),
      restart: 'unless-stopped',
    };
  }
  // tmpfs: the sockets go with the last container that mounts the volume; srv6-deploy down removes it
  const volumes: Record<string, unknown> = { [AGENT_SOCKET_VOLUME]: { driver_opts: { type: 'tmpfs', device: 'tmpfs', o: 'mode=0700' } } };
  if (clustered) {
    services.etcd = {
      image: IMAGE,
      build: { context: '..', dockerfile: 'compose/Dockerfile' },
      hostname: 'etcd',
      labels: { 'srv6.role': 'etcd', 'srv6.management': etcdUrl },
      // Debian's etcd, copied into the image by srv6-deploy; one member, its data on a volume (the intent outlives the containers)
      entrypoint: ['/app/etcd'],
      command: [
        '--name', 'etcd', '--data-dir', '/var/lib/etcd',
        '--listen-client-urls', `http://[::]:${ETCD_PORT}`, '--advertise-client-urls', etcdUrl,
        '--listen-peer-urls', 'http://127.0.0.1:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380', '--initial-cluster', 'etcd=http://127.0.0.1:2380',
        // as the lab's: leases of 1 s hold (etcd's defaults make 2 s the shortest)
        '--heartbeat-interval', '50', '--election-timeout', '500',
      ],
      volumes: ['etcd-data:/var/lib/etcd'],
      networks: { mgmt: { ipv6_address: etcdAddress(t) } },
      healthcheck: ETCD_HEALTHY,
      restart: 'unless-stopped',
    };
    volumes['etcd-data'] = {};
  }
  const f = endpoints(t, 'forward');
  const header = [
    `# Generated from ${t.name} (${f.ingress} ingress, ${f.egress} egress) by \`srv6-lab compose ${t.name}\`: do not edit,`,
    '# change the topology file and generate again (a test fails while they differ).',
    '# The NICs wired to the external UPF and server: SRV6_UPF_NIC, SRV6_SERVER_NIC (the seed: enp2s0f1, enp2s0f0);',
    `# the controller's API, metrics and web view on the host's loopback: SRV6_CONTROLLER_PORT, SRV6_METRICS_PORT, SRV6_HTTP_PORT (${CONTROLLER_PORT}, ${METRICS_PORT}, ${HTTP_PORT});`,
    '# the web view requires SRV6_HTTP_TOKEN (srv6-deploy makes one in compose/certs/http-token) unless TLS is on;',
    '# mutual TLS everywhere: SRV6_TLS_DIR=/certs, with the files of `srv6-deploy certs` in SRV6_CERTS (compose/certs);',
    `# the controller reaches each agent through its socket on the volume ${AGENT_SOCKET_VOLUME} (${AGENT_SOCKET_DIR}); Docker's health checks every SRV6_HEALTH_INTERVAL (60s).`,
  ].join('\n');
  const extra = clustered ? `\n# ${controllers} controllers (\`srv6-deploy up --controllers ${controllers}\`): etcd on the management network elects their leader;\n# each one's API, metrics and web view on the next ports (SRV6_CONTROLLER_2_PORT, ..); SRV6_LEASE_TTL (2 s).` : '';
  return `${header}${extra}\n${stringify({ version: '2.4', services, networks, volumes }, { lineWidth: 0 })}`;
}
