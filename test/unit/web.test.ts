// The web view without a lab: who may listen where, the token check (header,
// cookie, ?token=) and the 401, the JSON endpoints' mapping of the
// controller's refusals, the event stream fed from the controller's events,
// HTTPS with client certificates, and srv6-controller refusing a
// non-loopback address without a token.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCertificates } from '../../compose/certs.js';
import { authorized, bindProblem, isLoopback, parseHttpAddress, TOKEN_COOKIE } from '../../controller/web/auth.js';
import { WebServer, type WebBackend } from '../../controller/web/server.js';
import { loadTopology } from '../../topology/load.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONTROLLER_MAIN = join(DIST, 'controller', 'main.js');
const TOKEN = 'a-token-of-32-characters-xxxxxxx';

/** A controller as the web view sees it, with the calls it got. */
function fakeBackend() {
  const events = new EventEmitter();
  const calls: { method: string; request: object }[] = [];
  const switches: any[] = [{ id: '1', class: 'low', direction: 'forward', trigger: 'pin', ok: true, timing: { decision_to_ack_us: 300 } }];
  const backend: WebBackend = {
    async invoke(method, request = {}) {
      calls.push({ method, request });
      if (method === 'SetPath') {
        const r = request as { path: string[] };
        if (r.path[1] === 'r5') throw Object.assign(new Error('path: "r1,r5,r6" is not valid: expected routers from r1 to r6 along links (no link between r1 and r5)'), { code: 3 });
        if (r.path[1] === 'r9') throw Object.assign(new Error('the switch failed: agent gone'), { code: 9 });
        return { id: '2', class: 'low', direction: 'forward', ok: true };
      }
      if (method === 'GetTopology') return { name: 'reference', links: [] };
      if (method === 'ListFlows') return { flows: [{ class: 'low', direction: 'forward', rate_mbps: 1.5, path: ['r1', 'r2', 'r5', 'r6'] }] };
      return {};
    },
    utilizationSample: (round) => ({ unix_ms: String(Date.now()), round: String(round), links: [{ link: 'r1-r2', from: 'r1', to: 'r2', utilization: 0.5, rate_mbps: 50, state: 'up' }] }),
    events,
    switches: () => switches,
    topology: loadTopology('reference'),
    intervalMs: () => 100,
  };
  return { backend, events, calls, switches };
}

describe('web view: where it may listen', () => {
  it('parses --http', () => {
    expect(parseHttpAddress('127.0.0.1:8080')).to.deep.equal({ host: '127.0.0.1', port: 8080 });
    expect(parseHttpAddress('[::1]:0')).to.deep.equal({ host: '::1', port: 0 });
    expect(parseHttpAddress('[::]:8080')).to.deep.equal({ host: '::', port: 8080 });
    expect(parseHttpAddress('localhost:80')).to.deep.equal({ host: 'localhost', port: 80 });
    expect(parseHttpAddress('off')).to.equal(undefined);
    for (const bad of ['8080', '::1:8080', '[x]:80', 'host:99999', 'host:']) expect(() => parseHttpAddress(bad), bad).to.throw(/expected host:port|not an IPv6/);
  });

  it('knows the loopback in any spelling', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST', 'x.localhost']) expect(isLoopback(h), h).to.equal(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'fd00:ffff::fffd', '192.168.1.1', 'example.org', '128.0.0.1']) expect(isLoopback(h), h).to.equal(false);
  });

  it('refuses a non-loopback address without a token (or mutual TLS), and a short token', () => {
    expect(bindProblem({ host: '127.0.0.1', port: 8080 }, {})).to.equal(undefined);
    expect(bindProblem({ host: '::1', port: 8080 }, {})).to.equal(undefined);
    expect(bindProblem({ host: '0.0.0.0', port: 8080 }, {})).to.match(/^--http 0\.0\.0\.0:8080 is not on the loopback: .* needs a token \(--http-token TOKEN or SRV6_HTTP_TOKEN/);
    expect(bindProblem({ host: '::', port: 8080 }, {})).to.match(/^--http \[::\]:8080 is not on the loopback/);
    expect(bindProblem({ host: '::', port: 8080 }, { token: TOKEN })).to.equal(undefined);
    expect(bindProblem({ host: '::', port: 8080 }, { mutualTls: true })).to.equal(undefined);
    expect(bindProblem({ host: '127.0.0.1', port: 8080 }, { token: 'short' })).to.match(/at least 16 characters/);
  });
});

