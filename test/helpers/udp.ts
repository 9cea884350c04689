// Sequenced UDP traffic between test namespaces: a receiver that counts and a sender.
import { spawn } from 'node:child_process';
import type { TestNetns } from './netns.js';

const RECEIVER = `
const dgram = require('node:dgram');
const s = dgram.createSocket({ type: 'udp6', recvBufferSize: 8 << 20 });
const seen = new Set();
s.on('message', (m) => seen.add(m.readUInt32BE(0)));
s.bind(Number(process.argv[2]), process.argv[1], () => process.stdout.write('ready\\n'));
process.stdin.on('data', () => { process.stdout.write(JSON.stringify({ received: seen.size }) + '\\n'); process.exit(0); });
`;

const SENDER = `
const dgram = require('node:dgram');
const s = dgram.createSocket('udp6');
const [addr, port, count, pps] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4])];
const start = process.hrtime.bigint();
let i = 0;
const send = () => {
  if (i === count) return s.close();
  const due = start + BigInt(Math.round((i * 1e9) / pps));
  if (process.hrtime.bigint() < due) return setImmediate(send);
  const b = Buffer.alloc(64); b.writeUInt32BE(i++, 0);
  s.send(b, port, addr, send);
};
send();
`;

export interface Receiver {
  /** stops the receiver and returns how many distinct sequence numbers arrived */
  result(): Promise<number>;
}

export async function udpReceiver(ns: TestNetns, addr: string, port: number): Promise<Receiver> {
  const proc = spawn('ip', ['netns', 'exec', ns.name, process.execPath, '-e', RECEIVER, addr, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('receiver did not start')), 5000);
    proc.stdout.on('data', () => out.includes('ready') && (clearTimeout(timer), resolve()));
    proc.once('exit', (c) => reject(new Error(`receiver exited ${c}`)));
  });
  return {
    result: () => new Promise((resolve, reject) => {
      const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error('receiver hung')); }, 5000);
      proc.once('exit', () => { clearTimeout(timer); resolve(JSON.parse(out.split('\n').find((l) => l.startsWith('{'))!).received); });
      proc.stdin.write('done\n');
    }),
  };
}

/** Sends count sequenced datagrams, paced at pps packets per second. */
export function udpSend(ns: TestNetns, addr: string, port: number, count: number, pps = 2000): Promise<void> {
  const proc = spawn('ip', ['netns', 'exec', ns.name, process.execPath, '-e', SENDER, addr, String(port), String(count), String(pps)], { stdio: 'inherit' });
  return new Promise((resolve, reject) => proc.once('exit', (c) => (c === 0 ? resolve() : reject(new Error(`sender exited ${c}`)))));
}
