// Preload for the benchmark (`node --require`): at exit, writes this process's own peak RSS in KiB
// and its CPU time (user + system) in ms to $BENCH_RSS_FILE, as "RSS CPU". Unlike /usr/bin/time, it
// excludes the oc/kubectl children the process waited for. CommonJS, not an --import'ed module:
// that set up node's ESM loader in `node -e 0` too (~9 ms of CPU, measured 2026-12-07), a cost
// v-auto's floor would then count as node's start.
'use strict';
const file = process.env.BENCH_RSS_FILE;
if (file)
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    const line = `${process.resourceUsage().maxRSS} ${((user + system) / 1000).toFixed(1)}`;
    require('node:fs').writeFileSync(file, line);
  });
