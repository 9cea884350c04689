// A private etcd for the lab and the tests: one member on free loopback ports,
// its data in a directory the caller owns, its output appended to a log file.
// Never the system's etcd (Debian's etcd-server may install a service on
// 2379; we neither use nor need it). Every etcd started here is killed when
// this process exits, unless started detached (the lab's).
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export interface EtcdOptions {
  /** its data go to `dir/data`, its log to `dir/etcd.log` unless `log` is given */
  dir: string;
  /** the file etcd's output is appended to */
  log?: string;
  /** how long to wait until it answers, ms (10 s) */
  startTimeoutMs?: number;
  /**
   * outlives this process (the lab's etcd): a session of its own, not killed
   * when this process exits; whoever keeps its pid stops it
   */
  detached?: boolean;
}

export interface RunningEtcd {
  /** its client URL, http://127.0.0.1:PORT (the same after restart()) */
  readonly endpoint: string;
  /** the current process (a new one after restart()) */
  readonly pid: number;
  /** the file its output is appended to */
  readonly log: string;
  /** SIGTERM (SIGKILL after 5 s); the data directory stays */
  stop(): Promise<void>;
  /** SIGSTOP: it stops answering, connections stay open (a hung server, for tests) */
  pause(): void;
  /** SIGCONT */
  resume(): void;
  /** stops it and starts it again on the same data and ports, and waits until it answers */
  restart(): Promise<void>;
}

const HOST = '127.0.0.1';
const NAME = 'srv6';
const STOP_GRACE_MS = 5000;
const LOG_TAIL_LINES = 20;

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** The first executable `name` on PATH, or undefined. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A port nothing listens on at the moment (the kernel's choice); etcd binds it a moment later. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function healthy(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(`${endpoint}/health`, { timeout: 1000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 && /"health"\s*:\s*"true"/.test(body)));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** The last lines etcd wrote since `from` (a byte offset into its log). */
function logTail(log: string, from: number): string {
  try {
    const text = readFileSync(log).subarray(from).toString('utf8').trimEnd();
    return text.split('\n').slice(-LOG_TAIL_LINES).join('\n') || '(nothing)';
  } catch (e) {
    return `(cannot read it: ${(e as Error).message})`;
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

interface Ports {
  client: number;
  peer: number;
}

/** Debian's etcd on PATH; throws naming the package when there is none. */
export function etcdBinary(): string {
  const binary = onPath('etcd');
  if (!binary) throw new Error(`etcd not found: install the Debian package etcd-server (searched PATH=${process.env.PATH ?? ''})`);
  return binary;
}

/**
 * Starts one etcd member for our own use and waits until it answers on
 * /health. Fails with the end of its log when it does not within
 * `startTimeoutMs`, and says which package to install when there is no etcd.
 */
export async function startEtcd(opts: EtcdOptions): Promise<RunningEtcd> {
  const binary = etcdBinary();
  const dataDir = join(opts.dir, 'data');
  const log = opts.log ?? join(opts.dir, 'etcd.log');
  const timeoutMs = opts.startTimeoutMs ?? 10_000;
  mkdirSync(opts.dir, { recursive: true });

  const args = (p: Ports): string[] => [
    '--name', NAME, '--data-dir', dataDir,
    '--listen-client-urls', `http://${HOST}:${p.client}`, '--advertise-client-urls', `http://${HOST}:${p.client}`,
    '--listen-peer-urls', `http://${HOST}:${p.peer}`, '--initial-advertise-peer-urls', `http://${HOST}:${p.peer}`,
    '--initial-cluster', `${NAME}=http://${HOST}:${p.peer}`, '--initial-cluster-state', 'new', '--initial-cluster-token', `srv6-${p.peer}`,
    // etcd's shortest lease is 1.5 election ticks x heartbeat rounded up to whole seconds: 2 s with the
    // defaults (100 ms, 10 ticks), which would stretch our 1 s leases; 50 ms x 10 ticks makes it 1 s
    '--heartbeat-interval', '50', '--election-timeout', '500',
    '--logger', 'zap', '--log-outputs', 'stderr',
  ];
  // etcd reads ETCD_<FLAG> from its environment: none of the caller's may change ours
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD')));

  let child: ChildProcess | undefined;
  let ports: Ports | undefined;

  const launch = async (p: Ports): Promise<void> => {
    const from = fileSize(log);
    const out = openSync(log, 'a');
    const c = spawn(binary, args(p), { stdio: ['ignore', out, out], env, detached: opts.detached ?? false });
    closeSync(out);
    if (opts.detached) {
      c.unref();
    } else {
      running.add(c);
      c.once('exit', () => running.delete(c));
    }
    let spawnError: Error | undefined;
    c.once('error', (e) => (spawnError = e));
    child = c;
    const endpoint = `http://${HOST}:${p.client}`;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (spawnError) throw new Error(`etcd (${binary}) did not start: ${spawnError.message}`);
      if (c.exitCode !== null || c.signalCode !== null) {
        throw new Error(`etcd exited (${c.exitCode ?? c.signalCode}) before it answered on ${endpoint}; the end of its log (${log}):\n${logTail(log, from)}`);
      }
      if (await healthy(endpoint)) return;
      if (Date.now() > deadline) {
        c.kill('SIGKILL');
        await exited(c);
        throw new Error(`etcd did not answer on ${endpoint}/health within ${timeoutMs} ms; the end of its log (${log}):\n${logTail(log, from)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  // another process may take a port between our probe and etcd's bind: try new ports then
  for (let attempt = 1; ; attempt++) {
    const p = { client: await freePort(), peer: await freePort() };
    if (p.client === p.peer) continue;
    try {
      await launch(p);
      ports = p;
      break;
    } catch (e) {
      if (attempt >= 3 || !/address already in use/.test((e as Error).message)) throw e;
    }
  }

  const stop = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGCONT'); // a paused etcd handles no SIGTERM
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), STOP_GRACE_MS);
    await exited(c);
    clearTimeout(timer);
  };
  const signal = (sig: NodeJS.Signals) => () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(sig);
  };

  return {
    endpoint: `http://${HOST}:${ports.client}`,
    get pid() {
      return child!.pid!;
    },
    log,
    stop,
    pause: signal('SIGSTOP'),
    resume: signal('SIGCONT'),
    async restart() {
      await stop();
      await launch(ports!);
    },
  };
}
