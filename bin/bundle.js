// The start-up bundle (decision 0181): the same TypeScript, transpiled by the same esbuild that tsx uses, and the
// packages it imports (but the native better-sqlite3), in a few files kept in a cache and rebuilt whenever a file
// they hold has changed. Loading those instead of some 700 modules through tsx's loader thread halves start-up and
// leaves that thread's memory out; Node 20 also keeps less for one large module than for many small ones.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ownMappings } from './own-mappings.js';

const require = createRequire(import.meta.url);

// The builder's own bytes are part of the key, so a change to how bundles are built makes new ones.
const BUILDER = Buffer.concat([readFileSync(new URL(import.meta.url)), readFileSync(new URL('./own-mappings.js', import.meta.url))]);

/**
 * Runs `entry` from its bundle (source maps on, so stack traces name the .ts file and line; frames in packages
 * keep their place in the bundle), else through tsx.
 */
export async function runEntry(entry, cacheDir) {
  const bundle = await bundledEntry(entry, cacheDir);
  if (bundle) {
    process.setSourceMapsEnabled(true);
    return import(pathToFileURL(bundle).href);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(entry).href);
}

/**
 * The path of an up-to-date bundle of `entry` in `cacheDir`, building it first when a source changed.
 * Returns null (the caller runs the sources through tsx instead) when the bundle cannot be built or written;
 * `warn` says why, once.
 */
export async function bundledEntry(entry, cacheDir, warn = (message) => process.stderr.write(`${message}\n`)) {
  const manifestPath = join(cacheDir, `${nameOf(entry)}.json`);
  const known = readManifest(manifestPath);
  if (known) {
    const key = tryKey(known.inputs);
    if (key && exists(join(cacheDir, key, known.entry))) return join(cacheDir, key, known.entry);
  }
  try {
    return await build(entry, cacheDir, manifestPath);
  } catch (error) {
    warn(`Pipework: start-up bundle not used (${firstLine(error)}); running the sources through tsx`);
    return null;
  }
}

async function build(entry, cacheDir, manifestPath) {
  const { build: esbuild } = await import('esbuild');
  const loaded = new Map();
  const result = await esbuild({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'], // a native addon: it loads from node_modules as always
    // Bundled CommonJS packages call require() for Node's own modules (and require.resolve).
    banner: { js: "import { createRequire as pipeworkCreateRequire } from 'node:module'; const require = pipeworkCreateRequire(import.meta.url);" },
    plugins: [keepFileLocations(loaded)],
    splitting: true, // what the sources import lazily stays lazy: a chunk of its own, loaded when first needed
    sourcemap: 'linked',
    sourcesContent: false,
    write: false,
    outdir: '/',
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
  });
  // Keyed on the very bytes bundled, so a file saved during the build makes the next start build again.
  const inputs = [...loaded.keys()].sort();
  const key = keyOf(inputs, (input) => loaded.get(input));
  const entryName = `${basename(entry).replace(/\.ts$/, '')}.mjs`;
  // Written whole into a folder of its own, then renamed into place: a bundle folder that exists is complete.
  // Another process starting at the same moment may have put the same bundle there first; either serves.
  const temporary = join(cacheDir, `${key}.${process.pid}.${Date.now()}.tmp`);
  mkdirSync(temporary, { recursive: true });
  const sources = { isOwn: (url) => !url.split('/').includes('node_modules'), locate: (source) => pathToFileURL(resolve('/', source)).href };
  for (const file of result.outputFiles) writeFileSync(join(temporary, file.path), file.path.endsWith('.map') ? ownMappings(file.text, sources) : file.contents);
  try {
    renameSync(temporary, join(cacheDir, key));
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    if (!exists(join(cacheDir, key, entryName))) throw error;
  }
  writeAtomically(manifestPath, JSON.stringify({ entry: entryName, inputs }));
  removeStale(cacheDir, key);
  return join(cacheDir, key, entryName);
}

/**
 * Loads every file itself, to key the bundle on what it read. Code that reads files beside itself (templates,
 * locales, schemas, a package's own files) or resolves packages from where it lives keeps doing so from its own
 * file: import.meta.url, .dirname and .filename, and CommonJS's __dirname and __filename, are the original file's.
 */
const keepFileLocations = (loaded) => ({
  name: 'keep-file-locations',
  setup(build) {
    build.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
      const bytes = readFileSync(args.path);
      loaded.set(args.path, bytes);
      if (/\.[cm]?js$/.test(args.path)) {
        const text = bytes.toString('utf8').replaceAll('__dirname', JSON.stringify(dirname(args.path))).replaceAll('__filename', JSON.stringify(args.path));
        return { contents: text, loader: 'js' };
      }
      if (!args.path.endsWith('.ts')) return { contents: bytes, loader: 'default' };
      const text = bytes
        .toString('utf8')
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path));
      return { contents: text, loader: 'ts' };
    });
  },
});

/** A digest of every bundled file's path and bytes, with this builder's, Node's and esbuild's versions. */
function keyOf(inputs, read) {
  const hash = createHash('sha256').update(BUILDER).update(`\0${process.version}\0${esbuildVersion()}\0`);
  for (const input of inputs) hash.update(`${input}\0`).update(read(input)).update('\0');
  return hash.digest('hex').slice(0, 24);
}

const esbuildVersion = () => JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version;

function readManifest(path) {
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    return Array.isArray(manifest.inputs) && typeof manifest.entry === 'string' ? manifest : null;
  } catch {
    return null;
  }
}

/** Another process may be starting at the same moment: each writes its own file and renames it into place. */
function writeAtomically(path, text) {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** Bundles of earlier sources go after a day: a process started from one may still load its lazy chunks. */
function removeStale(cacheDir, keep) {
  const dayAgo = Date.now() - 86_400_000;
  for (const name of readdirSync(cacheDir)) {
    if (name === keep || name.endsWith('.json')) continue;
    const path = join(cacheDir, name);
    try {
      if (statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed by another process
    }
  }
}

/** The key of the sources as they are now; null when one is gone (or esbuild is), so the bundle is built again. */
const tryKey = (inputs) => {
  try {
    return keyOf(inputs, (input) => readFileSync(input));
  } catch {
    return null;
  }
};
const nameOf = (entry) => createHash('sha256').update(resolve(entry)).digest('hex').slice(0, 12);
const exists = (path) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};
/** esbuild's first error with its place (file:line:column), or the first line of any other error. */
const firstLine = (error) => {
  const first = error?.errors?.[0];
  if (first?.location) return `${first.location.file}:${first.location.line}:${first.location.column}: ${first.text}`;
  return String(error?.message ?? error).split('\n')[0];
};
