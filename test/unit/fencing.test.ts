// Fencing at the agent (agent/fencing.ts): the highest election id, the two
// checks (arrival and turn), dry runs, --require-election, the file that keeps
// the id across restarts; and the client side: the id an AgentClient and its
// SwitchStream put on every mutating request, as the agent's server receives it.
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { AgentClient } from '../../agent/client.js';
import { refusal } from '../helpers/grpc.js';
import { Fencing } from '../../agent/fencing.js';
import { SwitchStream } from '../../agent/switch-stream.js';
import { AGENT_PROTO, loadPackage } from '../../proto/load.js';

const log = pino({ level: 'silent' });

describe('Fencing', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'srv6t-fence-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a newer or equal id, refuses a lower one with FAILED_PRECONDITION naming both, and counts it', () => {
    const f = new Fencing({ required: false, log });
    f.admit('5', false);
    f.admit('7', false);
    f.admit('7', false);
    const e = refusal(() => f.admit('6', false));
    expect([e.code, e.message]).to.deep.equal([grpc.status.FAILED_PRECONDITION, 'superseded by election id 7 (this request carries 6)']);
    expect(f.info()).to.deep.equal({ election_id: '7', required: false, refusals: '1' });
  });

  it('refuses at its turn a request accepted at arrival that a newer id overtook while it waited', () => {
    const f = new Fencing({ required: false, log });
    const atTurn = f.admit('8', false);
    f.admit('9', false);
    const e = refusal(atTurn);
    expect(e.message).to.equal('superseded by election id 9 (this request carries 8)');
    expect(f.info().refusals).to.equal('1');
  });

  it('checks a dry run but does not raise the highest id with it', () => {
    const f = new Fencing({ required: false, log });
    f.admit('7', false);
    expect(refusal(() => f.admit('6', true)).code).to.equal(grpc.status.FAILED_PRECONDITION);
    f.admit('20', true);
    expect(f.info().election_id).to.equal('7');
  });

  it('takes a request without an id (0) unless it requires one', () => {
    const open = new Fencing({ required: false, log });
    open.admit('9', false);
    for (const none of [undefined, null, '', '0', 0]) open.admit(none, false);
    const strict = new Fencing({ required: true, log });
    for (const none of [undefined, '0']) {
      const e = refusal(() => strict.admit(none, false));
      expect([e.code, e.message]).to.deep.equal([grpc.status.FAILED_PRECONDITION, 'this agent requires an election id (--require-election)']);
    }
    strict.admit('1', false);
    expect(strict.info()).to.deep.equal({ election_id: '1', required: true, refusals: '0' });
  });

  it('takes the whole uint64 range and refuses what is not one, naming the value', () => {
    const f = new Fencing({ required: false, log });
    f.admit('18446744073709551615', false);
    expect(f.info().election_id).to.equal('18446744073709551615');
    const e = refusal(() => f.admit('18446744073709551616', false));
    expect([e.code, e.message]).to.deep.equal([grpc.status.INVALID_ARGUMENT, 'election_id: "18446744073709551616" is not valid: expected a uint64 (0: no election)']);
  });

  it('keeps the highest id in its file (replaced, never torn) and reads it back at start', () => {
    const file = join(dir, 'sub', 'r1.election');
    expect(new Fencing({ required: false, file, log }).info().election_id, 'no file: 0').to.equal('0');
    const f = new Fencing({ required: false, file, log });
    f.admit('12', false);
    f.admit('30', true);
    expect(readFileSync(file, 'utf8')).to.equal('12\n');
    expect(existsSync(`${file}.tmp`)).to.equal(false);
    const again = new Fencing({ required: false, file, log });
    expect(again.info()).to.deep.equal({ election_id: '12', required: false, refusals: '0' });
    expect(refusal(() => again.admit('11', false)).message).to.equal('superseded by election id 12 (this request carries 11)');
  });

  it('refuses to start from a file that holds no election id, naming the file and the text', () => {
    const file = join(dir, 'r1.election');
    writeFileSync(file, 'twelve\n');
    expect(() => new Fencing({ required: false, file, log })).to.throw(`${file}: "twelve" is not an election id: expected a decimal uint64`);
  });
});

