// Preload for the benchmark (`node --import`): at exit, writes this process's own peak RSS in KiB to
// $BENCH_RSS_FILE. Unlike /usr/bin/time, it excludes the oc/kubectl children the process waited for.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
