// netlink/error.ts: NLMSG_ERROR decoding, with and without the kernel's extended ack.
import { expect } from 'chai';
import { constants } from 'node:os';
import { status as grpcStatus } from '@grpc/grpc-js';
import { kernelError } from '../../agent/errors.js';
import { C, NetlinkError, NlWriter, ackError, errnoName, fromSyscallError, messages, parseAck, type NlMsg } from '../../netlink/index.js';

const { errno } = constants;

/** An rtnetlink request, as the original message an error echoes. */
function request(): Buffer {
  const w = new NlWriter();
  const at = w.begin(C.RTM_NEWROUTE, C.NLM_F_REQUEST | C.NLM_F_ACK | C.NLM_F_CREATE, 77, 0);
  w.u8(C.AF_INET6).zeros(11);
  w.attrU32(C.RTA_OIF, 9999);
  w.end(at);
  return w.take();
}

/**
 * An NLMSG_ERROR as the kernel builds it (netlink_ack): error, then the original
 * header (NLM_F_CAPPED) or the whole original message, then the TLVs (NLM_F_ACK_TLVS).
 */
function errorMsg(err: number, opts: { capped?: boolean; extack?: string; offset?: number } = {}): NlMsg {
  const orig = request();
  const w = new NlWriter();
  const tlvs = opts.extack !== undefined || opts.offset !== undefined;
  const flags = (opts.capped ? C.NLM_F_CAPPED : 0) | (tlvs ? C.NLM_F_ACK_TLVS : 0);
  const at = w.begin(C.NLMSG_ERROR, flags, 77, 4242);
  w.i32(-err);
  w.bytes(opts.capped ? orig.subarray(0, C.NLMSG_HDRLEN) : orig);
  if (opts.extack !== undefined) w.attrString(C.NLMSGERR_ATTR_MSG, opts.extack);
  if (opts.offset !== undefined) w.attrU32(C.NLMSGERR_ATTR_OFFS, opts.offset);
  w.end(at);
  const [msg] = [...messages(w.take())];
  return msg;
}

describe('error: parseAck', () => {
  it('a success ack has errno 0 and no extack', () => {
    for (const ack of [parseAck(errorMsg(0)), parseAck(errorMsg(0, { capped: true }))]) {
      expect(ack.errno).to.equal(0); // (-0 here: falsy and == 0, which is all callers test)
      expect(Object.keys(ack)).to.deep.equal(['errno']);
    }
  });

  it('NLM_F_CAPPED | NLM_F_ACK_TLVS: errno, extack text and offset after the capped header', () => {
    const msg = errorMsg(errno.EINVAL, { capped: true, extack: 'Device only routes can not be added for IPv6 using the multipath API', offset: 28 });
    expect(msg.flags).to.equal(C.NLM_F_CAPPED | C.NLM_F_ACK_TLVS);
    expect(parseAck(msg)).to.deep.equal({
      errno: errno.EINVAL,
      extack: 'Device only routes can not be added for IPv6 using the multipath API',
      extackOffset: 28,
    });
  });

  it('NLM_F_ACK_TLVS without NLM_F_CAPPED: TLVs follow the whole echoed request', () => {
    const msg = errorMsg(errno.ENODEV, { extack: 'nexthop device not found' });
    expect(msg.body.length).to.be.greaterThan(4 + request().length);
    expect(parseAck(msg)).to.deep.equal({ errno: errno.ENODEV, extack: 'nexthop device not found' });
  });

  it('an error without TLVs has no extack', () => {
    expect(parseAck(errorMsg(errno.EEXIST, { capped: true }))).to.deep.equal({ errno: errno.EEXIST });
    expect(parseAck(errorMsg(errno.EEXIST))).to.deep.equal({ errno: errno.EEXIST });
  });

  it('an extack text attribute that is the last in the message, without a NUL, still reads', () => {
    const msg = errorMsg(errno.EINVAL, { capped: true });
    const text = Buffer.from('no nul');
    const tlv = Buffer.alloc(4 + text.length);
    tlv.writeUInt16LE(tlv.length, 0);
    tlv.writeUInt16LE(C.NLMSGERR_ATTR_MSG, 2);
    text.copy(tlv, 4);
    const body = Buffer.concat([msg.body, tlv]);
    expect(parseAck({ ...msg, flags: msg.flags | C.NLM_F_ACK_TLVS, body })).to.deep.equal({ errno: errno.EINVAL, extack: 'no nul' });
  });
});

