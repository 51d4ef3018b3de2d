#!/usr/bin/env bash
# `npm run lock`: writes package-lock.json afresh, complete for every platform (rerun it after
# merging branches that changed dependencies; then `npm ci`).
#
# Why from nothing: npm keeps an existing lockfile's (or node_modules') view of optional packages,
# so the binaries of other platforms that one machine left out stay out (npm ci on a Mac or an arm64
# server then lacks @swc/core-darwin-arm64, msgpackr-extract's …). Resolving the manifests alone,
# with no lockfile and no node_modules, records every platform's. Versions move to the newest each
# range allows, as after any fresh resolution: run the tests afterwards.
#
# `--verify`: also installs the new lockfile for linux-arm64 and darwin-arm64 (npm's --os/--cpu)
# in a scratch folder and checks their binaries arrive (downloads them once, ~150 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for manifest in package.json apps/*/package.json packages/*/package.json; do
  mkdir -p "$work/$(dirname "$manifest")"
  cp "$manifest" "$work/$manifest"
done
(cd "$work" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund --loglevel=error)
node scripts/lockfile-check.js "$work/package-lock.json"

if [ "${1:-}" = "--verify" ]; then
  declare -A binaries=(
    [linux/arm64]="@swc/core-linux-arm64-gnu @esbuild/linux-arm64 @turbo/linux-arm64 @rolldown/binding-linux-arm64-gnu @msgpackr-extract/msgpackr-extract-linux-arm64"
    [darwin/arm64]="@swc/core-darwin-arm64 @esbuild/darwin-arm64 @turbo/darwin-arm64 @rolldown/binding-darwin-arm64 @msgpackr-extract/msgpackr-extract-darwin-arm64"
  )
  for platform in "${!binaries[@]}"; do
    echo "::: npm ci --os=${platform%/*} --cpu=${platform#*/}"
    (cd "$work" && rm -rf node_modules && npm ci --os="${platform%/*}" --cpu="${platform#*/}" --ignore-scripts --no-audit --no-fund --loglevel=error)
    for binary in ${binaries[$platform]}; do
      [ -d "$work/node_modules/$binary" ] || { echo "npm ci for $platform did not install $binary"; exit 1; }
    done
    echo "$platform: ${binaries[$platform]}"
  done
fi

cp "$work/package-lock.json" package-lock.json
echo "package-lock.json written; install from it with: npm ci"
