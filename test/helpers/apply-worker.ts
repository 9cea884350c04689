// A worker thread that sends one Apply and posts its outcome: the thread that
// measures other calls meanwhile must not share an event loop with the 30,000
// ops' encoding and the results' decoding.
import { parentPort, workerData } from 'node:worker_threads';
import { AgentClient } from '../../agent/client.js';

const { address, ops } = workerData as { address: string; ops: object[] };
const client = new AgentClient(address);
client.call('Apply', { ops }, 120_000).then(
  (res) => parentPort!.postMessage({ results: res.results.length }),
  (e: Error) => parentPort!.postMessage({ error: e.message }),
).finally(() => client.close());