describe('error: NetlinkError', () => {
  it('carries errno, code, extack and offset, and says them in its message', () => {
    const e = ackError(parseAck(errorMsg(errno.EINVAL, { capped: true, extack: 'Invalid prefix', offset: 20 })), 'add route');
    expect(e).to.be.instanceOf(NetlinkError).and.instanceOf(Error);
    expect(e.name).to.equal('NetlinkError');
    expect(e.errno).to.equal(errno.EINVAL);
    expect(e.code).to.equal('EINVAL');
    expect(e.extack).to.equal('Invalid prefix');
    expect(e.extackOffset).to.equal(20);
    expect(e.message).to.equal('add route: EINVAL: Invalid prefix');
  });

  it('without extack or context the message is the errno name', () => {
    const e = new NetlinkError(errno.EEXIST);
    expect(e.message).to.equal('EEXIST');
    expect(e.extack).to.equal(undefined);
  });

  it('errnoName names known errnos and falls back to E<n>', () => {
    expect(errnoName(errno.ENODEV)).to.equal('ENODEV');
    expect(errnoName(errno.ENOBUFS)).to.equal('ENOBUFS');
    expect(errnoName(9999)).to.equal('E9999');
  });

  it('fromSyscallError wraps errors with an errno and passes others through', () => {
    const sys = Object.assign(new Error('sendmsg: No buffer space available'), { errno: errno.ENOBUFS });
    const wrapped = fromSyscallError(sys) as NetlinkError;
    expect(wrapped).to.be.instanceOf(NetlinkError);
    expect(wrapped.code).to.equal('ENOBUFS');
    expect(wrapped.message).to.equal('sendmsg: ENOBUFS');
    const other = new TypeError('x');
    expect(fromSyscallError(other)).to.equal(other);
  });
});

describe('error: the agent\'s status for a kernel refusal', () => {
  const where = 'ops[7].route (upsert route table 310 fd10::7/64 metric 1024)';
  const suffix = '; the batch was rolled back (7 applied step(s) undone), nothing changed';

  it('ENOMEM that outlived the retries: RESOURCE_EXHAUSTED naming the op, the retries and what to do', () => {
    const err = Object.assign(new NetlinkError(errno.ENOMEM), { retried: { attempts: 100, ms: 131.4 } });
    const e = kernelError(where, err, suffix);
    expect(e.code).to.equal(grpcStatus.RESOURCE_EXHAUSTED);
    expect(e.message).to.equal(`${where}: the kernel is out of memory for it (ENOMEM, still refused after 100 retries over 131 ms, `
      + 'so not the momentary shortage the agent waits out): expected room in kernel memory for what the request adds; '
      + 'send fewer or smaller routes, remove some, or raise the memory limit of the agent\'s cgroup (the kernel charges route memory to it)'
      + suffix);
  });

  it('ENOBUFS (no memory for a new table) is RESOURCE_EXHAUSTED too; other errnos keep "the kernel refused it"', () => {
    expect(kernelError(where, new NetlinkError(errno.ENOBUFS)).message).to.match(/: the kernel is out of memory for it \(ENOBUFS\): expected room/);
    const e = kernelError(where, new NetlinkError(errno.ENODEV), suffix);
    expect(e.code).to.equal(grpcStatus.FAILED_PRECONDITION);
    expect(e.message).to.equal(`${where}: the kernel refused it: ENODEV${suffix}`);
  });
});
