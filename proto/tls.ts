// Mutual TLS for every gRPC server and client of the project. Plaintext stays
// possible (the lab, grpcurl debugging) when no files are given.
import * as grpc from '@grpc/grpc-js';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface TlsFiles {
  cert?: string;
  key?: string;
  ca?: string;
}

/** The files `srv6-deploy certs` writes for one party (a router's name, "controller", "srv6ctl"). */
export const tlsFromDir = (dir: string, who: string): TlsFiles => ({ cert: `${dir}/${who}.pem`, key: `${dir}/${who}-key.pem`, ca: `${dir}/ca.pem` });

/** Explicit files win; else SRV6_TLS_DIR (the Docker deployment's one switch) names the directory of all of them. */
export function tlsFiles(explicit: TlsFiles, who: string, env: NodeJS.ProcessEnv = process.env): TlsFiles {
  if (explicit.cert || explicit.key || explicit.ca || !env.SRV6_TLS_DIR) return explicit;
  return tlsFromDir(env.SRV6_TLS_DIR, who);
}

export function tlsEnabled(f: TlsFiles): boolean {
  const given = [f.cert, f.key, f.ca].filter(Boolean).length;
  if (given && given < 3) throw new Error('TLS needs all three of --tls-cert, --tls-key and --tls-ca (env SRV6_TLS_CERT, SRV6_TLS_KEY, SRV6_TLS_CA)');
  return given === 3;
}

function read(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${what} ${path}: ${(e as Error).message}`);
  }
}

/**
 * Our own certificate, checked before use: a peer that refuses it can only
 * drop the connection, so an expired or foreign certificate is named here.
 */
export function checkOwnCertificate(f: TlsFiles, now = new Date()): void {
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(read('--tls-cert', f.cert!));
    ca = new X509Certificate(read('--tls-ca', f.ca!));
  } catch (e) {
    throw new Error(`TLS: ${(e as Error).message}`);
  }
  if (new Date(cert.validTo) < now) throw new Error(`TLS: the certificate ${f.cert} expired on ${cert.validTo}: make new ones (srv6-deploy certs)`);
  if (new Date(cert.validFrom) > now) throw new Error(`TLS: the certificate ${f.cert} is not valid before ${cert.validFrom}`);
  if (!cert.verify(ca.publicKey)) {
    throw new Error(`TLS: the certificate ${f.cert} (issued by ${cert.issuer.replace(/\n/g, ', ')}) is not signed by the CA in ${f.ca} (${ca.subject.replace(/\n/g, ', ')})`);
  }
}

/** With TLS: clients must present a certificate signed by the CA; plaintext clients are refused. */
export function serverCredentials(f: TlsFiles): grpc.ServerCredentials {
  if (!tlsEnabled(f)) return grpc.ServerCredentials.createInsecure();
  checkOwnCertificate(f);
  return grpc.ServerCredentials.createSsl(read('--tls-ca', f.ca!), [{ cert_chain: read('--tls-cert', f.cert!), private_key: read('--tls-key', f.key!) }], true);
}

export function channelCredentials(f: TlsFiles): grpc.ChannelCredentials {
  if (!tlsEnabled(f)) return grpc.credentials.createInsecure();
  checkOwnCertificate(f);
  return grpc.credentials.createSsl(read('--tls-ca', f.ca!), read('--tls-key', f.key!), read('--tls-cert', f.cert!));
}

/** The name the server's certificate must carry (a router's name, "controller"), whatever address is dialled. */
export const expectName = (name: string): grpc.ChannelOptions => ({ 'grpc.ssl_target_name_override': name, 'grpc.default_authority': name });
