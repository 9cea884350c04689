// Sysctls of this or another network namespace, read and written through
// /proc/sys from a thread switched into that namespace (no process spawned).
import { fromSyscallError } from './error.js';
import { native, netnsPath } from './socket.js';

/** "net/ipv6/conf/eth0/forwarding" (slash form: interface names may contain dots) */
export type SysctlPath = string;

export const sysctlName = (path: SysctlPath) => path.replaceAll('/', '.');

export function readSysctl(path: SysctlPath, netns?: string): string {
  try {
    return native.fileInNetns(netns ? netnsPath(netns) : null, `/proc/sys/${path}`, null)!.trim();
  } catch (e) {
    throw fromSyscallError(e);
  }
}

export function writeSysctl(path: SysctlPath, value: string, netns?: string): void {
  try {
    native.fileInNetns(netns ? netnsPath(netns) : null, `/proc/sys/${path}`, `${value}\n`);
  } catch (e) {
    throw fromSyscallError(e);
  }
}
