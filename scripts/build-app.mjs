#!/usr/bin/env node
// `npm run build` in an app folder: bundles src/main.ts into dist/main.js, run as `node dist/main.js`
// with no TypeScript runner (the image, the start:* scripts).
//
// Why esbuild, one bundle per app: the workspace packages are TypeScript sources (`main:
// ./src/index.ts`) and stay that way for the tests and tsx; a bundle compiles the app with the
// sources it imports in ~1 s, and nothing else in the repository changes. tsc with project
// references would make every package emit and point its entry at dist/, a far larger change.
// Dependencies from node_modules stay external: the image installs them with `npm ci --omit=dev`,
// so each must be a `dependencies` entry of the workspace that imports it (checked below).
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, mkdirSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';

const appDir = process.cwd();
const root = path.resolve(appDir, '../..');
const outfile = path.join(appDir, 'dist', 'main.js');
const builtins = new Set(builtinModules);

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Bundle @gitsync/* (workspace sources); leave every other bare import to node_modules. */
const externals = {
  name: 'node-modules-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@gitsync/') ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * Each module keeps the `__dirname` of its source folder, made relative to the bundle at run time:
 * what a package reads beside its sources (rate-limits' Lua scripts in src/commands/) or from the
 * repository (packages/db → drizzle/, the API → apps/web/dist) is found from the built output as
 * from the sources, wherever the folder is. The image holds those files at the same paths.
 */
const sourceDirname = {
  name: 'source-dirname',
  setup(b) {
    b.onLoad({ filter: /\.tsx?$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('__dirname')) return undefined;
      const fromBundle = path.relative(path.dirname(outfile), path.dirname(args.path)).split(path.sep).join('/');
      const header =
        `import { join as __gitsyncJoin } from 'node:path'; ` +
        `const __sourceDirname = __gitsyncJoin(__dirname, ${JSON.stringify(fromBundle)});\n`;
      return {
        contents: header + source.replace(/\b__dirname\b/g, '__sourceDirname'),
        loader: args.path.endsWith('x') ? 'tsx' : 'ts',
      };
    });
  },
};

const result = await build({
  entryPoints: [path.join(appDir, 'src', 'main.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  outfile,
  metafile: true,
  logLevel: 'warning',
  plugins: [externals, sourceDirname],
});

/** The `dependencies` of the workspace that holds `file` (a path relative to the repository). */
const manifests = new Map();
function dependenciesOf(file) {
  const workspace = file.split('/').slice(0, 2).join('/');
  if (!manifests.has(workspace)) {
    const manifest = JSON.parse(readFileSync(path.join(root, workspace, 'package.json'), 'utf8'));
    manifests.set(workspace, { workspace, dependencies: manifest.dependencies ?? {} });
  }
  return manifests.get(workspace);
}

// A run-time import the production install would not bring stops the build, naming the file.
const undeclared = [];
for (const [input, { imports }] of Object.entries(result.metafile.inputs)) {
  const file = path.relative(root, path.resolve(input)).split(path.sep).join('/');
  if (file.startsWith('..') || file.includes('node_modules/')) continue;
  for (const { path: resolved, external, original } of imports) {
    // External imports keep their specifier in `path`; bundled ones (@gitsync/*) in `original`.
    const specifier = external ? resolved : original;
    if (!specifier || /^[./]/.test(specifier) || specifier.startsWith('node:') || builtins.has(packageName(specifier)))
      continue;
    const { workspace, dependencies } = dependenciesOf(file);
    if (!(packageName(specifier) in dependencies))
      undeclared.push(`${file} imports ${packageName(specifier)}: not in ${workspace}/package.json "dependencies"`);
  }
}
if (undeclared.length > 0) {
  console.error(`build of ${path.relative(root, appDir)} refused:\n  ${[...new Set(undeclared)].join('\n  ')}`);
  process.exit(1);
}

// Written aside and renamed: several `npm run start:*` of one checkout may build at once.
mkdirSync(path.dirname(outfile), { recursive: true });
const [output] = result.outputFiles;
const temporary = `${outfile}.${randomBytes(4).toString('hex')}.tmp`;
writeFileSync(temporary, output.contents);
renameSync(temporary, outfile);
