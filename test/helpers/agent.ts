// A real srv6-agent process inside a test namespace, reached over a unix socket.
export { AGENT_MAIN, startAgent, type RunningAgent } from '../../hostsetup/scratch.js';
