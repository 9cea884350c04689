// gRPC helpers for tests: list a server's services through reflection, as grpcurl
// does, run the Python reflection client, which shares nothing with our stack,
// and take the error of a call (or a check) that must fail.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError } from '../../agent/errors.js';

/** The ApiError a synchronous check throws (the agent's refusal before any gRPC); throws when it throws nothing else. */
export function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** The error a call fails with; throws when it succeeds. */
export async function rejects(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as grpc.ServiceError;
  }
  throw new Error('expected the call to fail');
}

export async function reflectedServices(address: string): Promise<string[]> {
  const reflectionProto = join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '..', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');
  const def = protoLoader.loadSync(reflectionProto, { keepCase: true });
  const Reflection = (grpc.loadPackageDefinition(def) as any).grpc.reflection.v1.ServerReflection;
  const client = new Reflection(address, grpc.credentials.createInsecure());
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const call = client.ServerReflectionInfo();
      call.on('data', (res: any) => {
        resolve(res.list_services_response.service.map((s: { name: string }) => s.name));
        call.end();
      });
      call.on('error', reject);
      call.write({ list_services: '*' });
    });
  } finally {
    client.close();
  }
}

/**
 * The reflection client of test/python/reflect.py: Debian's python3-grpcio and
 * python3-protobuf, nothing of our gRPC stack. Debian's interpreter, whatever
 * else is first on the PATH (Debian's packages are only on its path).
 */
const PYTHON = '/usr/bin/python3';
const REFLECT_PY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'python', 'reflect.py');

/**
 * Skips outside CI when Debian's python3-grpcio is missing, or when its
 * protobuf is the pure-Python one (which does not validate descriptors);
 * under CI=true that is a failure, never a silent pass.
 */
export function requirePythonGrpc(ctx: Mocha.Context): void {
  const r = spawnSync(PYTHON, ['-c', 'import grpc; from google.protobuf.internal import api_implementation as a; print(a.Type())'], { encoding: 'utf8' });
  const why = r.error ? `${PYTHON}: ${r.error.message}` : r.status !== 0 ? r.stderr.trim().split('\n').pop()
    : r.stdout.trim() === 'python' ? 'python3-protobuf is the pure-Python implementation, whose descriptor pool does not validate' : undefined;
  if (!why) return;
  if (process.env.CI === 'true') throw new Error(`the Python reflection client needs Debian's python3-grpcio and python3-protobuf: ${why}`);
  ctx.skip();
}

export interface PyResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the Python client (grpcurl's flags: -plaintext, -cacert/-cert/-key, -servername, -d, -max-msgs) without blocking the event loop. */
export function reflectPy(args: string[], timeoutMs = 30_000): Promise<PyResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, [REFLECT_PY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', reject);
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The Python client's result, or an error with its output. */
export async function reflectPyOk(args: string[]): Promise<string> {
  const r = await reflectPy(args);
  if (r.status !== 0) throw new Error(`reflect.py ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The JSON messages the Python client printed one after the other (a unary reply, or a stream's messages). */
export function jsonMessages(out: string): any[] {
  return out.split(/(?<=^\})\n(?=\{)/m).filter((s) => s.trim()).map((s) => JSON.parse(s));
}
