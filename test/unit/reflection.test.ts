// Server reflection serves the descriptors protoc makes of our .proto files
// (proto/reflection.ts): equal to protoc's own for a test file of maps,
// imports and proto3 optional fields, and accepted by a client that shares
// nothing with our gRPC stack (Python's, whose C++ descriptor pool is protoc's
// builder: it refuses a map entry that is not named <Field>Entry).
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { AGENT_PROTO, CONTROLLER_PROTO, packageFiles, PROTO_ROOT } from '../../proto/load.js';
import { addReflection, fileDescriptorProtos, mapEntryName } from '../../proto/reflection.js';
import { jsonMessages, reflectPy, reflectPyOk, requirePythonGrpc } from '../helpers/grpc.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'proto');
const MAPS = join(FIXTURES, 'srv6', 'test', 'v1', 'maps.proto');
// protoc -I test/fixtures/proto -I /usr/include --descriptor_set_out=test/fixtures/proto/maps.protoc.pb \
//   srv6/test/v1/common.proto srv6/test/v1/maps.proto           (Debian: protobuf-compiler libprotobuf-dev)
const PROTOC = join(FIXTURES, 'maps.protoc.pb');

type Obj = Record<string, any>;
const decode = (b: Uint8Array): Obj => descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(b), { defaults: false });
const byName = (bufs: Uint8Array[]) => new Map(bufs.map(decode).map((f) => [f.name as string, f]));

describe('reflection descriptors', () => {
  it('names map entries as protoc does', () => {
    expect(mapEntryName('statuses')).to.equal('StatusesEntry');
    expect(mapEntryName('per_router_color')).to.equal('PerRouterColorEntry');
    expect(mapEntryName('a_1b')).to.equal('A1bEntry');
  });

  it('are protoc\'s own for a file of maps, imports, oneofs and proto3 optional fields', () => {
    const ours = byName(fileDescriptorProtos([MAPS], [FIXTURES]));
    const golden = (descriptor.FileDescriptorSet.toObject(descriptor.FileDescriptorSet.decode(readFileSync(PROTOC))) as { file: Obj[] }).file;
    expect(golden.map((f) => f.name)).to.deep.equal(['srv6/test/v1/common.proto', 'srv6/test/v1/maps.proto']);
    for (const g of golden) {
      delete g.sourceCodeInfo;
      expect(ours.get(g.name), g.name).to.deep.equal(g);
    }
    expect([...ours.keys()].sort()).to.deep.equal(['google/protobuf/timestamp.proto', 'srv6/test/v1/common.proto', 'srv6/test/v1/maps.proto']);
  });

  it('serve grpc.health.v1.HealthListResponse.statuses with a StatusesEntry, and our files by their import names', () => {
    for (const file of [AGENT_PROTO, CONTROLLER_PROTO]) {
      const files = byName(fileDescriptorProtos(packageFiles(file)));
      expect([...files.keys()].sort()).to.deep.equal(['grpc/health/v1/health.proto', file]);
      const list = (files.get('grpc/health/v1/health.proto')!.messageType as Obj[]).find((m) => m.name === 'HealthListResponse')!;
      expect(list.field[0]).to.include({ name: 'statuses', typeName: '.grpc.health.v1.HealthListResponse.StatusesEntry', label: 3, type: 11 });
      expect(list.nestedType[0]).to.deep.include({ name: 'StatusesEntry', options: { mapEntry: true } });
    }
    // proto3 optional: the flag, and the synthetic oneof
    const ctl = byName(fileDescriptorProtos([CONTROLLER_PROTO])).get(CONTROLLER_PROTO)!;
    const setPolicy = (ctl.messageType as Obj[]).find((m) => m.name === 'SetPolicyRequest')!;
    const threshold = (setPolicy.field as Obj[]).find((f) => f.name === 'threshold')!;
    expect(threshold).to.include({ proto3Optional: true });
    expect(setPolicy.oneofDecl[threshold.oneofIndex].name).to.equal('_threshold');
  });
});

