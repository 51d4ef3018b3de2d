/** GitHub's list paging: per_page (default 30, max 100), page (from 1) and an RFC 8288 Link header. */
export interface Page {
  perPage: number;
  page: number;
}

export function readPage(query: URLSearchParams): Page {
  const per = Number.parseInt(query.get('per_page') ?? '', 10);
  const page = Number.parseInt(query.get('page') ?? '', 10);
  return {
    perPage: Number.isFinite(per) && per > 0 ? Math.min(per, 100) : 30,
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

export function slicePage<T>(items: readonly T[], { perPage, page }: Page): T[] {
  const start = (page - 1) * perPage;
  return items.slice(start, start + perPage);
}

/**
 * Link header like GitHub's: next/last while there is more, first/prev after page 1; undefined
 * when everything fits on one page. `base` is the absolute URL without its query.
 */
export function linkHeader(
  base: string,
  query: URLSearchParams,
  total: number,
  { perPage, page }: Page,
): string | undefined {
  const last = Math.max(1, Math.ceil(total / perPage));
  if (last === 1 && page === 1) return undefined;
  const to = (n: number, rel: string): string => {
    const q = new URLSearchParams(query);
    q.set('page', String(n));
    return `<${base}?${q.toString()}>; rel="${rel}"`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(to(Math.min(page - 1, last), 'prev'));
  if (page < last) parts.push(to(page + 1, 'next'), to(last, 'last'));
  if (page > 1) parts.push(to(1, 'first'));
  return parts.join(', ');
}