describe('web view: the token', () => {
  const req = (headers: Record<string, string>, url = '/') => ({ headers, url });

  it('is taken from the Bearer header, the cookie or ?token=, compared whole', () => {
    expect(authorized(req({ authorization: `Bearer ${TOKEN}` }), TOKEN)).to.equal(true);
    expect(authorized(req({ cookie: `a=b; ${TOKEN_COOKIE}=${TOKEN}` }), TOKEN)).to.equal(true);
    expect(authorized(req({}, `/api/events?replay=5&token=${TOKEN}`), TOKEN)).to.equal(true);
    for (const [h, url] of [[{}, '/'], [{ authorization: `Bearer ${TOKEN}x` }, '/'], [{ authorization: `Basic ${TOKEN}` }, '/'], [{ cookie: `${TOKEN_COOKIE}=${TOKEN.slice(1)}` }, '/'],
      [{}, `/?token=${TOKEN.toUpperCase()}`], [{ cookie: `other=${TOKEN}` }, '/']] as const) {
      expect(authorized(req(h as Record<string, string>, url), TOKEN), JSON.stringify([h, url])).to.equal(false);
    }
    expect(authorized(req({}), undefined), 'no token set').to.equal(true);
  });
});

describe('web view: the server (fake controller)', () => {
  let web: WebServer;
  let base = '';
  let fake: ReturnType<typeof fakeBackend>;

  before(async () => {
    fake = fakeBackend();
    web = new WebServer(fake.backend, { host: '127.0.0.1', port: 0, token: TOKEN });
    base = (await web.listen()).replace(/\/$/, '');
  });
  after(() => web.close());

  const auth = { authorization: `Bearer ${TOKEN}` };

  it('answers 401 and nothing else without the right token, on every path', async () => {
    for (const path of ['/', '/index.html', '/static/app.js', '/vendor/cytoscape.mjs', '/api/view', '/api/events', '/nosuch', `/?token=${'y'.repeat(32)}`]) {
      for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token' }, { cookie: `${TOKEN_COOKIE}=nope` }] as Record<string, string>[]) {
        const r = await fetch(`${base}${path}`, { headers, redirect: 'manual' });
        expect(r.status, `${path} ${JSON.stringify(headers)}`).to.equal(401);
        expect(r.headers.get('www-authenticate')).to.match(/^Bearer/);
        expect(r.headers.get('set-cookie')).to.equal(null);
        expect(await r.text()).to.equal('401 unauthorized\n');
      }
    }
    const pin = await fetch(`${base}/api/pin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ class: 'low', direction: 'forward', path: ['r1', 'r3', 'r5', 'r6'] }) });
    expect(pin.status).to.equal(401);
    expect(fake.calls.filter((c) => c.method === 'SetPath')).to.have.length(0);
  });

  it('serves the page, its files and the libraries with the token; ?token= becomes an HttpOnly cookie', async () => {
    const first = await fetch(`${base}/?token=${TOKEN}`, { redirect: 'manual' });
    expect(first.status).to.equal(303);
    expect(first.headers.get('location')).to.equal('/');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).to.equal(`${TOKEN_COOKIE}=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
    const page = await fetch(`${base}/`, { headers: { cookie: cookie.split(';')[0] } });
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-security-policy')).to.include("default-src 'self'");
    expect(page.headers.get('x-frame-options')).to.equal('DENY');
    expect(await page.text()).to.include('<script type="module" src="/static/app.js">');
    for (const [path, type] of [['/static/app.js', 'text/javascript'], ['/static/graph.js', 'text/javascript'], ['/static/style.css', 'text/css'],
      ['/vendor/cytoscape.mjs', 'text/javascript'], ['/vendor/uplot.mjs', 'text/javascript'], ['/vendor/uplot.css', 'text/css']]) {
      const r = await fetch(`${base}${path}`, { headers: auth });
      expect(r.status, path).to.equal(200);
      expect(r.headers.get('content-type'), path).to.include(type);
      expect((await r.text()).length, path).to.be.greaterThan(100);
    }
    for (const path of ['/static/../server.js', '/static/%2e%2e/%2e%2e/package.json', '/vendor/nosuch.js', '/static/nosuch.js']) {
      expect((await fetch(`${base}${path}`, { headers: auth })).status, path).to.equal(404);
    }
  });

  it('calls the controller\'s SetPath for a pin; its refusals come back with its message and status', async () => {
    const post = (body: unknown, headers: Record<string, string> = {}) => fetch(`${base}/api/pin`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const ok = await post({ class: 'low', direction: 'forward', path: ['r1', 'r3', 'r5', 'r6'] });
    expect(ok.status).to.equal(200);
    expect(await ok.json()).to.include({ id: '2', ok: true });
    expect(fake.calls.at(-1)).to.deep.equal({ method: 'SetPath', request: { class: 'low', direction: 'forward', path: ['r1', 'r3', 'r5', 'r6'] } });
    const invalid = await post({ class: 'low', direction: 'forward', path: 'r1,r5,r6' });
    expect(invalid.status).to.equal(400);
    expect(await invalid.json()).to.deep.equal({ error: 'path: "r1,r5,r6" is not valid: expected routers from r1 to r6 along links (no link between r1 and r5)', code: 'INVALID_ARGUMENT' });
    const notNow = await post({ class: 'low', direction: 'forward', path: ['r1', 'r9'] });
    expect(notNow.status).to.equal(409);
    expect(await notNow.json()).to.deep.equal({ error: 'the switch failed: agent gone', code: 'FAILED_PRECONDITION' });
    const calls = fake.calls.length;
    expect((await fetch(`${base}/api/pin`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: '{}' })).status, 'not JSON: a form cannot post it').to.equal(415);
    expect((await post({}, { origin: 'http://evil.example' })).status, 'another site\'s page').to.equal(403);
    expect((await fetch(`${base}/api/pin`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{nope' })).status).to.equal(400);
    expect((await fetch(`${base}/api/pin`, { headers: auth })).status).to.equal(405);
    expect(fake.calls.length, 'none of these reached the controller').to.equal(calls);
  });

  it('replays as many past switches as asked (?replay=0: none; none given: the default)', async () => {
    const got = async (query: string) => ((await (await fetch(`${base}/api/switches${query}`, { headers: auth })).json()) as { switches: unknown[] }).switches.length;
    const before = fake.switches.length;
    fake.switches.push(...[2, 3, 4].map((id) => ({ ...fake.switches[0], id: String(id) })));
    try {
      expect([await got('?replay=0'), await got('?replay=2'), await got(''), await got('?replay=-3')]).to.deep.equal([0, 2, before + 3, 0]);
    } finally {
      fake.switches.splice(before);
    }
  });

  it('streams hello, history, the switches and flows, then each switch as the controller emits it', async () => {
    const ac = new AbortController();
    const r = await fetch(`${base}/api/events?replay=5&token=${TOKEN}`, { signal: ac.signal });
    expect(r.status).to.equal(200);
    expect(r.headers.get('content-type')).to.match(/^text\/event-stream/);
    const reader = r.body!.getReader();
    let text = '';
    const until = async (re: RegExp) => {
      const deadline = Date.now() + 3000;
      while (!re.test(text) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
      }
      return re.test(text);
    };
    expect(await until(/event: flows\n/)).to.equal(true);
    const events = text.split('\n\n').filter((b) => b.startsWith('event: ')).map((b) => b.split('\n')[0].slice(7));
    expect(events).to.deep.equal(['hello', 'history', 'switch', 'flows']);
    expect(text).to.match(/^retry: 1000\n\n/);
    fake.events.emit('switch', { id: '7', class: 'high', direction: 'reverse', trigger: 'congestion', ok: true });
    expect(await until(/"id":"7"/)).to.equal(true);
    fake.events.emit('round', 42);
    expect(await until(/event: utilization\ndata: \{[^\n]*"round":"42"/)).to.equal(true);
    expect(web.hub.connections).to.equal(1);
    ac.abort();
    await reader.cancel().catch(() => undefined);
    for (let i = 0; i < 20 && web.hub.connections; i++) await new Promise((res) => setTimeout(res, 20));
    expect(web.hub.connections).to.equal(0);
  });
});

describe('web view: without a token', () => {
  it('answers only requests addressed to the loopback (no DNS rebinding)', async () => {
    const web = new WebServer(fakeBackend().backend, { host: '127.0.0.1', port: 0 });
    const base = (await web.listen()).replace(/\/$/, '');
    try {
      expect((await fetch(`${base}/api/view`)).status).to.equal(200);
      const { request } = await import('node:http');
      const status = await new Promise<number>((resolve, reject) => {
        request(`${base}/api/view`, { headers: { host: 'attacker.example:8080' } }, (res) => { res.resume(); resolve(res.statusCode!); }).on('error', reject).end();
      });
      expect(status).to.equal(403);
    } finally {
      await web.close();
    }
  });
});

describe('web view: with mutual TLS', function () {
  this.timeout(20_000);
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'srv6-web-tls-'));
    await generateCertificates(loadTopology('reference'), dir, { days: 2 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('speaks HTTPS with the controller\'s certificate and requires a client certificate from the same CA', async () => {
    const tls = { cert: join(dir, 'controller.pem'), key: join(dir, 'controller-key.pem'), ca: join(dir, 'ca.pem') };
    const web = new WebServer(fakeBackend().backend, { host: '127.0.0.1', port: 0, tls });
    const url = await web.listen();
    expect(url).to.match(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const get = (client?: string) => new Promise<number>((resolve, reject) => {
      httpsRequest(`${url}api/view`, {
        ca: readFileSync(tls.ca), ...(client ? { cert: readFileSync(join(dir, `${client}.pem`)), key: readFileSync(join(dir, `${client}-key.pem`)) } : {}),
      }, (res) => { res.resume(); resolve(res.statusCode!); }).on('error', reject).end();
    });
    try {
      expect(await get('srv6ctl')).to.equal(200);
      const refused = await get().then((s) => `status ${s}`, (e: Error) => e.message);
      expect(refused).to.not.match(/^status 200/);
    } finally {
      await web.close();
    }
  });
});

describe('srv6-controller --http', function () {
  this.timeout(20_000);
  const run = (args: string[], env: Record<string, string> = {}) => new Promise<{ code: number | null; out: string }>((resolve) => {
    const dir = mkdtempSync(join(tmpdir(), 'srv6-web-ctl-'));
    const p = spawn(process.execPath, [CONTROLLER_MAIN, '--agent-socket-dir', join(dir, 'none'), '--listen', `unix:${join(dir, 'c.sock')}`, '--metrics', 'off', ...args], { env: { ...process.env, ...env } });
    let out = '';
    const done = (code: number | null) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, out });
    };
    p.stdout.on('data', (d) => {
      out += d;
      if (out.includes('web view at')) p.kill('SIGTERM');
    });
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (code) => done(code));
    setTimeout(() => p.kill('SIGKILL'), 15_000);
  });

  it('refuses to start on a non-loopback address without a token, saying why', async () => {
    for (const [args, env] of [[['--http', '0.0.0.0:0'], {}], [['--http', '[::]:0'], {}], [[], { SRV6_HTTP: '[::]:0' }]] as const) {
      const r = await run([...args], env);
      expect(r.code, r.out).to.equal(2);
      expect(r.out).to.match(/^srv6-controller: --http (0\.0\.0\.0|\[::\]):0 is not on the loopback: the web view can pin paths, so off the loopback it needs a token/);
      expect(r.out).to.not.include('controller ready');
    }
  });

  it('starts there with a token (flag or SRV6_HTTP_TOKEN), and says where', async () => {
    for (const [args, env] of [[['--http', '[::]:0', '--http-token', TOKEN], {}], [['--http', '0.0.0.0:0'], { SRV6_HTTP_TOKEN: TOKEN }]] as const) {
      const r = await run([...args], env);
      expect(r.out).to.match(/"url":"http:\/\/(\[::1\]|127\.0\.0\.1):\d+\/","token":"required"/);
    }
  });
});