describe('AgentClient.electionId on the wire', () => {
  let dir: string;
  let server: grpc.Server;
  let client: AgentClient;
  /** election_id of each mutating request the server received, by method */
  let seen: string[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'srv6t-fence-wire-'));
    const service = (grpc.loadPackageDefinition(loadPackage(AGENT_PROTO)) as any).srv6.agent.v1.RouterAgent.service as grpc.ServiceDefinition;
    const reply = { results: [], kernel_ns: '1', total_ns: '1', acked_mono_ns: '1' };
    const unary = (method: string, res: object) => (call: grpc.ServerUnaryCall<{ election_id: string }, object>, cb: grpc.sendUnaryData<object>) => {
      seen.push(`${method} ${call.request.election_id}`);
      cb(null, res);
    };
    server = new grpc.Server();
    server.addService(service, {
      Apply: unary('Apply', reply), SetPath: unary('SetPath', reply), Sync: unary('Sync', {}), SetProbes: unary('SetProbes', {}),
      GetInfo: (_c: unknown, cb: grpc.sendUnaryData<object>) => { seen.push('GetInfo'); cb(null, {}); },
      SetPaths: (call: grpc.ServerDuplexStream<{ id: string; request: { election_id: string } }, object>) => {
        call.on('data', (m) => {
          seen.push(`SetPaths ${m.request.election_id}`);
          call.write({ id: m.id, result: reply, code: 0 });
        });
      },
    });
    const socket = join(dir, 'a.sock');
    await new Promise<void>((resolve, reject) => server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
    client = new AgentClient(`unix:${socket}`);
  });

  after(() => {
    client?.close();
    server?.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    seen = [];
    client.electionId = undefined;
  });

  it('rides on Apply, SetPath, Sync and SetProbes once set; none (0) before', async () => {
    await client.call('SetPath', { prefix: 'fd03:1::/64' });
    client.electionId = 42n;
    for (const m of ['Apply', 'SetPath', 'Sync', 'SetProbes', 'GetInfo'] as const) await client.call(m, {});
    expect(seen).to.deep.equal(['SetPath 0', 'Apply 42', 'SetPath 42', 'Sync 42', 'SetProbes 42', 'GetInfo']);
  });

  it('leaves a request\'s own id as it is, and never changes the caller\'s object', async () => {
    client.electionId = 42n;
    const own = { election_id: '7' };
    const plain = { prefix: 'fd03:1::/64' };
    await client.call('SetPath', own);
    await client.call('SetPath', plain);
    expect(seen).to.deep.equal(['SetPath 7', 'SetPath 42']);
    expect(plain).to.deep.equal({ prefix: 'fd03:1::/64' });
  });

  it('rides on every SetPaths message of a SwitchStream, following the client when it changes', async () => {
    const sw = new SwitchStream(client);
    try {
      // the same request object each time: the stream re-encodes it only when the id changed
      const request = { prefix: 'fd03:1::/64', table: 101, segments: ['fc00:2::1'] };
      await sw.setPath(request, 2000);
      client.electionId = 5n;
      await sw.setPath(request, 2000);
      await sw.setPath(request, 2000);
      client.electionId = 6n;
      await sw.setPath(request, 2000);
      expect(seen).to.deep.equal(['SetPaths 0', 'SetPaths 5', 'SetPaths 5', 'SetPaths 6']);
    } finally {
      sw.close();
    }
  });

  it('refuses an id that is not a uint64, naming it', () => {
    expect(() => { client.electionId = -1n; }).to.throw(RangeError, 'electionId: -1 is not valid: expected a uint64');
    expect(() => { client.electionId = 1n << 64n; }).to.throw(RangeError, 'electionId: 18446744073709551616 is not valid');
    expect(client.electionId).to.equal(undefined);
  });
});
