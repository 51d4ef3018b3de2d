// Is package-lock.json complete for every platform? Each locked package's optional dependencies
// (the per-platform binaries of @swc/core, esbuild, turbo, rolldown, msgpackr-extract …) must be
// locked too: npm ci installs only what the lockfile names, so a binary missing there is missing
// on that platform. `node scripts/lockfile-check.js [lockfile]`; test/lockfile.test.ts runs it in CI.
const { readFileSync } = require('node:fs');
const path = require('node:path');

/** The lock entry Node would find for `name` from the package at `location` (a lock key). */
function resolveFrom(packages, location, name) {
  const parts = location === '' ? [] : location.split('/');
  for (;;) {
    const candidate = [...parts, 'node_modules', name].join('/');
    if (packages[candidate]) return candidate;
    if (parts.length === 0) return null;
    // Up one package: drop `node_modules/<name>` (or `@scope/name`), or a workspace folder.
    const at = parts.lastIndexOf('node_modules');
    parts.splice(at === -1 ? 0 : at);
  }
}

/** `dependent → dependency@range` for every optional dependency the lockfile does not hold. */
function missingOptionalPackages(lock) {
  const missing = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (entry.link) continue;
    for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
      if (!resolveFrom(lock.packages, location, name)) missing.push(`${location || '(root)'} → ${name}@${range}`);
    }
  }
  return missing;
}

/** Locked packages that install only on `os`/`cpu` (the platform-specific binaries). */
function packagesFor(lock, os, cpu) {
  const names = Object.entries(lock.packages)
    .filter(([, entry]) => entry.os?.includes(os) && entry.cpu?.includes(cpu))
    .map(([location]) => location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length));
  return [...new Set(names)].sort();
}

module.exports = { missingOptionalPackages, packagesFor };

if (require.main === module) {
  const file = process.argv[2] ?? path.join(__dirname, '..', 'package-lock.json');
  const lock = JSON.parse(readFileSync(file, 'utf8'));
  const missing = missingOptionalPackages(lock);
  for (const [os, cpu] of [
    ['linux', 'x64'],
    ['linux', 'arm64'],
    ['darwin', 'arm64'],
  ]) {
    console.log(`${os}-${cpu}: ${packagesFor(lock, os, cpu).join(' ')}`);
  }
  if (missing.length > 0) {
    console.error(`${file} misses optional packages (regenerate it with npm run lock):\n  ${missing.join('\n  ')}`);
    process.exit(1);
  }
}
