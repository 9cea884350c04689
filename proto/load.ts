// Loads the API from the .proto files in this folder: the single source of the API.
import * as protoLoader from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

function protoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, 'proto', 'srv6'))) return join(dir, 'proto');
  }
  throw new Error('proto/ folder not found next to the application');
}

export const PROTO_ROOT = protoRoot();

/** Where a file named as in an import (srv6/agent/v1/agent.proto) is; absolute paths are kept. */
export const protoPath = (file: string): string => (file.startsWith('/') ? file : join(PROTO_ROOT, file));
const HEALTH_PROTO: string = createRequire(import.meta.url)('grpc-health-check').protoPath;

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

const roots = new Map<string, protobuf.Root>();

/**
 * The protobufjs Root of one of our protos (a path under proto/), loaded once:
 * where the codecs written by hand (proto/sliced.ts, proto/telemetry-sample.ts,
 * agent/apply-codec.ts) take their message types and field numbers from.
 */
export function protobufRoot(file: string): protobuf.Root {
  let root = roots.get(file);
  if (!root) {
    root = new protobuf.Root();
    root.resolvePath = (_origin, target) => protoPath(target);
    root.loadSync(file, { keepCase: LOADER_OPTIONS.keepCase });
    roots.set(file, root);
  }
  return root;
}

/** What a server of one of our protos serves: it and the health service (reflection lists both: proto/reflection.ts). */
export const packageFiles = (file: string): string[] => [join(PROTO_ROOT, file), HEALTH_PROTO];

/** The package definition of one of our protos plus the health service. */
export function loadPackage(file: string): protoLoader.PackageDefinition {
  return protoLoader.loadSync(packageFiles(file), LOADER_OPTIONS);
}

export const AGENT_PROTO = 'srv6/agent/v1/agent.proto';
export const AGENT_SERVICE = 'srv6.agent.v1.RouterAgent';

export const CONTROLLER_PROTO = 'srv6/controller/v1/controller.proto';
export const CONTROLLER_SERVICE = 'srv6.controller.v1.Controller';
