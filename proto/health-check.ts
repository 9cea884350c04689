#!/usr/bin/env node
// Container healthcheck: `node dist/proto/health-check.js ADDRESS [SERVICE]` exits 0 when
// the gRPC health service answers SERVING, 1 otherwise.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HEALTH_PROTO } from './load.js';
import { channelCredentials, expectName, tlsEnabled, tlsFiles } from './tls.js';

// WHO: whose certificate to present when SRV6_TLS_DIR switches TLS on (the router's name, "controller")
const [address, who = 'controller'] = process.argv.slice(2);
if (!address) {
  console.error('usage: health-check.js ADDRESS [WHO]');
  process.exit(2);
}
const tls = tlsFiles({}, who);
const Health = (grpc.loadPackageDefinition(protoLoader.loadSync(HEALTH_PROTO, { keepCase: true, enums: String })) as any).grpc.health.v1.Health;
const client = new Health(address, channelCredentials(tls), tlsEnabled(tls) ? expectName(who) : {});
client.Check({ service: '' }, { deadline: Date.now() + 2000 }, (err: grpc.ServiceError | null, res: { status: string }) => {
  client.close();
  if (err) console.error(`${address}: ${err.message}`);
  process.exit(!err && res.status === 'SERVING' ? 0 : 1);
});
