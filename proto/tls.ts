// Mutual TLS for every gRPC server and client of the project. Plaintext stays
// possible (the lab, grpcurl debugging) when no files are given.
import * as grpc from '@grpc/grpc-js';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server as NetServer } from 'node:net';
import type { TLSSocket } from 'node:tls';

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
function checkOwnCertificate(f: TlsFiles, now = new Date()): void {
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

const oneLine = (dn: string) => dn.split('\n').join(', ');

/** A certificate file in one line: subject, issuer, validity (or why it cannot be read). */
function describeCertificate(path: string): string {
  try {
    const c = new X509Certificate(readFileSync(path));
    return `${oneLine(c.subject)}, issued by ${oneLine(c.issuer)}, valid until ${c.validTo}`;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The subject of the CA file (the name a peer's certificate must be issued by). */
function caSubject(path: string): string {
  try {
    return oneLine(new X509Certificate(readFileSync(path)).subject);
  } catch (e) {
    return (e as Error).message;
  }
}

/** grpc-js's words for a connection the peer closed right after our side of the TLS handshake. */
const DROPPED = /Failed to connect(?! before the deadline)|Connection closed before starting HTTP\/2 handshake|socket hang up|ECONNRESET/;
/** Node's words for a peer certificate we refused ourselves. */
const REFUSED_BY_US = /ERR_TLS_CERT_ALTNAME_INVALID|self[- ]signed certificate|unable to (verify|get local issuer)|certificate has expired|certificate is not yet valid|unable to verify the first certificate/i;

/**
 * What a failed connection to a TLS peer most likely means, when the transport's
 * own words do not say: in TLS 1.3 a client's side of the handshake is over
 * before the server has checked the client's certificate, so a server that
 * refuses it can only close the connection, and grpc-js reports "Failed to
 * connect". undefined when there is nothing to add (refused, unresolvable, ...).
 */
export function explainConnectFailure(details: string, f: TlsFiles, peer: string): string | undefined {
  let tls = false;
  try {
    tls = tlsEnabled(f);
  } catch {
    // half a configuration is refused before any connection
  }
  if (DROPPED.test(details)) {
    return tls
      ? `${peer} closed the TLS handshake: it probably does not accept our certificate (${f.cert}: ${describeCertificate(f.cert!)}); `
        + `check --tls-ca on both sides: ${peer} needs the CA that issued ours, we (${f.ca}: ${caSubject(f.ca!)}) the one that issued its certificate`
      : `${peer} closed the connection at once: it probably requires mutual TLS; give --tls-cert, --tls-key and --tls-ca (or SRV6_TLS_DIR=DIR)`;
  }
  if (tls && REFUSED_BY_US.test(details)) {
    return `we do not accept the certificate ${peer} presented; check that our --tls-ca (${f.ca}: ${caSubject(f.ca!)}) holds the CA that issued it, and that it is ${peer}'s`;
  }
  if (tls && /wrong version number|packet length too long|EPROTO/.test(details)) {
    return `${peer} does not speak TLS: is it running without --tls-cert, --tls-key and --tls-ca?`;
  }
  return undefined;
}

type TlsClientError = Error & { code?: string };

/**
 * Why a client's TLS handshake failed, as the server sees it ('tlsClientError'):
 * the verification result of its certificate when there is one, else what the
 * handshake error means.
 */
function tlsClientFailure(err: TlsClientError, socket: TLSSocket | undefined, f: TlsFiles): string {
  const auth = (socket as { authorizationError?: string } | undefined)?.authorizationError;
  const ours = `our CA (${f.ca}: ${caSubject(f.ca!)})`;
  switch (auth) {
    case undefined: case null: case '': break;
    case 'CERT_HAS_EXPIRED': return `its certificate has expired (${auth})`;
    case 'CERT_NOT_YET_VALID': return `its certificate is not valid yet (${auth})`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE': case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY': case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN': case 'DEPTH_ZERO_SELF_SIGNED_CERT': case 'CERT_SIGNATURE_FAILURE':
      return `its certificate is not issued by ${ours} (${auth})`;
    default: return `its certificate was refused (${auth})`;
  }
  const code = err.code ?? '';
  const first = err.message.split('\n')[0];
  if (code === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE') return 'it presented no certificate: a client needs --tls-cert and --tls-key';
  if (/WRONG_VERSION_NUMBER|HTTP_REQUEST|PACKET_LENGTH_TOO_LONG/.test(code)) return 'it speaks plaintext, not TLS: a client needs --tls-cert, --tls-key and --tls-ca';
  if (/ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|DECRYPT_ERROR)/.test(code)) {
    return `it refused our certificate (${code}): its --tls-ca must hold the CA that issued ours (${f.cert}: ${describeCertificate(f.cert!)})`;
  }
  if (code === 'ECONNRESET') {
    return `it hung up in the middle of the handshake: it probably refused our certificate (${f.cert}: ${describeCertificate(f.cert!)}), or the name it expects is not ours; check its --tls-ca`;
  }
  if (/^ERR_SSL_/.test(code)) return `its certificate does not verify against ${ours} (${code}: ${first})`;
  return `${code || 'error'}: ${first}`;
}

const hooked = new WeakSet<object>();
/** A misconfigured client retries with backoff: the same reason is logged once a minute. */
const REPEAT_MS = 60_000;

/**
 * Logs every failed TLS handshake on the server, with its reason: grpc-js only
 * drops such a connection. It creates one http2 secure server per bound
 * address, kept in a private map, and does not forward their 'tlsClientError':
 * we subscribe to it there, after each bind. Returns false when this grpc-js
 * keeps its servers elsewhere (nothing is logged then).
 */
export function logTlsFailures(server: grpc.Server, f: TlsFiles, warn: (fields: object, msg: string) => void): boolean {
  const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(servers instanceof Map)) return false;
  const last = new Map<string, { at: number; repeated: number }>();
  for (const s of servers.keys() as IterableIterator<NetServer>) {
    if (hooked.has(s)) continue;
    hooked.add(s);
    s.on('tlsClientError', (err: TlsClientError, socket: TLSSocket) => {
      const reason = tlsClientFailure(err, socket, f);
      const seen = last.get(reason);
      const now = Date.now();
      if (seen && now - seen.at < REPEAT_MS) {
        seen.repeated++;
        return;
      }
      last.set(reason, { at: now, repeated: 0 });
      const client = socket?.remoteAddress ? `[${socket.remoteAddress}]:${socket.remotePort}` : 'a local client (unix socket)';
      warn({ client, reason, code: err.code, ...(seen?.repeated ? { repeatedSinceLast: seen.repeated } : {}) }, `TLS handshake refused: ${reason}`);
    });
  }
  return true;
}
