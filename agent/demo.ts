#!/usr/bin/env node
// `npm start`: an agent in a throwaway network namespace with an example SRv6
// route, reachable from this shell over a unix socket. Ctrl-C removes it all.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentClient } from './client.js';

const NS = 'srv6-demo';
const DIR = '/run/srv6-demo';
const SOCKET = join(DIR, 'agent.sock');
const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8' });
const quiet = (...args: string[]) => { try { ip(...args); } catch { /* already gone */ } };

if (process.geteuid?.() !== 0) {
  console.error('npm start needs root: it creates a network namespace (try: sudo npm start)');
  process.exit(1);
}

function teardown(): void {
  quiet('netns', 'delete', NS);
  rmSync(DIR, { recursive: true, force: true });
}

teardown(); // leftovers of a crashed run
ip('netns', 'add', NS);
for (const [k, v] of [['forwarding', '1'], ['seg6_enabled', '1'], ['accept_dad', '0']]) {
  execFileSync('ip', ['netns', 'exec', NS, 'sysctl', '-qw', `net.ipv6.conf.all.${k}=${v}`, `net.ipv6.conf.default.${k}=${v}`]);
}
ip('-n', NS, 'link', 'set', 'lo', 'up');
ip('-n', NS, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1');
ip('-n', NS, 'link', 'set', 'eth0', 'up');
ip('-n', NS, 'link', 'set', 'eth1', 'up');
ip('-n', NS, '-6', 'addr', 'add', 'fd00:1::1/64', 'dev', 'eth0');
mkdirSync(DIR, { recursive: true });

const main = join(dirname(fileURLToPath(import.meta.url)), 'main.js');
const agent = spawn('ip', ['netns', 'exec', NS, process.execPath, main, '--name', 'demo', '--listen', `unix:${SOCKET}`], { stdio: ['ignore', 'inherit', 'inherit'] });

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  agent.kill('SIGTERM');
  agent.once('exit', () => {
    teardown();
    console.log(`\nremoved namespace ${NS} and ${DIR}`);
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
agent.once('exit', (code) => {
  if (stopping) return;
  teardown();
  console.error(`the agent exited (${code})`);
  process.exit(1);
});

const client = new AgentClient(`unix:${SOCKET}`);
await client.waitForReady(15_000);
const res = await client.call('SetPath', { prefix: 'fd03:1::/64', table: 101, segments: ['fc00:2::1', 'fc00:4::1', 'fc00:6::d6'], dev: 'eth0' });
client.close();

console.log(`
srv6-agent "demo" is running in network namespace ${NS}, listening on unix:${SOCKET}
It installed an example path (kernel time ${(Number(res.kernel_ns) / 1000).toFixed(0)} us):

  $ ip -n ${NS} -6 route show table 101
  ${ip('-n', NS, '-6', 'route', 'show', 'table', '101').trim()}

Try, from another shell:
  grpcurl -plaintext -unix ${SOCKET} list
  grpcurl -plaintext -unix ${SOCKET} srv6.agent.v1.RouterAgent/GetInfo
  grpcurl -plaintext -unix -d '{"prefix":"fd03:1::/64","table":101,"segments":["fc00:3::1","fc00:5::1","fc00:6::d6"],"dev":"eth0"}' \\
      ${SOCKET} srv6.agent.v1.RouterAgent/SetPath
  grpcurl -plaintext -unix -d '{"interval_ms":1000}' ${SOCKET} srv6.agent.v1.RouterAgent/StreamTelemetry
  ip -n ${NS} -6 route show table 101

Ctrl-C stops the agent and removes the namespace.`);
