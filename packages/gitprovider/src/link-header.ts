/**
 * The `rel="next"` target of an RFC 8288 `Link` header, as GitHub sends it for pagination:
 * `<https://api.github.com/…?page=2>; rel="next", <…?page=5>; rel="last"`.
 */
export function nextPageUrl(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!match) continue;
    const rels = /\brel\s*=\s*"?([^";]*)"?/i.exec(match[2] ?? '');
    if (rels?.[1]?.split(/\s+/).includes('next')) return match[1] ?? null;
  }
  return null;
}
