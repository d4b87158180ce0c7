// Bundles the dashboard page into dist/ (index.html, app.js, app.css): one self-contained set of files that the
// actorsim CLI embeds and serves; nothing is loaded from elsewhere at run time.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

mkdirSync('dist', { recursive: true });
await build({
  entryPoints: ['src/main.js'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outfile: 'dist/app.js',
  legalComments: 'eof',
  logLevel: 'warning',
});
copyFileSync('src/index.html', 'dist/index.html');
// dist/ is committed (a build of actorsim needs no Node.js); dist/sources.sha256 records the sources it was built
// from, and a test (DashboardBundleTests) fails when they changed without a rebuild.
const sources = ['build.mjs', 'package.json', 'package-lock.json',
  ...readdirSync('src', { recursive: true }).map((f) => `src/${f}`)].sort();
writeFileSync('dist/sources.sha256', sources
  .map((f) => `${createHash('sha256').update(readFileSync(f)).digest('hex')}  ${f}\n`).join(''));
console.log('dashboard bundle written to dist/');
