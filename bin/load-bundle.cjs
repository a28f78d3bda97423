// Loads the bundled CLI (build/v-auto.cjs) through a V8 code cache kept per user, so that a cold
// start deserializes compiled code instead of parsing and compiling ~700 KB of JavaScript.
//
// Why by hand: Node 20 has no compile cache (module.enableCompileCache and NODE_COMPILE_CACHE
// came with Node 22), and V8 takes cached data only for a classic script compiled through
// vm.Script, hence a CommonJS bundle run here with the wrapper Node's own loader would use.
//
// What the cache holds: the bytecode V8 compiled from the bundle's source (functions, and the
// constants written in that source). V8 serializes code, not the values a run computed: nothing
// derived from argv, the environment, config files, the cluster or a password is in it.
//
// Why it is checked: V8 checks its own version, flags and the source's length, but in a release
// build it does not check the payload (--verify-snapshot-checksum is off), and a flipped byte in
// a cache file crashed Node or ran wrong code when tried. So the file carries a SHA-256 over the
// bundle's hash and the payload, and is named by the bundle's hash and the Node version; a file
// that fails either check, or that V8 rejects, is compiled from source and written anew.
//
// Where: $XDG_CACHE_HOME/v-auto/code-cache/ (else ~/.cache/...), the user's own folder; never
// beside the bundle (read-only on some sites, built by another Node version) nor a shared /tmp.
// What it trusts: only folders and a file that the effective user owns and that no one else may
// write (see untrusted()); a cache anyone else could have planted is ignored, and left alone.
// Every failure to read or write it (absent home, read-only or full disk) only costs the speed.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
// Module.createRequire, as node:module exports it: loading node:module itself starts Node's ES
// module loader (and fs/promises with it), which nothing here uses (docs/performance.md, "Before
// the first request").
const { createRequire } = module.constructor;

const MAGIC = Buffer.from('VAUTOCC1');
const HEADER = MAGIC.length + 4 + 32; // magic, CPU ms of the run that wrote it, SHA-256
// Node's CommonJS wrapper, on a line of its own so that line numbers in stacks stay true.
const WRAPPER = '(function (exports, require, module, __filename, __dirname) {\n';

/** The per-user cache folder, or undefined when there is no home to put it in. */
function cacheFolder(env = process.env) {
  let base = env.XDG_CACHE_HOME;
  // The XDG spec ignores a relative value; so do we (it would depend on the current folder).
  if (!base || !path.isAbsolute(base)) {
    let home = '';
    try {
      home = os.homedir();
    } catch {}
    if (!home) return undefined;
    base = path.join(home, '.cache');
  }
  return path.join(base, 'v-auto', 'code-cache');
}

