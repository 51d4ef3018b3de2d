import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type Tags } from 'yaml';

export const repoRoot = path.resolve(__dirname, '..');

/** What the tests read of a compose service (no Docker engine runs here). */
export interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  env_file?: Array<{ path: string; required: boolean }>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
  init?: boolean;
  stop_grace_period?: string;
  deploy?: { replicas: number };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

// Compose's merge tags (≥ 2.24) in docker-compose.local.yml: read as the value they carry.
const composeTags: Tags = ['!override', '!reset'].flatMap((tag) =>
  (['seq', 'map'] as const).map((collection) => ({ tag, collection, resolve: (value: unknown) => value })),
) as Tags;

/** Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}` and `$$`. */
export function interpolate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g,
    (whole, name: string | undefined, colon: string, op: string, arg: string) => {
      if (whole === '$$') return '$';
      const value = vars[name!];
      const missing = value === undefined || (colon === ':' && value === '');
      if (op === '?' && missing) throw new Error(`required variable ${name} is missing a value: ${arg}`);
      if (op === '-' && missing) return arg;
      return value ?? '';
    },
  );
}

function walk(value: unknown, vars: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') return interpolate(value, vars);
  if (Array.isArray(value)) return value.map((item) => walk(item, vars));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, vars)]));
  return value;
}

/** The raw text of a compose file beside this repository's root. */
export const composeText = (file = 'docker-compose.yml') => readFileSync(path.join(repoRoot, file), 'utf8');

/** A compose file as `docker compose config` sees it: merged anchors, variables filled from `vars`. */
export function loadCompose(vars: Record<string, string | undefined>, file = 'docker-compose.yml'): ComposeFile {
  return walk(parse(composeText(file), { merge: true, customTags: composeTags }), vars) as ComposeFile;
}

/** Variables the file requires (`${VAR:?…}`): docker compose refuses to run without them. */
export function requiredVariables(file = 'docker-compose.yml'): string[] {
  return [...new Set([...composeText(file).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):\?/g)].map((m) => m[1]!))].sort();
}
