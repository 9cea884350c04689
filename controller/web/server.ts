// The web view: one page (controller/web/static/, plain ES modules; cytoscape
// and uPlot served from node_modules), JSON endpoints that call the very
// handlers of the gRPC API (ControllerServer.invoke), and a server-sent event
// stream fed from the controller's switch and round events (events.ts).
//
//   GET  /                      the page (with ?token=: sets the cookie and redirects to /)
//   GET  /static/*, /vendor/*   its files
//   GET  /api/view              GetTopology + router positions, the externals, the controller instance
//   GET  /api/flows             ListFlows          GET /api/policy   GetPolicy
//   GET  /api/paths?class=&direction=&k=          ListPaths (candidates with costs and probes)
//   GET  /api/analyze           Analyze (what the policy would do now, and why)
//   GET  /api/routers           ListRouters
//   POST /api/pin               SetPath {class, direction, path}: the same as `srv6ctl pin`
//   GET  /api/events?replay=N   server-sent events (events.ts)
//
// Access (auth.ts): with a token, every request must carry it (Bearer header,
// the cookie, or ?token=); else 401 and nothing else. Without one the view
// listens on the loopback only and answers only requests addressed to the
// loopback. With mutual TLS it speaks HTTPS with the controller's
// certificate, and a client certificate signed by the CA also authorises.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { TlsFiles } from '../../proto/tls.js';
import { endpoints } from '../../topology/derive.js';
import { authorized, loopbackHostHeader, sameOrigin, TOKEN_COOKIE, type HttpAddress } from './auth.js';
import type { WebBackend } from './backend.js';
import { DEFAULT_REPLAY, EventHub, MAX_REPLAY } from './events.js';

/** the page's files, in the source tree and in the image alike (dist/controller/web/ -> controller/web/static/) */
const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'controller', 'web', 'static');
/** the libraries the page imports, as their packages ship them */
const VENDOR: Record<string, string> = {
  'cytoscape.mjs': fileURLToPath(import.meta.resolve('cytoscape/dist/cytoscape.esm.min.mjs')),
  'uplot.mjs': fileURLToPath(import.meta.resolve('uplot/dist/uPlot.esm.js')),
  'uplot.css': fileURLToPath(import.meta.resolve('uplot/dist/uPlot.min.css')),
};
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
};
const MAX_BODY_BYTES = 64 << 10;
const API_PATHS = new Set(['/api/view', '/api/flows', '/api/policy', '/api/routers', '/api/analyze', '/api/paths', '/api/switches', '/api/events', '/api/pin']);
/** what the page may do: its own scripts and styles (inline style attributes: uPlot and cytoscape set them), no framing */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export interface WebOptions extends HttpAddress {
  /** required of every request when set */
  token?: string;
  /** mutual TLS: HTTPS with this certificate; a client certificate signed by the CA authorises (and is required without a token) */
  tls?: TlsFiles;
  log?: (fields: object, msg: string) => void;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly code = '') {
    super(message);
  }
}

/** gRPC status of a refusal -> HTTP status */
const HTTP_OF_GRPC: Partial<Record<number, number>> = { [grpc.status.INVALID_ARGUMENT]: 400, [grpc.status.FAILED_PRECONDITION]: 409, [grpc.status.NOT_FOUND]: 404 };

export type { WebBackend } from './backend.js';

export class WebServer {
  readonly hub: EventHub;
  private server?: Server;
  private readonly startedUnixMs = Date.now();

  constructor(private readonly backend: WebBackend, private readonly o: WebOptions) {
    this.hub = new EventHub(backend);
  }

