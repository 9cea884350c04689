// The options the cluster layer shares, checked once: each error names the
// field, the value and what was expected.

/** Who a controller is among several: its member id and the address of its API. */
export interface MemberIdentity {
  id: string;
  address: string;
}

export const DEFAULT_LEASE_TTL_S = 2;
const MAX_LEASE_TTL_S = 60;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const MAX_ADDRESS = 256;

export function checkLeaseTtl(value: unknown = DEFAULT_LEASE_TTL_S): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_LEASE_TTL_S) {
    throw new Error(`leaseTtlS: ${JSON.stringify(value)} is not an integer number of seconds in 1..${MAX_LEASE_TTL_S}`);
  }
  return value;
}

/** The id is part of etcd keys (/srv6/members/<id>): letters, digits, '.', '_', '-'. */
export function checkIdentity(self: MemberIdentity): MemberIdentity {
  if (typeof self?.id !== 'string' || !ID.test(self.id)) {
    throw new Error(`self.id: ${JSON.stringify(self?.id)} is not 1..63 letters, digits, '.', '_' or '-' (starting with a letter or digit)`);
  }
  if (typeof self.address !== 'string' || self.address.length === 0 || self.address.length > MAX_ADDRESS) {
    throw new Error(`self.address: ${JSON.stringify(self.address)} is not a non-empty string of at most ${MAX_ADDRESS} characters`);
  }
  return { id: self.id, address: self.address };
}

/** A key prefix: starts with '/', no trailing '/' (the layer adds it), no empty segment. */
export function checkPrefix(field: string, value: string): string {
  if (typeof value !== 'string' || !/^(\/[^/]+)+$/.test(value)) {
    throw new Error(`${field}: ${JSON.stringify(value)} is not a key prefix like /srv6/leader (starts with '/', no trailing '/', no empty segment)`);
  }
  return value;
}
