// Builds the map page into web/dist: bundles src/main.js and src/main.css
// (with Leaflet's and MarkerCluster's stylesheets) under content-hashed
// names, then writes dist/index.html from index.html pointing at them.
// Run from anywhere: `npm run build` (or `node web/build.mjs`).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const distDir = path.join(webDir, 'dist');
const KEEP = new Set(['.gitkeep']);

// The sources index.html names; the build swaps each for its hashed output.
const ENTRIES = {
  'src/main.js': path.join(webDir, 'src/main.js'),
  'src/main.css': path.join(webDir, 'src/main.css'),
};

// Files index.html links that esbuild does not bundle, copied under hashed names.
const STATIC = ['src/favicon.svg'];

async function copyStatic() {
  const result = {};
  for (const ref of STATIC) {
    const src = path.join(webDir, ref);
    const hash = createHash('sha256').update(await readFile(src)).digest('hex').slice(0, 8).toUpperCase();
    const ext = path.extname(ref);
    const out = `${path.basename(ref, ext)}-${hash}${ext}`;
    await copyFile(src, path.join(distDir, out));
    result[ref] = out;
  }
  return result;
}

async function cleanDist() {
  await mkdir(distDir, { recursive: true });
  for (const name of await readdir(distDir)) {
    if (!KEEP.has(name)) await rm(path.join(distDir, name), { recursive: true, force: true });
  }
}

// outputsByEntry maps each entry point (as index.html names it) to the
// hashed file name esbuild wrote for it, read from the metafile.
function outputsByEntry(metafile) {
  const byAbs = new Map();
  for (const [out, info] of Object.entries(metafile.outputs)) {
    if (info.entryPoint) byAbs.set(path.resolve(webDir, info.entryPoint), path.basename(out));
  }
  const result = {};
  for (const [ref, abs] of Object.entries(ENTRIES)) {
    const out = byAbs.get(abs);
    if (!out) throw new Error(`build: no output for entry ${ref}`);
    result[ref] = out;
  }
  return result;
}

async function writeIndex(outputs) {
  let html = await readFile(path.join(webDir, 'index.html'), 'utf8');
  for (const [ref, out] of Object.entries(outputs)) {
    const needle = `"./${ref}"`;
    if (!html.includes(needle)) throw new Error(`build: index.html does not reference ${needle}`);
    html = html.replaceAll(needle, `"./${out}"`);
  }
  await writeFile(path.join(distDir, 'index.html'), html);
}

async function main() {
  await cleanDist();
  const result = await build({
    absWorkingDir: webDir,
    entryPoints: Object.values(ENTRIES),
    outdir: distDir,
    bundle: true,
    minify: !process.env.CASMAP_NO_MINIFY,
    sourcemap: 'linked',
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    entryNames: '[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    loader: { '.png': 'file', '.svg': 'file' },
    // leaflet.markercluster's UMD build reads a free `L`; bind it to the
    // bundled Leaflet module instead of a window global.
    inject: [path.join(webDir, 'src/leaflet-global.js')],
    metafile: true,
    logLevel: 'warning',
    legalComments: 'eof',
  });
  const outputs = { ...outputsByEntry(result.metafile), ...(await copyStatic()) };
  await writeIndex(outputs);
  for (const [file, info] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.map')) continue;
    console.log(`${path.relative(webDir, path.resolve(webDir, file)).padEnd(44)} ${(info.bytes / 1024).toFixed(1)} KiB`);
  }
  console.log(`${Object.values(outputs).slice(2).map((f) => `dist/${f}`).join(', ')}, dist/index.html`);
}

main().catch((err) => {
  console.error(err.message || err);
  process.exit(1);
});
