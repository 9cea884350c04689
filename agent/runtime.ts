// How the agent's Node process is started, wherever it runs (the lab, the
// tests' scratch namespaces, the Docker deployment).
//
// V8 sizes its young generation for throughput (up to 16 MB a semi-space);
// the agent allocates little and steadily, and its RSS bar is 80 MB at the
// reference network: 2 MB semi-spaces take ~10 MB off its RSS (80.6 -> 71.0 MB
// measured in the soak test) at the cost of more, shorter scavenges.
export const AGENT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

// glibc gives each thread that allocates an arena of its own (V8's GC helper
// threads among them) and keeps their pages: two arenas took 3-4 MB off the
// agent's soak peak (75.9-80.5 -> 72.4-75.2 MB, 5 runs each).
export const AGENT_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
