import type { HeaderMap } from '../classify.js';
import { nextPageUrl } from '../link-header.js';

/**
 * The next page of a GitLab list: its `Link: <…>; rel="next"` when sent, else `X-Next-Page` (empty
 * on the last page) applied to the request's own URL. Null on the last page.
 */
export function nextPage(
  headers: HeaderMap,
  baseUrl: string,
  query: Readonly<Record<string, string | number>>,
): string | null {
  const link = headers.link;
  const linked = link === undefined ? null : nextPageUrl(String(link));
  if (linked) return linked;
  const next = String(headers['x-next-page'] ?? '').trim();
  if (!/^[1-9][0-9]*$/.test(next)) return null;
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  params.set('page', next);
  return `${baseUrl}?${params.toString()}`;
}
