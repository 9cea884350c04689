// Running iperf3 in a network namespace, whatever its output mode: the options
// both modes take, the client's command line, a server that is ready once it
// listens and stops on request, a client killed when it overruns, and
// iperf3's error output as one line. iperf.ts (--json) and iperf-live.ts
// (text, read as it comes) build on these.
import { spawn } from 'node:child_process';

export interface IperfServer {
  netns: string;
  bind: string;
  port: number;
  /** pid of the iperf3 process (ip netns exec execs it: same pid) */
  pid: number;
  /** SIGTERM (then SIGKILL after 3 s) to this pid only; resolves when it has exited */
  stop(): Promise<void>;
}

export interface IperfServerOptions {
  /** -1: serve one test, then exit */
  oneOff?: boolean;
  /** how long to wait for "Server listening" (default 5000 ms) */
  readyTimeoutMs?: number;
}

export interface IperfClientOptions {
  /** namespace the client runs in */
  netns: string;
  /** the server's address (IPv6 or IPv4) */
  server: string;
  /** default 5201 */
  port?: number;
  /** -t, default 10 */
  seconds?: number;
  /** -P, parallel streams, default 1 */
  parallel?: number;
  /** -R: the server sends */
  reverse?: boolean;
  /** --bidir: both send at once */
  bidir?: boolean;
  /** -u: UDP (bitrate then matters: iperf3's default for UDP is 1 Mbit/s) */
  udp?: boolean;
  /** -b, iperf3 syntax: "50M", "1G", "0" (unlimited) */
  bitrate?: string;
  /** -i, reporting interval in seconds, default 1 */
  intervalS?: number;
  /** -l, buffer / datagram length in bytes */
  length?: number;
  /** -M, TCP maximum segment size (the client's SYN advertises it, so it bounds both directions) */
  mss?: number;
  /** -B, the client's source address */
  bind?: string;
  /** --connect-timeout in ms, default 3000 */
  connectTimeoutMs?: number;
  /** extra iperf3 arguments, appended as given */
  extraArgs?: string[];
  /** kill the client after this long (default seconds + connect timeout + 30 s) */
  timeoutMs?: number;
}

/** iperf3's error output as one line: "iperf3: error - X" -> "X", without "iperf3: exiting". */
export const errorText = (text: string) => text.split('\n').map((l) => l.trim().replace(/^iperf3: error - /, ''))
  .filter((l) => l && l !== 'iperf3: exiting').join('; ');

/** Feeds a child's output to a line handler, line by line, timestamping each line on arrival. */
export function lines(stream: NodeJS.ReadableStream, onLine: (line: string, atMs: number) => void): void {
  let rest = '';
  stream.on('data', (d: Buffer) => {
    const atMs = Date.now();
    rest += d.toString();
    const parts = rest.split('\n');
    rest = parts.pop()!;
    for (const p of parts) onLine(p, atMs);
  });
  stream.on('end', () => { if (rest) onLine(rest, Date.now()); });
}

/**
 * Starts `iperf3 ARGS` as a server in a namespace; resolves when it listens, rejects with
 * iperf3's own error text when it cannot. Its stdout lines after that go to onLine.
 */
