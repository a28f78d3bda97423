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

/**
 * The cache folder: per user, and per bundle content so that two builds never share one. Under
 * the user's cache folder; without one (no home), or when it cannot be made, under a folder of
 * our own in the temp folder. What is there gets run, so the folder that holds it must be ours:
 * a shared /tmp/v-auto that another user made first could hold a planted program.
 */
function cacheFolder(index) {
  const leaf = `${index.version}-${index.id}`;
  const home = os.homedir();
  const base = process.env.XDG_CACHE_HOME || (home ? path.join(home, '.cache') : '');
  let first;
  if (base) {
    try {
      makeDirs(base);
      return path.join(ownFolder(path.join(base, 'v-auto')), leaf);
    } catch (err) {
      first = err;
    }
  }
  const uid = process.getuid ? process.getuid() : 0;
  try {
    return path.join(ownFolder(path.join(os.tmpdir(), `v-auto-${uid}`)), leaf);
  } catch (err) {
    throw new Error(
      `no folder to unpack into: ${first ? `${first.message}; ` : ''}${err.message} (set XDG_CACHE_HOME to a folder you can write)`,
    );
  }
}

/**
 * Makes `dir` and the folders above it one level at a time: Node 20's recursive mkdirSync never
 * returns for a path under /proc (it retries the ENOENT procfs gives for ever).
 */
function makeDirs(dir) {
  const missing = [];
  for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if (err.code !== 'EEXIST') throw new Error(`cannot make ${d} (${err.code})`);
    }
  }
}

/** `dir`, made private (0700) if missing; an existing one must be a real folder of ours that no one else can write. */
function ownFolder(dir) {
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if (err.code !== 'EEXIST') throw new Error(`cannot make ${dir} (${err.code})`);
  }
  const st = fs.lstatSync(dir);
  const uid = process.getuid ? process.getuid() : st.uid;
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0) {
    const what = st.isSymbolicLink()
      ? 'a symbolic link'
      : !st.isDirectory()
        ? 'not a folder'
        : st.uid !== uid
          ? `owned by uid ${st.uid}`
          : `writable by others (mode ${(st.mode & 0o777).toString(8)})`;
    throw new Error(`${dir} is ${what}, not used: remove it`);
  }
  return dir;
}

/** Writes every embedded file under a fresh temp folder, then renames it into place, so that a
 * run interrupted mid-way or a concurrent first run never leaves a half-written tree in use. */
function unpack(index, target) {
  const temp = fs.mkdtempSync(`${target}.tmp-`);
  for (const file of index.files) {
    const dest = path.join(temp, file.path);
    makeDirs(path.dirname(dest));
    fs.writeFileSync(dest, Buffer.from(sea.getRawAsset(`tree/${file.path}`)), { mode: file.mode });
  }
  makeDirs(path.join(temp, 'projects'));
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
  if (
    !process.env.V_AUTO_HOME &&
    !fs.existsSync(path.join(process.cwd(), 'projects')) &&
    fs.existsSync(path.join(besideBinary, 'projects'))
  ) {
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
      console.error(`v-auto: cannot start the embedded program: ${err.message}`);
      if (process.env.V_AUTO_DEBUG === '1') console.error(err.stack);
      process.exitCode = 70;
    },
  );
