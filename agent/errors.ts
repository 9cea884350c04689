// gRPC status errors that name the field, the value and what was expected.
import { status } from '@grpc/grpc-js';
import { constants } from 'node:os';
import type { NetlinkError } from '../netlink/index.js';

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
export function statusForErrno(e: number): status {
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
  return new ApiError(statusForErrno(err.errno), `${where}: the kernel refused it: ${err.message}${suffix}`);
}
