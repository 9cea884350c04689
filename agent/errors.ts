// gRPC status errors that name the field, the value and what was expected.
import { status } from '@grpc/grpc-js';
import { constants } from 'node:os';
import { NetlinkError, noSrv6Routes } from '../netlink/index.js';

export class ApiError extends Error {
  constructor(readonly code: status, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export const invalid = (field: string, value: unknown, expected: string) =>
  new ApiError(status.INVALID_ARGUMENT, `${field}: ${JSON.stringify(value)} is not valid: expected ${expected}`);

export const missing = (field: string, expected: string) => new ApiError(status.INVALID_ARGUMENT, `${field} is required: ${expected}`);

const { errno } = constants;

/** The gRPC status that fits a kernel errno. */
function statusForErrno(e: number): status {
  switch (e) {
    case errno.EINVAL: case errno.EAFNOSUPPORT: case errno.EOPNOTSUPP: case errno.ERANGE: return status.INVALID_ARGUMENT;
    case errno.ENODEV: case errno.ENETUNREACH: case errno.EHOSTUNREACH: case errno.ENETDOWN: return status.FAILED_PRECONDITION;
    case errno.ENOENT: case errno.ESRCH: return status.NOT_FOUND;
    case errno.EEXIST: return status.ALREADY_EXISTS;
    case errno.ENOMEM: case errno.ENOBUFS: case errno.ENOSPC: return status.RESOURCE_EXHAUSTED;
    case errno.EPERM: case errno.EACCES: return status.PERMISSION_DENIED;
    default: return status.INTERNAL;
  }
}

export function kernelError(where: string, err: NetlinkError, suffix = ''): ApiError {
  const code = statusForErrno(err.errno);
  if (code === status.RESOURCE_EXHAUSTED) {
    // ENOMEM: an allocation for the object failed (a route's fib6_info is charged to the memory
    // cgroup of the process that sends the request: ours); ENOBUFS: a routing table could not be
    // allocated. The momentary per-CPU shortage of seg6 routes is retried in RtnlSession.transact first.
    const retried = err.retried ? `, still refused after ${err.retried.attempts} retries over ${err.retried.ms.toFixed(0)} ms, so not the momentary shortage the agent waits out` : '';
    return new ApiError(code, `${where}: the kernel is out of memory for it (${err.message}${retried}): `
      + 'expected room in kernel memory for what the request adds; send fewer or smaller routes, remove some, '
      + `or raise the memory limit of the agent's cgroup (the kernel charges route memory to it)${suffix}`);
  }
  // the kernel's own words for an encap type it was built without (lwtunnel_valid_encap_type)
  if (err.errno === errno.EOPNOTSUPP && err.extack === 'lwt encapsulation type not supported') {
    return new ApiError(status.FAILED_PRECONDITION, `${where}: ${noSrv6Routes()}${suffix}`);
  }
  return new ApiError(code, `${where}: the kernel refused it: ${err.message}${suffix}`);
}

/**
 * What a client hears when a batch was interrupted by something other than the
 * kernel's answer (a timeout, a closed socket, an exception) and rolled back.
 */
export function transportError(e: unknown, where: string, rollbackProblems: string[], journal?: string): ApiError {
  const cause = e instanceof Error ? e.message : String(e);
  const code = e instanceof NetlinkError && e.errno === errno.ETIMEDOUT ? status.DEADLINE_EXCEEDED
    : e instanceof NetlinkError && (e.errno === errno.EBADF || e.errno === errno.ECONNRESET) ? status.UNAVAILABLE
    : status.INTERNAL;
  const outcome = rollbackProblems.length
    ? `the rollback was incomplete (${rollbackProblems.join('; ')})${journal ? `; the journal ${journal} is kept and finished before the next change` : ''}`
    : 'the batch was rolled back, nothing changed';
  return new ApiError(code, `${where}: interrupted (${cause}); ${outcome}`);
}
