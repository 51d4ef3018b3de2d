import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { round } from './cpu.js';
import type { ProfileSummary } from './figures.js';
import { repoRoot } from './options.js';

/** The parts of V8's .cpuprofile format (what `node --cpu-prof` writes) this summary reads. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

/**
 * `node_modules/@scope/pkg/…` → `@scope/pkg`; `packages/db/…` → `@gitsync/db`;
 * node internals and V8 pseudo-frames by name.
 */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(V8/Node builtins)';
  if (url.startsWith('node:')) return 'node (internals)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + 'node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? url);
  }
  const own = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (own) return own[1] === 'packages' ? `@gitsync/${own[2]}` : `apps/${own[2]}`;
  return url;
}

/** Our own code (not node_modules): its functions get inclusive times. */
const OWN = /\/(packages|apps)\/[^/]+\/src\//;

const shortUrl = (url: string): string => {
  const file = url.replace(/^file:\/\//, '');
  const modules = file.lastIndexOf('node_modules/');
  if (modules >= 0) return file.slice(modules + 'node_modules/'.length);
  return file.startsWith(repoRoot) ? path.relative(repoRoot, file) : file;
};

/** File and line; our TypeScript is compiled by tsx on the fly, so its line numbers mean nothing. */
const location = (url: string, line: number): string => {
  if (!url) return '';
  return url.endsWith('.ts') ? shortUrl(url) : `${shortUrl(url)}:${line + 1}`;
};

/**
 * Self time per function over every profile in `dir`, idle time left out: where the worker's CPU
 * goes, for whoever optimises next.
 */
export function summariseProfiles(dir: string, what: string, top = 15): ProfileSummary {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f));
  const byFn = new Map<string, { fn: string; where: string; pkg: string; us: number }>();
  let totalUs = 0;
  const inclusive = new Map<string, { fn: string; where: string; us: number }>();
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    const parents = new Map<number, number>();
    for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n.id);
    profile.samples.forEach((id, i) => {
      const frame = nodes.get(id);
      const us = profile.timeDeltas[i] ?? 0;
      if (!frame || frame.functionName === '(idle)') return;
      const where = location(frame.url, frame.lineNumber);
      const key = `${frame.functionName}@${where}`;
      const entry = byFn.get(key) ?? {
        fn: frame.functionName || '(anonymous)',
        where,
        pkg: packageOf(frame.url, frame.functionName),
        us: 0,
      };
      entry.us += us;
      byFn.set(key, entry);
      totalUs += us;
      // Inclusive time of our own functions: each counted once per sample, however deep it recurses.
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
        const f = nodes.get(at);
        if (!f || !OWN.test(f.url) || !f.functionName) continue;
        const k = `${f.functionName}@${f.url}:${f.lineNumber}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const own = inclusive.get(k) ?? { fn: f.functionName, where: location(f.url, f.lineNumber), us: 0 };
        own.us += us;
        inclusive.set(k, own);
      }
    });
  }
  const share = (us: number) => round((100 * us) / Math.max(1, totalUs), 1);
  const packages = new Map<string, number>();
  for (const e of byFn.values()) packages.set(e.pkg, (packages.get(e.pkg) ?? 0) + e.us);
  return {
    what,
    files: files.map((f) => path.basename(f)),
    totalMs: round(totalUs / 1000),
    top: [...byFn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ fn: e.fn, where: e.where, selfMs: round(e.us / 1000, 1), selfPct: share(e.us) })),
    inclusive: [...inclusive.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ fn: e.fn, where: e.where, selfMs: round(e.us / 1000, 1), selfPct: share(e.us) })),
    byPackage: [...packages.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([pkg, us]) => ({ pkg, selfMs: round(us / 1000), selfPct: share(us) })),
  };
}
