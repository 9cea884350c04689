#!/usr/bin/env node
import { benchMain } from './cli.js';

// srv6ctl runs this as `srv6ctl bench ...` and says so in the usage lines
await benchMain(process.argv.slice(2), process.env.SRV6_BENCH_PROGRAM);