export function startServerProcess(
  netns: string, bind: string, port: number, args: string[], readyTimeoutMs: number,
  onLine?: (line: string, atMs: number) => void,
): Promise<IperfServer> {
  const proc = spawn('ip', ['netns', 'exec', netns, 'iperf3', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let listening = false;
  let exited = false;
  const exit = new Promise<void>((resolve) => proc.once('close', () => { exited = true; resolve(); }));
  const where = `iperf3 server in ${netns} on [${bind}]:${port}`;
  return new Promise<IperfServer>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      if (!exited && proc.pid) {
        try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone */ }
      }
      reject(new Error(`${where}: ${why}`));
    };
    const timer = setTimeout(() => fail(`not listening after ${readyTimeoutMs} ms${errorText(out) ? `: ${errorText(out)}` : ''}`), readyTimeoutMs);
    // read both pipes to the end, so the server never blocks on a full one
    lines(proc.stdout, (line, atMs) => {
      if (listening) {
        onLine?.(line, atMs);
        return;
      }
      out += line + '\n';
      if (!/Server listening/.test(line)) return;
      listening = true;
      clearTimeout(timer);
      const pid = proc.pid!;
      resolve({
        netns, bind, port, pid,
        async stop() {
          if (exited) return;
          try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
          const killer = setTimeout(() => { if (!exited) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }, 3000);
          await exit;
          clearTimeout(killer);
        },
      });
    });
    lines(proc.stderr, (l) => { if (!listening) out += l + '\n'; });
    proc.once('error', (e) => fail(e.message));
    proc.once('close', (code, signal) => {
      // iperf3 prints "iperf3: error - unable to start listener ..." and exits
      if (!listening) fail(errorText(out) || `exited (${signal ?? `code ${code}`}) before listening`);
    });
  });
}

/**
 * A client's iperf3 command line: `iperf3 -c SERVER -p PORT OUTPUT -t SECONDS -i INTERVAL -P PARALLEL
 * --connect-timeout MS [-6] [-R | --bidir] [-u] [-b BITRATE] [-l LEN] [-M MSS] [-B BIND] EXTRA`.
 */
export function clientCommand(o: IperfClientOptions, output: string[], seconds: number): string[] {
  const args = ['-c', o.server, '-p', String(o.port ?? 5201), ...output, '-t', String(seconds), '-i', String(o.intervalS ?? 1),
    '-P', String(o.parallel ?? 1), '--connect-timeout', String(o.connectTimeoutMs ?? 3000)];
  if (o.server.includes(':')) args.push('-6');
  if (o.reverse) args.push('-R');
  if (o.bidir) args.push('--bidir');
  if (o.udp) args.push('-u');
  if (o.bitrate !== undefined) args.push('-b', o.bitrate);
  if (o.length !== undefined) args.push('-l', String(o.length));
  if (o.mss !== undefined) args.push('-M', String(o.mss));
  if (o.bind) args.push('-B', o.bind);
  if (o.extraArgs) args.push(...o.extraArgs);
  return ['iperf3', ...args];
}

export interface ClientExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Date.now() when it exited */
  exitedUnixMs: number;
}

/**
 * Runs a client's command in o.netns, its stdout to onStdout; resolves when it exits. Rejects
 * (with "WHERE: ...") when it cannot start or runs past o.timeoutMs (then killed).
 */
export function runClientProcess(o: IperfClientOptions, command: string[], seconds: number, onStdout: (stdout: NodeJS.ReadableStream) => void): Promise<ClientExit> {
  return new Promise<ClientExit>((resolve, reject) => {
    const proc = spawn('ip', ['netns', 'exec', o.netns, ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    onStdout(proc.stdout);
    proc.stderr.on('data', (d) => (stderr += d));
    const limit = o.timeoutMs ?? seconds * 1000 + (o.connectTimeoutMs ?? 3000) + 30_000;
    const timer = setTimeout(() => {
      timedOut = true;
      if (proc.pid) try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone */ }
    }, limit);
    proc.once('error', (e) => { clearTimeout(timer); reject(new Error(`${clientWhere(o)}: ${e.message}`)); });
    proc.once('close', (code, signal) => {
      clearTimeout(timer);
      const exitedUnixMs = Date.now();
      if (timedOut) return reject(new Error(`${clientWhere(o)}: no result after ${limit} ms (killed)`));
      resolve({ code, signal, stderr, exitedUnixMs });
    });
  });
}

/** The client, for error messages. */
export const clientWhere = (o: IperfClientOptions) => `iperf3 client in ${o.netns} -> [${o.server}]:${o.port ?? 5201}`;
