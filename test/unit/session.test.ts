// The session's exchanges over a scripted socket (a unit test of the code
// around the transport; the kernel's side is test/priv/netlink*.test.ts):
// dumps flagged NLM_F_DUMP_INTR, the wait for readiness and its timeout.
import { expect } from 'chai';
import { constants } from 'node:os';
import { C, messages, NetlinkError, NlWriter, RtnlSession, type NetlinkSocket } from '../../netlink/index.js';

/** Answers every dump request with one RTM_NEWROUTE, flagged interrupted for the first `interrupted` dumps, then NLMSG_DONE. */
class ScriptedSocket {
  dumps = 0;
  private queue: Buffer[] = [];
  readableCalls = 0;

  constructor(private readonly interrupted: number, private readonly answerLate = false, private readonly neverAnswer = false) {}

  send(buf: Buffer, length: number): void {
    for (const m of messages(buf, length)) {
      if (!(m.flags & C.NLM_F_DUMP)) continue;
      const intr = this.dumps++ < this.interrupted ? C.NLM_F_DUMP_INTR : 0;
      const w = new NlWriter();
      w.u32(20).u16(C.RTM_NEWROUTE).u16(C.NLM_F_MULTI | intr).u32(m.seq).u32(0).u32(this.dumps);
      w.u32(20).u16(C.NLMSG_DONE).u16(C.NLM_F_MULTI).u32(m.seq).u32(0).i32(0);
      this.queue.push(Buffer.from(w.buf.subarray(0, w.len)));
    }
  }

  recv(): Buffer {
    return this.queue.shift()!;
  }

  tryRecv(): Buffer | undefined {
    return this.answerLate && this.readableCalls === 0 ? undefined : this.queue.shift();
  }

  readable(timeoutMs: number, what: string): Promise<void> {
    this.readableCalls++;
    if (this.neverAnswer) return Promise.reject(new NetlinkError(constants.errno.ETIMEDOUT, undefined, undefined, `${what}: no answer from the kernel in ${timeoutMs} ms`));
    return Promise.resolve();
  }

  close(): void {}
}

const session = (sock: ScriptedSocket) => new RtnlSession({ socket: sock as unknown as NetlinkSocket, timeoutMs: 50 });
const build = (w: NlWriter, seq: number) => { w.u32(16).u16(C.RTM_GETROUTE).u16(C.NLM_F_REQUEST | C.NLM_F_DUMP).u32(seq).u32(0); };
/** Each reply's body: the number of the dump that sent it. */
const decode = (m: { body: Buffer }) => m.body.readUInt32LE(0);

describe('RtnlSession: interrupted dumps, readiness', () => {
  it('retries a dump the kernel flags interrupted and returns the first clean one (sync and async)', async () => {
    const a = new ScriptedSocket(2);
    expect(session(a).dump(build, decode, 'route dump')).to.deep.equal([3]);
    expect(a.dumps).to.equal(3);
    const b = new ScriptedSocket(5);
    expect(await session(b).dumpAsync(build, decode, 'route dump')).to.deep.equal([6]);
    expect(b.dumps).to.equal(6);
  });

  it('fails, never silently, when every retry is interrupted too: EINTR naming the dump', async () => {
    const a = new ScriptedSocket(100);
    const err = await session(a).dumpAsync(build, decode, 'route dump of table 7').then(() => undefined, (e: NetlinkError) => e);
    expect(err).to.be.instanceOf(NetlinkError);
    expect(err!.code).to.equal('EINTR');
    expect(err!.message).to.equal('route dump of table 7: interrupted by concurrent changes 6 times in a row: EINTR');
    expect(a.dumps).to.equal(6);
    expect(() => session(new ScriptedSocket(100)).dump(build, decode, 'link dump')).to.throw(/link dump: interrupted by concurrent changes 6 times/);
  });

  it('starts a call at once when none is before it (its request sent by the time the call returns); one made meanwhile waits its turn', async () => {
    const idle = new ScriptedSocket(0);
    const first = session(idle).dumpAsync(build, decode, 'route dump');
    expect(idle.dumps, 'sent within the call').to.equal(1);
    expect(await first).to.deep.equal([1]);
    // the first waits for readiness: the second sends nothing until the first is answered
    const late = new ScriptedSocket(0, true);
    const s = session(late);
    const a = s.dumpAsync(build, decode, 'route dump');
    const b = s.dumpAsync(build, decode, 'route dump');
    expect(late.dumps).to.equal(1);
    expect(await Promise.all([a, b])).to.deep.equal([[1], [2]]);
    expect(late.dumps).to.equal(2);
  });

  it('waits for readiness on the event loop when nothing is queued yet, and names the operation when nothing comes', async () => {
    const late = new ScriptedSocket(0, true);
    expect(await session(late).dumpAsync(build, decode, 'link dump')).to.deep.equal([1]);
    expect(late.readableCalls).to.equal(1);
    const silent = new ScriptedSocket(0, true, true);
    const err = await session(silent).dumpAsync(build, decode, 'link dump').then(() => undefined, (e: NetlinkError) => e);
    expect(err?.code).to.equal('ETIMEDOUT');
    expect(err!.message).to.match(/^link dump: no answer from the kernel in 50 ms/);
  });
});