function sha256(...parts) {
  const hash = crypto.createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/**
 * Why a folder or file of the cache is not to be trusted, or undefined when it is the effective
 * user's own and no one else can write it (`st` from lstat or fstat). What is in the cache gets run:
 * the checksum only finds corruption (anyone can compute it), and V8 checks only the source's
 * length and its flags, so a cache another user wrote from a modified bundle of the same length
 * would run as whoever loads it. The same rule as the standalone binary's unpack folder
 * (scripts/sea-main.cjs, ownFolder).
 */
function untrusted(st, folder) {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (folder ? !st.isDirectory() : !st.isFile()) return folder ? 'not a folder' : 'not a regular file';
  const uid = process.geteuid ? process.geteuid() : st.uid;
  if (st.uid !== uid) return `owned by uid ${st.uid}`;
  if (st.mode & 0o022) return `writable by others (mode ${(st.mode & 0o777).toString(8)})`;
  return undefined;
}

/** Why the cache's folders (v-auto/ and v-auto/code-cache/) are not to be used; undefined if they are ours or not made yet. */
function untrustedFolders(folder) {
  for (const dir of [path.dirname(folder), folder]) {
    let st;
    try {
      st = fs.lstatSync(dir);
    } catch {
      return undefined; // not there yet: made private (0700) when the cache is written
    }
    const why = untrusted(st, true);
    if (why) return `${dir} is ${why}`;
  }
  return undefined;
}

/**
 * The cached data in a file if it is ours, whole and made for this source; `{ refused }` when the
 * file is someone else's (or others may write it); undefined when there is none or it is bad.
 */
function readCache(file, sourceHash) {
  let data;
  let fd;
  try {
    // Not through a symbolic link, and checked on what was opened, not on the name.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const why = untrusted(fs.fstatSync(fd), false);
    if (why) return { refused: `${file} is ${why}` };
    data = fs.readFileSync(fd);
  } catch (err) {
    if (err.code === 'ELOOP') return { refused: `${file} is a symbolic link` };
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  if (data.length <= HEADER || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const payload = data.subarray(HEADER);
  if (!sha256(sourceHash, payload).equals(data.subarray(MAGIC.length + 4, HEADER))) return undefined;
  return { payload, cpuMs: data.readUInt32LE(MAGIC.length) };
}

/** Creates the cache folder and at most the two folders above it, one mkdir each. Not mkdirSync's
 * recursive option: on Node 20 it spins forever where mkdir answers ENOENT under a folder that
 * exists (procfs does: XDG_CACHE_HOME=/proc/x hung a run at 100 % CPU when tried). */
function makeFolders(folder) {
  const chain = [path.dirname(path.dirname(folder)), path.dirname(folder), folder];
  for (const dir of chain) {
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
  }
}

/** Writes beside and renames: a reader sees the old file or the new one, never half of one. */
function writeCache(file, sourceHash, script, cpuMs) {
  let tmp;
  try {
    makeFolders(path.dirname(file));
    // Made by another user between the check at start and now: not ours to write into.
    if (untrustedFolders(path.dirname(file))) return false;
    tmp = `${file}.${process.pid}.tmp`;
    // Opened before the serialization, which costs 10-30 ms: an unwritable folder fails first.
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      const payload = script.createCachedData();
      const header = Buffer.alloc(HEADER);
      MAGIC.copy(header);
      header.writeUInt32LE(Math.min(cpuMs, 0xffffffff), MAGIC.length);
      sha256(sourceHash, payload).copy(header, MAGIC.length + 4);
      fs.writeSync(fd, header);
      fs.writeSync(fd, payload);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    tmp = undefined;
    prune(path.dirname(file));
    return true;
  } catch {
    return false; // read-only, full or missing folder: run without a cache
  } finally {
    if (tmp) fs.rmSync(tmp, { force: true });
  }
}

/** Keeps the KEEP newest caches (each bundle build and Node version has its own) and removes
 * temporary files left by a run killed while writing. Only this folder's own kinds of file. */
function prune(folder) {
  const KEEP = 8;
  const now = Date.now();
  const caches = [];
  for (const name of fs.readdirSync(folder)) {
    const file = path.join(folder, name);
    try {
      const { mtimeMs } = fs.statSync(file);
      if (name.endsWith('.bin')) caches.push({ file, mtimeMs });
      else if (name.endsWith('.tmp') && now - mtimeMs > 3600_000) fs.rmSync(file, { force: true });
    } catch {}
  }
  caches.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { file } of caches.slice(KEEP)) fs.rmSync(file, { force: true });
}

/** CPU time this process has used, in ms: a cheap measure of how much code the run compiled. */
function cpuMs() {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
}

/**
 * Compiles and runs the bundle, from the code cache when there is a good one. Returns the
 * bundle's exports and saveCodeCache(), to call once the run is done: the cache then holds the
 * functions this run compiled, not only the top level (a cache written at compile time would).
 */
function loadBundle(bundleFile, env = process.env) {
  // V8's young generation grows from 1 MiB to 16 MiB per semi-space (there are two) while a large
  // deploy builds its objects, and the process keeps that memory: about 30 MiB of a ~155 MiB peak
  // at N=1,000. Growth factor 1 keeps it at its starting size. `--max-semi-space-size` would say so
  // directly, but V8 reads it only when it sets up the heap (set from the program it changed
  // nothing, measured); the growth factor is read at each growth (deps/v8/src/heap/new-spaces.cc,
  // SemiSpaceNewSpace::Grow, V8 11.3 in Node 20). Set here, before the compile, because V8 rejects
  // cached data made under other flags; every entry (bin/v-auto, the --sea binary) comes through
  // here. Measured: docs/performance.md, peak memory.
  require('node:v8').setFlagsFromString('--semi-space-growth-factor=1');
  const sourceBytes = fs.readFileSync(bundleFile);
  const folder = cacheFolder(env);
  const sourceHash = folder ? sha256(sourceBytes) : undefined;
  // A cache someone else could have written is neither read nor written: the run goes without one.
  let refused = folder && untrustedFolders(folder);
  let cacheFile =
    folder &&
    !refused &&
    path.join(
      folder,
      `${sourceHash.toString('hex').slice(0, 32)}-node${process.versions.node}-${process.arch}.bin`,
    );
  let cached = cacheFile ? readCache(cacheFile, sourceHash) : undefined;
  if (cached?.refused) [refused, cacheFile, cached] = [cached.refused, undefined, undefined];
  const script = new vm.Script(WRAPPER + sourceBytes.toString('utf8') + '\n})', {
    filename: bundleFile,
    lineOffset: -1,
    cachedData: cached?.payload,
  });
  const module = { exports: {} };
  script
    .runInThisContext()
    .call(
      module.exports,
      module.exports,
      createRequire(bundleFile),
      module,
      bundleFile,
      path.dirname(bundleFile),
    );
  const used = cached !== undefined && script.cachedDataRejected === false;
  // With V_AUTO_DEBUG=1, one line at the end of the run (after the program's own output).
  const debug = (outcome) => {
    if (env.V_AUTO_DEBUG !== '1') return;
    const state = refused
      ? `off (${refused})`
      : !cacheFile
        ? 'off (no cache folder)'
        : !cached
          ? 'none'
          : used
            ? 'used'
            : 'rejected by V8';
    process.stderr.write(
      `debug: code cache ${state}${outcome ? `, ${outcome}` : ''}${cacheFile ? `: ${cacheFile}` : ''}\n`,
    );
  };
  const saveCodeCache = () => {
    if (!cacheFile) return debug();
    // Rewritten when there was no usable cache, or when the one read was written by a run that
    // compiled much less (a cache written after `--version` lacks what `inspect` runs): a short
    // run that used well over the writer's CPU time has compiled more. Each rewrite raises that
    // bar, so the file settles after a few runs. A run that used over a second of CPU writes only when
    // there was no cache, and records 0: by its end V8 may have dropped the bytecode of
    // functions unused for a while (the start-up ones), so the next short run replaces it.
    const spent = cpuMs();
    const short = spent < 1000;
    if (used && !(short && spent > cached.cpuMs * 1.5)) return debug();
    debug(
      writeCache(cacheFile, sourceHash, script, short ? spent : 0)
        ? 'written'
        : 'not written (folder not writable)',
    );
  };
  return { exports: module.exports, saveCodeCache };
}

module.exports = { loadBundle, cacheFolder };
