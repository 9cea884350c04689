// Sysctls of this or another network namespace, read and written through
// /proc/sys from a thread switched into that namespace (no process spawned).
// Not netlink: the file access lives in the addon (netlink/native/sysctl.c)
// only because /proc/sys/net resolves to the namespace of the thread that
// opens it, and switching one thread's namespace (setns) is out of reach of
// node:fs.
import { loadAddon, netnsPath } from './addon.js';
import { fromSyscallError } from './error.js';

/** The sysctl half of netlink_native.node (native/sysctl.c). */
interface Native {
  fileInNetns(netns: string | null, path: string, data: string | null): string | undefined;
}

const native = loadAddon<Native>('netlink_native.node');

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
