// What every srv6ctl command shares: the global options as a command sees
// them, argument parsers, output, and a controller client per command.
import { Command, InvalidArgumentError } from 'commander';
import { tlsFiles } from '../../../proto/tls.js';
import { Ctl, EXIT_USAGE, normalizeAddress } from '../api.js';
import type { Style } from '../format.js';

interface Globals {
  controller: string;
  json?: boolean;
  timeout: number;
  color: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
}

export const uint = (min = 0, max = 0xffffffff) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > max) throw new InvalidArgumentError(`expected an integer ${min}..${max}`);
  return n;
};
export const number = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number, e.g. 0.7');
  return n;
};

export const out = (s: string): void => void process.stdout.write(`${s}\n`);
export const printJson = (x: unknown): void => out(JSON.stringify(x, null, 2));

export function globals(cmd: Command): Globals & Style & { width?: number } {
  const g = cmd.optsWithGlobals<Globals>();
  const tty = !!process.stdout.isTTY;
  return { ...g, color: g.color && tty && !process.env.NO_COLOR, width: tty ? process.stdout.columns : undefined };
}

/** Runs a command against the controller; the client is closed whatever happens. */
export async function withCtl(cmd: Command, fn: (ctl: Ctl, g: ReturnType<typeof globals>) => Promise<void>): Promise<void> {
  const g = globals(cmd);
  const ctl = new Ctl(normalizeAddress(g.controller), g.timeout, tlsFiles({ cert: g.tlsCert, key: g.tlsKey, ca: g.tlsCa }, 'srv6ctl'));
  try {
    await fn(ctl, g);
  } finally {
    ctl.close();
  }
}

export function usage(cmd: Command, message: string): never {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  cmd.error(`${names.join(' ')}: ${message}`, { exitCode: EXIT_USAGE, code: 'srv6ctl.usage' });
}