  /** Starts listening; resolves with the page's URL (the port filled in when 0 was asked for). */
  async listen(): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
      this.handle(req, res).catch((e) => this.fail(res, e));
    };
    const tls = this.o.tls?.cert && this.o.tls.key && this.o.tls.ca ? this.o.tls : undefined;
    this.server = tls
      ? createHttpsServer({ cert: readFileSync(tls.cert!), key: readFileSync(tls.key!), ca: readFileSync(tls.ca!), requestCert: true, rejectUnauthorized: !this.o.token }, handler)
      : createHttpServer(handler);
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.port, this.o.host, () => {
        this.server!.off('error', reject);
        resolve();
      });
    });
    this.hub.start();
    const port = (this.server.address() as { port: number }).port;
    const host = this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host;
    const shown = host === '[::]' ? '[::1]' : host === '0.0.0.0' ? '127.0.0.1' : host;
    return `${tls ? 'https' : 'http'}://${shown}:${port}/`;
  }

  async close(): Promise<void> {
    this.hub.stop();
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://view');
    const clientCert = (req.socket as TLSSocket).authorized === true;
    if (!clientCert && !authorized(req, this.o.token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="srv6-orchestrator"', 'cache-control': 'no-store' });
      res.end('401 unauthorized\n');
      return;
    }
    if (this.o.token === undefined && !this.o.tls && !loopbackHostHeader(req)) {
      throw new HttpError(403, 'this web view answers only requests addressed to the loopback (Host 127.0.0.1, [::1] or localhost)');
    }

    if (url.pathname === '/' || url.pathname === '/index.html') {
      // a page loaded with ?token=: keep it in a cookie and take it out of the address bar
      if (this.o.token !== undefined && url.searchParams.has('token')) {
        res.writeHead(303, {
          location: '/', 'cache-control': 'no-store',
          'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(url.searchParams.get('token')!)}; Path=/; HttpOnly; SameSite=Strict${(req.socket as TLSSocket).encrypted ? '; Secure' : ''}`,
        });
        res.end();
        return;
      }
      return this.file(res, join(STATIC_DIR, 'index.html'));
    }
    if (url.pathname.startsWith('/static/')) {
      const path = normalize(join(STATIC_DIR, decodeURIComponent(url.pathname.slice('/static/'.length))));
      if (!path.startsWith(STATIC_DIR + sep)) throw new HttpError(404, 'no such file');
      return this.file(res, path);
    }
    if (url.pathname.startsWith('/vendor/')) {
      const path = VENDOR[url.pathname.slice('/vendor/'.length)];
      if (!path) throw new HttpError(404, 'no such file');
      return this.file(res, path);
    }
    if (!url.pathname.startsWith('/api/')) throw new HttpError(404, `no ${url.pathname} here: the page is at /`);

    const route = `${req.method} ${url.pathname}`;
    const q = (k: string) => url.searchParams.get(k) ?? '';
    // how many past switches to send first: ?replay=N (0: none), else the default
    const replay = url.searchParams.has('replay') ? Math.max(0, Math.min(MAX_REPLAY, Math.trunc(Number(q('replay'))) || 0)) : DEFAULT_REPLAY;
    switch (route) {
      case 'GET /api/view': return this.json(res, await this.view());
      case 'GET /api/flows': return this.json(res, await this.backend.invoke('ListFlows'));
      case 'GET /api/policy': return this.json(res, await this.backend.invoke('GetPolicy'));
      case 'GET /api/routers': return this.json(res, await this.backend.invoke('ListRouters'));
      case 'GET /api/analyze': return this.json(res, await this.backend.invoke('Analyze', {}));
      case 'GET /api/paths': return this.json(res, await this.backend.invoke('ListPaths', { class: q('class'), direction: q('direction'), k: Number(q('k')) || 0 }));
      case 'GET /api/switches': return this.json(res, { switches: replay ? this.backend.switches().slice(-replay) : [] });
      case 'GET /api/events': return this.hub.subscribe(res, replay, this.backend.intervalMs());
      case 'POST /api/pin': {
        if (!sameOrigin(req)) throw new HttpError(403, 'a pin must come from the web view\'s own page');
        const body = await readJson(req);
        const path = Array.isArray(body.path) ? body.path : typeof body.path === 'string' ? body.path.split(/[\s,]+/).filter(Boolean) : body.path;
        const event = await this.backend.invoke('SetPath', { class: body.class, direction: body.direction, path });
        this.o.log?.({ class: body.class, direction: body.direction, path, from: 'web' }, 'pinned from the web view');
        return this.json(res, event);
      }
      default:
        if (API_PATHS.has(url.pathname)) throw new HttpError(405, `${req.method} is not allowed on ${url.pathname}`);
        throw new HttpError(404, `no ${url.pathname}`);
    }
  }

  /** The topology as GetTopology says it, with what only the page needs: positions, the externals, this controller. */
  private async view() {
    const t = this.backend.topology;
    const topology = await this.backend.invoke('GetTopology');
    const f = endpoints(t, 'forward');
    return {
      topology,
      routers: t.routers.map((r) => ({ name: r.name, position: r.position ?? null, locator: r.locator, management: r.management })),
      externals: [t.externals.upf, t.externals.server].map((e) => ({ role: e.role, router: e.router.name, address: e.node.address })),
      forward: { ingress: f.ingress, egress: f.egress },
      instance: this.hub.instance, started_unix_ms: this.startedUnixMs, interval_ms: this.backend.intervalMs(),
    };
  }

  private file(res: ServerResponse, path: string): void {
    let size: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      throw new HttpError(404, 'no such file');
    }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-length': size, 'cache-control': 'no-cache' });
    createReadStream(path).pipe(res);
  }

  private json(res: ServerResponse, body: unknown, status = 200): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private fail(res: ServerResponse, e: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const grpcCode = (e as { code?: unknown }).code;
    const status = e instanceof HttpError ? e.status : typeof grpcCode === 'number' ? HTTP_OF_GRPC[grpcCode] ?? 500 : 500;
    const code = typeof grpcCode === 'number' ? grpc.status[grpcCode] : e instanceof HttpError ? e.code : '';
    if (status >= 500) this.o.log?.({ err: e }, 'web view: request failed');
    this.json(res, { error: (e as Error).message, code }, status);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, any>> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'expected a JSON body (content-type: application/json)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(c as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `the body is not JSON: ${(e as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'expected a JSON object {class, direction, path}');
  return body as Record<string, any>;
}
