// A server's unix socket left behind by a run that was killed: binding over
// the file fails (EADDRINUSE), so a restarted agent or controller would not
// come up. The file is removed only when nobody answers on it.
import { lstatSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * Before binding `address`: when it is unix:PATH and PATH is a socket nobody
 * accepts on (ECONNREFUSED), removes it. Rejects when a process serves on it
 * (naming the path) or when PATH is something other than a socket.
 */
export async function removeStaleSocket(address: string): Promise<void> {
  if (!address.startsWith('unix:')) return;
  const path = address.slice('unix:'.length).replace(/^\/\/(?=\/)/, '');
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new Error(`listen ${address}: ${path} exists and is not a socket; remove it or choose another path`);
  const answered = await new Promise<boolean>((resolve, reject) => {
    const s = connect(path);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' ? resolve(false) : reject(new Error(`listen ${address}: cannot tell whether ${path} is in use: ${e.message}`))));
  });
  if (answered) throw new Error(`listen ${address}: another process serves on ${path}; stop it or choose another path`);
  unlinkSync(path);
}
