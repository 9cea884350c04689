#!/usr/bin/env node
import { benchMain } from './cli.js';

await benchMain(process.argv.slice(2));
