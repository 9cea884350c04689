// The web view in a real browser: Debian's chromium, headless, driven by
// puppeteer-core, on a controller of the test's own over the reference lab.
// The page loads and shows the network, a pin made with srv6ctl shows up
// within 1 s (and its switch in the timeline), a pin made on the page lands
// in r1's kernel table (read back with iproute2), a wrong token gets 401, the
// page reconnects by itself after the controller restarts, and a switch the
// policy makes under traffic appears live. Screenshots go to a temp dir, or to
// $SRV6_WEB_SCREENSHOTS (how docs/screenshots/ is made: README "Web view").
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startDemoTraffic } from '../../hostsetup/lab/demo.js';
import { loadTopology } from '../../topology/load.js';
import { kernelSegments, labDown, labOk, sleep, startController, type RunningController } from '../helpers/controller.js';
import { requireSrv6Routes } from '../helpers/netns.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CTL_MAIN = join(DIST, 'controller', 'ctl', 'main.js');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TABLES = { high: 101, medium: 102, low: 103 } as const;

/** A free TCP port on the loopback. */
function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

describe('web view: the page in a real browser on a live controller (privileged)', function () {
  this.timeout(180_000);
  const lab = `w${process.pid % 100000}`;
  const token = randomBytes(16).toString('hex');
  const t = loadTopology('reference');
  let dir = '';
  let shots = '';
  let port = 0;
  let base = '';
  let ctl: RunningController | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let demo: { stop(): void } | undefined;
  const webArgs = () => ['--http', `127.0.0.1:${port}`, '--http-token', token];

  const srv6ctl = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CTL_MAIN, '--controller', `unix:${join(dir, 'controller.sock')}`, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const srv6ctlOk = (...args: string[]) => {
    const r = srv6ctl(...args);
    if (r.status !== 0) throw new Error(`srv6ctl ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  /** The page's text of a class's cell (forward or reverse) in the classes table: its path first. */
  const flowCell = (cls: string, dir: string) => page.$eval(`#flows-table tr[data-class="${cls}"] td.dir-${dir} .path`, (e) => e.textContent);
  const shot = async (name: string, fullPage = true) => {
    const file = join(shots, `${name}.png`);
    await page.screenshot({ path: file, fullPage });
    expect(statSync(file).size, file).to.be.greaterThan(20_000);
  };

  before(async function () {
    requireSrv6Routes(this);
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing (Debian's chromium; npm test installs it as root: hostsetup/os-packages.sh): under CI=true this test must run, not skip`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'srv6t-web-'));
    shots = process.env.SRV6_WEB_SCREENSHOTS ? resolve(process.env.SRV6_WEB_SCREENSHOTS) : join(dir, 'screenshots');
    mkdirSync(shots, { recursive: true });
    labOk('up', 'reference', '--name', lab, '--no-controller');
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    ctl = await startController(lab, dir, webArgs());
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
  });

  after(async () => {
    demo?.stop();
    await browser?.close().catch(() => undefined);
    await ctl?.stop();
    if (dir) labDown(lab);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a missing or wrong token with 401 and nothing else', async () => {
    const wrong = 'x'.repeat(32);
    const cases: [string, RequestInit, string][] = [
      ['/', {}, 'no token'],
      ['/api/view', {}, 'no token'],
      ['/api/events', {}, 'no token'],
      ['/static/app.js', {}, 'no token'],
      ['/vendor/cytoscape.mjs', {}, 'no token'],
      ['/api/flows', { headers: { authorization: `Bearer ${wrong}` } }, 'wrong bearer'],
      [`/?token=${wrong}`, { redirect: 'manual' }, 'wrong ?token='],
      ['/api/events', { headers: { cookie: `srv6_token=${wrong}` } }, 'wrong cookie'],
      ['/api/pin', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${wrong}` }, body: JSON.stringify({ class: 'low', direction: 'forward', path: ['r1', 'r3', 'r5', 'r6'] }) }, 'wrong bearer, pin'],
    ];
    for (const [path, init, what] of cases) {
      const r = await fetch(`${base}${path}`, init);
      expect(r.status, `${what}: ${path}`).to.equal(401);
      expect(r.headers.get('set-cookie'), path).to.equal(null);
      expect(await r.text(), path).to.equal('401 unauthorized\n');
    }
    // the pin above did nothing
    expect(kernelSegments(lab, 'r1', TABLES.low)).to.deep.equal(['fc00:2::1', 'fc00:5::1', 'fc00:6::d3']);
    // the right one, as a Bearer header
    const ok = await fetch(`${base}/api/view`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).to.equal(200);
    expect((await ok.json()).topology.name).to.equal('reference');
    // and in the browser: the page itself is refused
    const res = await page.goto(`${base}/?token=${wrong}`);
    expect(res?.status()).to.equal(401);
    expect(await page.content()).to.not.include('srv6-orchestrator');
  });

  it('loads on the reference lab: 6 routers and 7 links laid out, every class, live', async () => {
    const res = await page.goto(`${base}/?token=${token}`, { waitUntil: 'domcontentloaded' });
    expect(res?.status()).to.equal(200);
    expect(page.url(), 'the token leaves the address bar (a cookie keeps it)').to.equal(`${base}/`);
    await page.waitForSelector('#status[data-state="live"]', { timeout: 10_000 });
    await page.waitForSelector('#flows-table tr[data-class="low"] td.dir-forward .path', { timeout: 5000 });
    expect(await page.$eval('#graph', (e) => ({ routers: (e as HTMLElement).dataset.routers, links: (e as HTMLElement).dataset.links }))).to.deep.equal({ routers: '6', links: '7' });
    const g = await page.evaluate(() => {
      const cy = (window as any).srv6view.graph.cy;
      return {
        routers: cy.nodes('.router').map((n: any) => n.id()).sort(), externals: cy.nodes('.external').length,
        directions: cy.edges('.util').length, capacities: cy.edges('.cap').map((e: any) => e.data('label')),
        r1: cy.getElementById('r1').position(), r4: cy.getElementById('r4').position(),
        paths: cy.edges('.path.current').length,
      };
    });
    expect(g.routers).to.deep.equal(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(g.externals).to.equal(2);
    expect(g.directions, 'one edge per link direction').to.equal(14);
    expect(g.capacities).to.deep.equal(Array(7).fill('100 Mb/s'));
    // the file's positions: r1 top left, r4 top right
    expect(g.r1.y).to.equal(g.r4.y);
    expect(g.r1.x).to.be.lessThan(g.r4.x);
    expect(g.paths, 'every class\'s path per direction drawn: 6 paths of 3 hops').to.equal(18);
    const links = await page.$$eval('#links-table tbody tr', (rows) => rows.map((r) => r.textContent));
    expect(links).to.have.length(7);
    for (const l of links) expect(l).to.match(/up100 Mb\/s/);
    expect(await page.$eval('#counts', (e) => e.textContent)).to.equal('6 routers · 7 links · 3 classes');
    expect(await flowCell('low', 'forward')).to.equal('r1-r2-r5-r6');
    expect(await flowCell('high', 'reverse')).to.equal('r6-r5-r3-r1');
  });

  it('shows a pin made with srv6ctl within 1 s, and its switch in the timeline', async () => {
    const e = JSON.parse(srv6ctlOk('--json', 'pin', 'low', 'forward', 'r1,r3,r5,r6'));
    expect(e).to.include({ class: 'low', direction: 'forward', trigger: 'pin', ok: true });
    await page.waitForFunction(() => document.querySelector('#flows-table tr[data-class="low"] td.dir-forward .path')?.textContent === 'r1-r3-r5-r6', { timeout: 1000, polling: 'mutation' });
    const shownAfterMs = Date.now() - Number(e.unix_ms);
    expect(shownAfterMs, 'from the switch to the page').to.be.below(1000);
    const row = await page.waitForSelector(`#switches-table tr[data-id="${e.id}"]`, { timeout: 1000 });
    const text = await row!.evaluate((r) => r.textContent);
    expect(text).to.match(/lowfwdpinr1-r2-r5-r6 > r1-r3-r5-r6\d+\.\d{3} ms$/);
    expect(await page.$eval('#switches-table tbody tr', (r) => (r as HTMLElement).dataset.id), 'newest first').to.equal(e.id);
    // drawn: low's forward path now starts r1 -> r3
    expect(await page.evaluate(() => (window as any).srv6view.graph.cy.edges('.path.current').filter((x: any) => x.data('cls') === 'low' && x.hasClass('fwd')).map((x: any) => `${x.source().id()}>${x.target().id()}`)))
      .to.deep.equal(['r1>r3', 'r3>r5', 'r5>r6']);
    expect(await page.$eval('#latency-summary', (s) => s.textContent)).to.match(/over 1 switches: p50 \d+\.\d{3} ms/);
  });

  it('pins from the page after a confirmation, through SetPath: r1 table 102 has it', async () => {
    await page.click('#flows-table tr[data-class="medium"]');
    const button = '#detail-paths [data-direction="forward"] tr[data-path="r1,r2,r4,r6"] button.pin';
    await page.waitForSelector(button, { timeout: 5000 });
    // candidates with their costs and probes, the current one marked; the policy's reasoning
    const candidates = await page.$$eval('#detail-paths [data-direction="forward"] tbody tr', (rows) => rows.map((r) => r.textContent));
    expect(candidates.length).to.be.at.least(3);
    expect(candidates.find((c) => c!.includes('current'))).to.match(/^r1-r3-r5-r6current3\d+\.\d%/);
    expect(candidates.join('\n')).to.match(/live/);
    await page.waitForSelector('#detail-analyze tr[data-direction="forward"]', { timeout: 5000 });
    expect(await page.$eval('#detail-analyze tr[data-direction="forward"]', (r) => r.textContent)).to.match(/^forward(keep|static|hold-down)/);

    const before = kernelSegments(lab, 'r1', TABLES.medium);
    expect(before).to.deep.equal(['fc00:3::1', 'fc00:5::1', 'fc00:6::d2']);
    // cancelled: nothing happens
    await page.click(button);
    await page.waitForSelector('#pin-dialog[open]');
    expect(await page.$eval('#pin-question', (e) => e.textContent)).to.equal('Pin medium forward to r1-r2-r4-r6?');
    await page.click('#pin-cancel');
    await sleep(300);
    expect(kernelSegments(lab, 'r1', TABLES.medium)).to.deep.equal(before);
    // confirmed
    await page.click(button);
    await page.waitForSelector('#pin-dialog[open]');
    await shot('web-pin', false);
    await page.click('#pin-confirm');
    await page.waitForSelector('#detail-result[data-outcome]', { timeout: 5000 });
    expect(await page.$eval('#detail-result', (e) => e.textContent)).to.match(/^medium forward pinned: r1-r3-r5-r6 → r1-r2-r4-r6 \(switch #\d+ on r1 table 102; decision → kernel ack \d+\.\d{3} ms\)$/);
    expect(kernelSegments(lab, 'r1', TABLES.medium)).to.deep.equal(['fc00:2::1', 'fc00:4::1', 'fc00:6::d2']);
    const { flows } = JSON.parse(srv6ctlOk('--json', 'flows'));
    const medium = flows.find((f: any) => f.class === 'medium' && f.direction === 'forward');
    expect(medium).to.include({ mode: 'static' });
    expect(medium.pin).to.deep.equal(['r1', 'r2', 'r4', 'r6']);
    await page.waitForFunction(() => document.querySelector('#flows-table tr[data-class="medium"] td.dir-forward .path')?.textContent === 'r1-r2-r4-r6', { timeout: 1000 });
  });

  it('shows the controller\'s own message when a pin is refused, the same as srv6ctl\'s', async () => {
    const cli = srv6ctl('pin', 'low', 'forward', 'r1,r5,r6');
    expect(cli.status).to.equal(2);
    const message = cli.stderr.trim().replace(/^srv6ctl: /, '');
    expect(message).to.match(/^path: "r1,r5,r6" is not valid: .*no link between r1 and r5/);
    const api = await page.evaluate(async () => {
      const r = await fetch('/api/pin', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ class: 'low', direction: 'forward', path: ['r1', 'r5', 'r6'] }) });
      return { status: r.status, body: await r.json() };
    });
    expect(api).to.deep.equal({ status: 400, body: { error: message, code: 'INVALID_ARGUMENT' } });
    await page.evaluate(() => (window as any).srv6view.pin('low', 'forward', ['r1', 'r5', 'r6']));
    await page.waitForSelector('#detail-result[data-outcome="error"]', { timeout: 2000 });
    expect(await page.$eval('#detail-result', (e) => e.textContent)).to.equal(`not pinned: ${message}`);
    expect(kernelSegments(lab, 'r1', TABLES.low)).to.deep.equal(['fc00:3::1', 'fc00:5::1', 'fc00:6::d3']);
  });

  it('reconnects by itself after the controller restarts', async () => {
    const instance = await page.evaluate(() => (window as any).srv6view.instance);
    await ctl!.stop();
    ctl = undefined;
    await page.waitForSelector('#status[data-state="reconnecting"]', { timeout: 5000 });
    ctl = await startController(lab, dir, webArgs());
    await page.waitForFunction((old) => (window as any).srv6view.instance !== old && document.querySelector('#status')?.getAttribute('data-state') === 'live', { timeout: 15_000 }, instance);
    // a new controller: no switches yet; the paths it adopted from the kernel
    expect(await page.$$eval('#switches-table tbody tr', (r) => r.length)).to.equal(0);
    await page.waitForFunction(() => document.querySelector('#flows-table tr[data-class="medium"] td.dir-forward .path')?.textContent === 'r1-r2-r4-r6', { timeout: 3000 });
    expect(await page.$eval('#graph', (e) => (e as HTMLElement).dataset.routers)).to.equal('6');
  });

  it('shows a switch the policy makes under traffic live in the timeline, and rates on the charts', async () => {
    // every flow back to the policy; demo traffic: high 60 + low 70 Mbit/s forward on r1->r2 (100 Mbit/s), medium 40 reverse
    srv6ctlOk('policy', 'set', '--mode', 'least-utilized');
    srv6ctlOk('pin', 'low', 'forward', 'r1,r2,r5,r6');
    srv6ctlOk('policy', 'set', '--class', 'low', '--direction', 'forward', '--mode', 'least-utilized');
    await page.click('#flows-table tr[data-class="low"]');
    demo = startDemoTraffic(lab, t);
    const row = await page.waitForSelector('#switches-table tr[data-trigger="congestion"]', { timeout: 30_000 });
    expect(await row!.evaluate((r) => r.textContent)).to.match(/(high|low)fwdcongestionr1-r2-\S+ > r1-\S+\d+\.\d{3} ms$/);
    await page.waitForFunction(() => {
      const s = (window as any).srv6view.charts.classes.samples;
      return s.length > 5 && s.at(-1).flows['high/forward'] > 20 && s.at(-1).flows['medium/reverse'] > 10;
    }, { timeout: 20_000 });
    await sleep(8000); // the charts and the histogram fill a little
    await page.waitForSelector('#detail-paths [data-direction="forward"] tr', { timeout: 5000 });
    await shot('web-class');
    await page.click('#flows-table tr[data-class="low"]'); // unselect: every class's path drawn alike
    await page.waitForSelector('#detail', { hidden: true });
    await sleep(500);
    await shot('web-overview');
    demo.stop();
    demo = undefined;
  });
});
