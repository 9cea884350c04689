// The controller's switch stream to an agent, against real gRPC servers in
// this process: replies matched by id, refusals as statuses, a broken stream
// reopened, and unary SetPath for an agent that has no SetPaths.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentClient } from '../../agent/client.js';
import { SwitchStream } from '../../agent/switch-stream.js';
import { AGENT_PROTO, loadPackage } from '../../proto/load.js';

const service = (grpc.loadPackageDefinition(loadPackage(AGENT_PROTO)) as any).srv6.agent.v1.RouterAgent.service as grpc.ServiceDefinition;
const reply = (table: number) => ({ results: [{ index: 0, outcome: `table ${table}` }], kernel_ns: '1', total_ns: '1', acked_mono_ns: '1' });

async function serve(socket: string, handlers: grpc.UntypedServiceImplementation): Promise<grpc.Server> {
  const server = new grpc.Server();
  server.addService(service, handlers);
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
  return server;
}

describe('SwitchStream', () => {
  let dir: string;
  const servers: grpc.Server[] = [];
  const clients: AgentClient[] = [];
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'srv6t-sw-')); });
  afterEach(() => {
    clients.splice(0).forEach((c) => c.close());
    servers.splice(0).forEach((s) => s.forceShutdown());
    rmSync(dir, { recursive: true, force: true });
  });

  it('matches replies to requests by id, even out of order, and rejects a refused one with its status', async () => {
    let unary = 0;
    servers.push(await serve(join(dir, 'a.sock'), {
      SetPath: (_c: unknown, cb: grpc.sendUnaryData<object>) => { unary++; cb(null, reply(0)); },
      SetPaths: (call: grpc.ServerDuplexStream<{ id: string; request: { table: number } }, object>) => {
        const held: { id: string; request: { table: number } }[] = [];
        call.on('data', (m) => {
          if (m.request.table === 0) return call.write({ id: m.id, code: grpc.status.INVALID_ARGUMENT, error: 'request.table: 0 is not a table' });
          held.push(m);
          // answer in pairs, the later one first
          if (held.length === 2) held.splice(0).reverse().forEach((x) => call.write({ id: x.id, result: reply(x.request.table), code: 0 }));
        });
      },
    }));
    const sw = new SwitchStream(new AgentClient(`unix:${join(dir, 'a.sock')}`));
    const [a, b] = await Promise.all([sw.setPath({ table: 101 }, 2000), sw.setPath({ table: 102 }, 2000)]);
    expect([a.results[0].outcome, b.results[0].outcome]).to.deep.equal(['table 101', 'table 102']);
    const err = await sw.setPath({ table: 0 }, 2000).then(() => undefined, (e: grpc.ServiceError) => e);
    expect([err?.code, err?.details]).to.deep.equal([grpc.status.INVALID_ARGUMENT, 'request.table: 0 is not a table']);
    expect(unary).to.equal(0);
    sw.close();
  });

  it('falls back to unary SetPath for an agent without SetPaths (UNIMPLEMENTED), for good', async () => {
    let unary = 0;
    servers.push(await serve(join(dir, 'old.sock'), {
      SetPath: (call: grpc.ServerUnaryCall<{ table: number }, object>, cb: grpc.sendUnaryData<object>) => { unary++; cb(null, reply(call.request.table)); },
    }));
    const sw = new SwitchStream(new AgentClient(`unix:${join(dir, 'old.sock')}`));
    // the first request went out on the stream the agent does not have
    const first = await sw.setPath({ table: 101 }, 2000).then(() => undefined, (e: grpc.ServiceError) => e.code);
    expect(first).to.equal(grpc.status.UNIMPLEMENTED);
    expect((await sw.setPath({ table: 102 }, 2000)).results[0].outcome).to.equal('table 102');
    expect((await sw.setPath({ table: 103 }, 2000)).results[0].outcome).to.equal('table 103');
    expect(unary).to.equal(2);
    sw.close();
  });

  it('rejects what is in flight when the stream breaks, and opens a new one for the next request', async () => {
    let streams = 0;
    servers.push(await serve(join(dir, 'b.sock'), {
      SetPaths: (call: grpc.ServerDuplexStream<{ id: string; request: { table: number } }, object>) => {
        streams++;
        call.on('data', (m) => {
          if (m.request.table === 666) call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'agent restarting' }); // grpc-js: ends the call with this status
          else call.write({ id: m.id, result: reply(m.request.table), code: 0 });
        });
      },
    }));
    const sw = new SwitchStream(new AgentClient(`unix:${join(dir, 'b.sock')}`));
    expect((await sw.setPath({ table: 101 }, 2000)).results[0].outcome).to.equal('table 101');
    const broken = await sw.setPath({ table: 666 }, 2000).then(() => undefined, (e: grpc.ServiceError) => e.code);
    expect(broken).to.equal(grpc.status.UNAVAILABLE);
    expect((await sw.setPath({ table: 102 }, 2000)).results[0].outcome).to.equal('table 102');
    expect(streams).to.equal(2);
    sw.close();
  });
});
