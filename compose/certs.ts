// A CA and certificates for mutual TLS between the controller, the agents and
// srv6ctl, for one topology; Node's WebCrypto + @peculiar/x509 (no openssl).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { controllerAddress } from '../topology/compose.js';
import type { Topology } from '../topology/model.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 86_400_000;

async function pkcs8(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

export interface CertOptions {
  /** validity in days from now (negative: already expired, for tests) */
  days?: number;
  /** CN of the CA (a second CA gets another name) */
  caName?: string;
}

let serial = Date.now();

async function issue(ca: { cert: x509.X509Certificate; keys: CryptoKeyPair }, cn: string, sans: x509.JsonGeneralName[], usages: string[], days: number) {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16), subject: `CN=${cn}`, issuer: ca.cert.subject,
    notBefore: new Date(Math.min(now, now + days * DAY) - DAY), notAfter: new Date(now + days * DAY),
    signingKey: ca.keys.privateKey, publicKey: keys.publicKey, signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension(usages),
      ...(sans.length ? [new x509.SubjectAlternativeNameExtension(sans)] : []),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await pkcs8(keys.privateKey) };
}

/**
 * Writes ca.pem (and ca-key.pem), <router>.pem/-key.pem for every router (server and
 * client: SAN = its name and management address), controller.pem (server and client:
 * SAN = "controller", its management address, localhost), srv6ctl.pem (client only).
 */
export async function generateCertificates(t: Topology, dir: string, opts: CertOptions = {}): Promise<string[]> {
  const days = opts.days ?? 825;
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16), name: `CN=${opts.caName ?? `srv6-orchestrator CA (${t.name})`}`,
    notBefore: new Date(now - DAY), notAfter: new Date(now + Math.max(days, 1) * DAY), keys, signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const ca = { cert, keys };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  const write = (name: string, text: string, secret = false) => {
    writeFileSync(join(dir, name), text, { mode: secret ? 0o600 : 0o644 });
    written.push(join(dir, name));
  };
  write('ca.pem', cert.toString('pem') + '\n');
  write('ca-key.pem', await pkcs8(keys.privateKey), true);
  const both = [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth];
  for (const r of t.routers) {
    const c = await issue(ca, r.name, [{ type: 'dns', value: r.name }, { type: 'ip', value: r.management }], both, days);
    write(`${r.name}.pem`, c.cert);
    write(`${r.name}-key.pem`, c.key, true);
  }
  const ctl = await issue(ca, 'controller', [{ type: 'dns', value: 'controller' }, { type: 'dns', value: 'localhost' }, { type: 'ip', value: controllerAddress(t) }, { type: 'ip', value: '127.0.0.1' }, { type: 'ip', value: '::1' }], both, days);
  write('controller.pem', ctl.cert);
  write('controller-key.pem', ctl.key, true);
  const op = await issue(ca, 'srv6ctl', [], [x509.ExtendedKeyUsage.clientAuth], days);
  write('srv6ctl.pem', op.cert);
  write('srv6ctl-key.pem', op.key, true);
  return written;
}
