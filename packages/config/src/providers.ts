import { z } from 'zod';
import { PROVIDER_TYPE_NAMES, providerTypes, type ConfiguredProvider } from '@gitsync/gitprovider';
import { ConfigError } from './parse.js';

/** A configured provider set: what gitprovider builds providers from, and the webhook secret the API checks. */
export interface ProviderConfig extends ConfiguredProvider {
  webhookSecret: string | null;
}

const PREFIX = 'GITSYNC_EXTERNAL_AUTH_';

const providerSchema = z.object({
  ID: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . and - only'),
  TYPE: z.enum(PROVIDER_TYPE_NAMES).default('github'),
  API_BASE_URL: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || (URL.canParse(v) && /^https?:$/.test(new URL(v).protocol)),
      'must be an http(s) URL',
    )
    .transform((v) => v?.replace(/\/+$/, '')),
  REGEX: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return null;
      try {
        return new RegExp(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(err as Error).message}` });
        return z.NEVER;
      }
    }),
  CLIENT_ID: z.string().optional(),
  CLIENT_SECRET: z.string().optional(),
  TOKEN_URL: z
    .string()
    .refine((v) => URL.canParse(v), 'must be a URL')
    .optional(),
  WEBHOOK_SECRET: z.string().optional(),
});

/**
 * Reads `GITSYNC_EXTERNAL_AUTH_<n>_*` sets in numeric order. The first provider whose pattern
 * matches an origin wins, so the order is kept.
 */
export function parseProviders(env: Record<string, string | undefined>): ProviderConfig[] {
  const indexes = new Set<number>();
  for (const key of Object.keys(env)) {
    const match = new RegExp(`^${PREFIX}(\\d+)_`).exec(key);
    if (match) indexes.add(Number(match[1]));
  }
  const providers: ProviderConfig[] = [];
  const problems: string[] = [];
  for (const n of [...indexes].sort((a, b) => a - b)) {
    const prefix = `${PREFIX}${n}_`;
    const raw: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(env)) {
      if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
    }
    const parsed = providerSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${prefix}${issue.path.join('.')}: ${issue.message}`);
      continue;
    }
    const p = parsed.data;
    const type = providerTypes[p.TYPE];
    const apiBaseUrl = p.API_BASE_URL ?? type.defaultApiBaseUrl;
    providers.push({
      id: p.ID,
      type: p.TYPE,
      apiBaseUrl,
      originPattern: p.REGEX,
      clientId: p.CLIENT_ID ?? null,
      clientSecret: p.CLIENT_SECRET ?? null,
      tokenUrl: p.TOKEN_URL ?? type.defaultTokenUrl(apiBaseUrl),
      webhookSecret: p.WEBHOOK_SECRET ?? null,
    });
  }
  const seen = new Set<string>();
  for (const p of providers) {
    if (seen.has(p.id)) problems.push(`${PREFIX}<n>_ID: provider id "${p.id}" is configured twice`);
    seen.add(p.id);
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return providers;
}