describe('reflection through a client of another gRPC stack (Python)', function () {
  this.timeout(60_000);

  /** A grpc-js server with the given reflection; resolves with its address. */
  async function serve(setup: (s: grpc.Server) => void): Promise<{ address: string; server: grpc.Server }> {
    const server = new grpc.Server();
    setup(server);
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    return { address: `127.0.0.1:${port}`, server };
  }

  before(function () {
    requirePythonGrpc(this);
  });

  it('builds every service of the agent and the controller into its descriptor pool', async () => {
    for (const [file, service] of [[AGENT_PROTO, 'srv6.agent.v1.RouterAgent'], [CONTROLLER_PROTO, 'srv6.controller.v1.Controller']]) {
      const { address, server } = await serve((s) => addReflection(s, packageFiles(file)));
      try {
        const services = (await reflectPyOk(['-plaintext', address, 'list'])).trim().split('\n');
        expect(services).to.deep.equal(['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection', service]);
        const all = await reflectPyOk(['-plaintext', address, 'describe']);
        expect(all).to.contain(`${service} is a service:`);
        expect(await reflectPyOk(['-plaintext', address, 'describe', 'grpc.health.v1.HealthListResponse'])).to.contain('map<string, .grpc.health.v1.HealthCheckResponse> statuses = 1;');
      } finally {
        server.forceShutdown();
      }
    }
  });

  it('calls a service with maps, imports and proto3 optional fields, unary and server stream', async () => {
    const pkg = protoLoader.loadSync(MAPS, { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true, includeDirs: [FIXTURES] });
    const Maps = (grpc.loadPackageDefinition(pkg) as any).srv6.test.v1.Maps.service as grpc.ServiceDefinition;
    const inventory = (name: string) => ({
      points: { [name]: { x: 1.5, y: -2 } },
      per_router_color: { 7: 'RED' },
      names: { '-9007199254740993': 'big' },
      limit: 0,
      at: { x: 3, y: 4 },
      nested: { children: { leaf: { values: [1, 2], packed_values: [3], explicit: ['-5'] } } },
      when: { seconds: '1700000000', nanos: 5 },
      display_name: 'shown as label',
    });
    const { address, server } = await serve((s) => {
      s.addService(Maps, {
        Get: (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => cb(null, inventory(call.request.name)),
        Watch: (call: grpc.ServerWritableStream<any, any>) => {
          for (let i = 0; i < 3; i++) call.write(inventory(`${call.request.name}${i}`));
          call.end();
        },
      });
      addReflection(s, [MAPS], [PROTO_ROOT, FIXTURES]);
    });
    try {
      const described = await reflectPyOk(['-plaintext', address, 'describe', 'srv6.test.v1.Inventory']);
      for (const line of ['map<string, .srv6.test.v1.Point> points = 1;', 'map<uint32, .srv6.test.v1.Color> per_router_color = 2;', 'optional uint32 limit = 4;',
        'oneof choice {', 'map<string, .srv6.test.v1.Inventory.Nested> children = 1;', '.google.protobuf.Timestamp when = 9;']) {
        expect(described).to.contain(line);
      }
      const [got] = jsonMessages(await reflectPyOk(['-plaintext', '-d', '{"name":"p"}', address, 'srv6.test.v1.Maps/Get']));
      expect(got).to.deep.equal({
        points: { p: { x: 1.5, y: -2 } },
        per_router_color: { 7: 'RED' },
        names: { '-9007199254740993': 'big' },
        limit: 0, // present (proto3 optional), though 0
        at: { x: 3, y: 4 },
        nested: { children: { leaf: { values: [1, 2], packed_values: [3], explicit: ['-5'] } } },
        when: '2023-11-14T22:13:20.000000005Z',
        display_name: 'shown as label',
      });
      const stream = jsonMessages(await reflectPyOk(['-plaintext', '-d', '{"name":"w"}', '-max-msgs', '2', address, 'srv6.test.v1.Maps/Watch']));
      expect(stream.map((m) => Object.keys(m.points)[0])).to.deep.equal(['w0', 'w1']);
      // and a symbol it does not have is an error, not a crash
      const missing = await reflectPy(['-plaintext', address, 'describe', 'srv6.test.v1.Nope']);
      expect(missing.status).to.equal(1);
      expect(missing.stderr).to.match(/^reflect\.py: reflection: Symbol not found: srv6\.test\.v1\.Nope/);
    } finally {
      server.forceShutdown();
    }
  });
});
