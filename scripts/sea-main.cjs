// Entry of the standalone binary (bundle.sh --sea): unpacks the embedded bundle once, then runs it.
//
// Why unpack rather than run from memory: v-auto finds templates/ and VERSION on disk beside
// itself. Writing the embedded files to a cache folder and loading build/v-auto.cjs from there,
// through bin/load-bundle.cjs as bin/v-auto does (with the same per-user V8 code cache), keeps
// the program unaware it was embedded.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');
const sea = require('node:sea');

/** The cache folder: per user, and per bundle content so that two builds never share one. */
function cacheFolder(index) {
  const base = process.env.XDG_CACHE_HOME || (os.homedir() ? path.join(os.homedir(), '.cache') : os.tmpdir());
  return path.join(base, 'v-auto', `${index.version}-${index.id}`);
}

/** Writes every embedded file under a fresh temp folder, then renames it into place, so that a
 * run interrupted mid-way or a concurrent first run never leaves a half-written tree in use. */
function unpack(index, target) {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = fs.mkdtempSync(`${target}.tmp-`);
  for (const file of index.files) {
    const dest = path.join(temp, file.path);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, Buffer.from(sea.getRawAsset(`tree/${file.path}`)), { mode: file.mode });
  }
  fs.mkdirSync(path.join(temp, 'projects'), { recursive: true });
  try {
    fs.renameSync(temp, target);
  } catch (err) {
    // Another run unpacked the same content first: use theirs.
    fs.rmSync(temp, { recursive: true, force: true });
    if (!fs.existsSync(path.join(target, 'VERSION'))) throw err;
  }
}

function run() {
  const index = JSON.parse(sea.getAsset('index.json', 'utf8'));
  const root = cacheFolder(index);
  if (!fs.existsSync(path.join(root, 'VERSION'))) unpack(index, root);
  const loader = path.join(root, 'bin', 'load-bundle.cjs');
  const cli = createRequire(loader)(loader).loadBundle(path.join(root, 'build', 'v-auto.cjs'));
  // The default home would be the cache folder; a projects/ beside the binary is the better guess
  // (the current folder, when it has projects/, still wins inside the program).
  const besideBinary = path.dirname(process.execPath);
  if (!process.env.V_AUTO_HOME && !fs.existsSync(path.join(process.cwd(), 'projects')) && fs.existsSync(path.join(besideBinary, 'projects'))) {
    process.env.V_AUTO_HOME = besideBinary;
  }
  // In a single executable application argv[1] repeats the executable; user arguments follow.
  return cli.exports.main(process.argv.slice(2)).then((code) => {
    cli.saveCodeCache();
    return code;
  });
}

Promise.resolve()
  .then(run)
  .then(
    // exitCode, not exit(): exiting at once would cut off output still queued for a pipe.
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(`v-auto: cannot start the embedded program (${err.code || err.message})`);
      if (process.env.V_AUTO_DEBUG === '1') console.error(err.stack);
      process.exitCode = 70;
    },
  );
