// The web view's live feed: server-sent events to every open page, fed from
// the controller's own 'switch' and 'round' events (the ones WatchSwitches and
// WatchUtilization stream) and nothing else. Nothing here runs inside a
// switch: a switch event is queued and sent on the next turn of the event
// loop, after the switcher has finished with it.
//
// Events (each `data:` is one JSON object):
//   hello        once per connection: the controller instance (a new one after a restart), its start, the telemetry interval
//   history      once per connection: the samples of the last minutes, oldest first
//   switch       a SwitchEvent (the API's message), the last `replay` first, then each new one as it happens
//   utilization  a UtilizationSample (WatchUtilization's message), at most every UTILIZATION_GAP_MS
//   sample       every SAMPLE_MS: link direction rates and utilisations and class rates, for the charts
//   flows        ListFlows' answer, every SAMPLE_MS and right after each switch
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Flow__Output as Flow } from '../../proto/gen/srv6/controller/v1/Flow.js';
import type { SwitchEvent } from '../switcher.js';
import type { WebBackend } from './backend.js';

/** link utilisation is sent at most this often (the controller's rounds may be every 10 ms) */
const UTILIZATION_GAP_MS = 200;
/** the charts' resolution, and how often the flows are sent */
const SAMPLE_MS = 1000;
/** the charts' span: what a page gets when it (re)connects */
const HISTORY_SAMPLES = 600;
const KEEPALIVE_MS = 15_000;
/** a page that reads slower than this is behind: it is closed (it reconnects and starts afresh) */
const MAX_BUFFERED_BYTES = 4 << 20;
export const DEFAULT_REPLAY = 100;
export const MAX_REPLAY = 1000;

/** One point of the charts. */
export interface Sample {
  unix_ms: number;
  /** per link direction "from>to": [rate Mbit/s, utilisation 0..1] */
  links: Record<string, [number, number]>;
  /** per flow "class/direction": rate Mbit/s */
  flows: Record<string, number>;
}

export class EventHub {
  /** changes with every controller process: a page that sees a new one reloads everything */
  readonly instance = randomUUID();
  readonly startedUnixMs = Date.now();
  private readonly clients = new Set<ServerResponse>();
  private readonly history: Sample[] = [];
  private readonly pendingSwitches: SwitchEvent[] = [];
  private lastUtilizationMs = 0;
  private round = 0;
  private sampleTimer?: NodeJS.Timeout;
  private keepalive?: NodeJS.Timeout;
  private readonly onSwitch = (e: SwitchEvent) => {
    // inside the switcher's record(): only queue it
    if (this.pendingSwitches.push(e) === 1) setImmediate(() => this.flushSwitches());
  };
  private readonly onRound = (round: number) => {
    this.round = round;
    if (!this.clients.size) return;
    const now = Date.now();
    if (now - this.lastUtilizationMs < UTILIZATION_GAP_MS) return;
    this.lastUtilizationMs = now;
    this.broadcast('utilization', this.backend.utilizationSample(round), true);
  };

  constructor(private readonly backend: WebBackend) {}

  start(): void {
    this.backend.events.on('switch', this.onSwitch);
    this.backend.events.on('round', this.onRound);
    this.sampleTimer = setInterval(() => void this.sample(), SAMPLE_MS);
    this.keepalive = setInterval(() => {
      for (const c of this.clients) c.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
  }

  stop(): void {
    this.backend.events.off('switch', this.onSwitch);
    this.backend.events.off('round', this.onRound);
    clearInterval(this.sampleTimer);
    clearInterval(this.keepalive);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  get connections(): number {
    return this.clients.size;
  }

  /** A page subscribes: hello, the history, the last `replay` switches (0..MAX_REPLAY), the flows; then live events. */
  async subscribe(res: ServerResponse, replay: number, intervalMs: number): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 1000\n\n');
    res.socket?.setNoDelay(true);
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('hello', { instance: this.instance, started_unix_ms: this.startedUnixMs, interval_ms: intervalMs, sample_ms: SAMPLE_MS });
    send('history', { samples: this.history });
    for (const e of replay > 0 ? this.backend.switches().slice(-replay) : []) send('switch', e);
    const flows = await this.backend.invoke('ListFlows').catch(() => undefined);
    if (res.writableEnded) return;
    if (flows) send('flows', flows);
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  private flushSwitches(): void {
    const events = this.pendingSwitches.splice(0);
    for (const e of events) this.broadcast('switch', e, false);
    // the flows changed with them (the switcher has updated the flow by now)
    if (this.clients.size) void this.sendFlows();
  }

  private async sendFlows(): Promise<{ flows: Flow[] } | undefined> {
    const flows = (await this.backend.invoke('ListFlows').catch(() => undefined)) as { flows: Flow[] } | undefined;
    if (flows && this.clients.size) this.broadcast('flows', flows, true);
    return flows;
  }

  /** Every SAMPLE_MS, pages or not (a page that opens later gets the last minutes): the charts' point, and the flows. */
  private async sample(): Promise<void> {
    const util = this.backend.utilizationSample(this.round);
    const flows = await this.sendFlows();
    const s: Sample = { unix_ms: Number(util.unix_ms), links: {}, flows: {} };
    for (const l of util.links) s.links[`${l.from}>${l.to}`] = [round3(l.rate_mbps), round3(l.utilization)];
    for (const f of flows?.flows ?? []) s.flows[`${f.class}/${f.direction}`] = round3(f.rate_mbps);
    this.history.push(s);
    if (this.history.length > HISTORY_SAMPLES) this.history.shift();
    if (this.clients.size) this.broadcast('sample', s, true);
  }

  /** `droppable`: a page whose socket is backed up skips it (the next one supersedes it); switches are never skipped. */
  private broadcast(event: string, data: unknown, droppable: boolean): void {
    if (!this.clients.size) return;
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of this.clients) {
      if (c.writableLength > MAX_BUFFERED_BYTES) {
        c.destroy();
        this.clients.delete(c);
      } else if (!(droppable && c.writableNeedDrain)) c.write(text);
    }
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
