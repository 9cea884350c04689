// The layer rules: each folder imports only downward. `npm test` runs them
// (npm run lint:layers); a wrong import fails the build with the rule's name.
//
//   netlink, proto                      (the bottom: the kernel codec and I/O; the API and its generated types)
//   agent       -> netlink, proto
//   topology    -> proto, netlink's address helpers (netlink/ip.ts) only
//   controller  -> agent (its client), topology, proto
//   ctl         -> the controller's client and API types, topology, proto
//   hostsetup   -> topology, agent, controller (it starts and asks them), netlink, proto
//   compose     -> hostsetup, topology, controller, agent, proto
//   bench, test -> the product; the product never imports them
const PRODUCT = '^(proto|netlink|agent|topology|controller|hostsetup|compose)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'product-imports-bench-or-test', severity: 'error', comment: 'bench and test use the product, never the other way round',
      from: { path: PRODUCT }, to: { path: '^(bench|test)/' } },
    { name: 'netlink-is-the-bottom', severity: 'error', comment: 'netlink imports nothing of ours but netlink',
      from: { path: '^netlink/' }, to: { path: '^(proto|agent|topology|controller|hostsetup|compose)/' } },
    { name: 'proto-is-the-bottom', severity: 'error', comment: 'proto imports nothing of ours but proto',
      from: { path: '^proto/' }, to: { path: '^(netlink|agent|topology|controller|hostsetup|compose)/' } },
    { name: 'agent-below-topology-and-controller', severity: 'error', comment: 'the agent knows the kernel and the API, not the network or the controller',
      from: { path: '^agent/' }, to: { path: '^(topology|controller|hostsetup|compose)/' } },
    { name: 'topology-is-pure', severity: 'error', comment: 'topology derives from the file: the API types and netlink\'s address helpers, nothing above',
      from: { path: '^topology/' }, to: { path: '^(agent|controller|hostsetup|compose)/|^netlink/(?!ip\\.ts$)' } },
    { name: 'controller-below-ctl-hostsetup-compose', severity: 'error', comment: 'the controller does not import its operators\' CLI or the deployment',
      from: { path: '^controller/', pathNot: '^controller/ctl/' }, to: { path: '^(controller/ctl|hostsetup|compose|netlink)/' } },
    { name: 'ctl-talks-to-the-controller-only', severity: 'error', comment: 'srv6ctl uses the controller\'s client and API types, not the agent, netlink or the deployment',
      from: { path: '^controller/ctl/' }, to: { path: '^(agent|netlink|hostsetup|compose)/' } },
    { name: 'hostsetup-below-compose', severity: 'error', comment: 'the Docker deployment uses host setup, not the other way round',
      from: { path: '^hostsetup/' }, to: { path: '^compose/' } },
    { name: 'no-circular', severity: 'error', comment: 'modules that import each other',
      from: {}, to: { circular: true, dependencyTypesNot: ['type-only'] } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
