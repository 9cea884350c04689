#!/usr/bin/env node
// Container healthcheck: `node dist/proto/health-check.js ADDRESS [SERVICE]` exits 0 when
// the gRPC health service answers SERVING, 1 otherwise.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HEALTH_PROTO } from './load.js';

const [address, service = ''] = process.argv.slice(2);
if (!address) {
  console.error('usage: health-check.js ADDRESS [SERVICE]');
  process.exit(2);
}
const Health = (grpc.loadPackageDefinition(protoLoader.loadSync(HEALTH_PROTO, { keepCase: true, enums: String })) as any).grpc.health.v1.Health;
const client = new Health(address, grpc.credentials.createInsecure());
client.Check({ service }, { deadline: Date.now() + 2000 }, (err: grpc.ServiceError | null, res: { status: string }) => {
  client.close();
  if (err) console.error(`${address}: ${err.message}`);
  process.exit(!err && res.status === 'SERVING' ? 0 : 1);
});
