import { ProviderError } from './errors.js';
import type { GitHubClient } from './github-client.js';
import { nextPageUrl } from './link-header.js';
import type { BodyContext } from './parse-response.js';
import type { Conditional, RequestPacer } from './types.js';

export interface PagedRequest {
  /** API path below the base URL, e.g. `/repos/o/r/pulls/1/reviews`. */
  path: string;
  /** Items a page: GitHub's most is 100. */
  perPage: number;
  /** More would mean a runaway `Link` chain. */
  maxPages: number;
  /** The validator of page 1. */
  ifNoneMatch: string | null;
}

/**
 * Every item of a paginated GitHub list, following `Link: rel="next"`. The validator is sent on
 * page 1 only, and an ETag is kept only when there was a single page: a 304 on page 1 says nothing
 * about page 2.
 */
export async function getAllPages<T>(
  client: GitHubClient,
  token: string,
  request: PagedRequest,
  parsePage: (data: unknown, context: BodyContext) => T[],
  pacer: RequestPacer | undefined,
): Promise<Conditional<T[]>> {
  const { path } = request;
  const first = await client.get(
    token,
    { path, query: { per_page: request.perPage }, ifNoneMatch: request.ifNoneMatch },
    pacer,
  );
  if (first.notModified) return { changed: false };
  const items = parsePage(first.data, { what: `GET ${path}`, status: first.status });
  let next = nextPageUrl(first.link);
  const single = next === null;
  for (let page = 2; next !== null; page += 1) {
    if (page > request.maxPages)
      throw new ProviderError(`GitHub GET ${path} has more than ${request.maxPages} pages`, {
        kind: 'malformed',
        status: 200,
      });
    const result = await client.get(token, { path: next }, pacer);
    if (result.notModified)
      throw new ProviderError(`GitHub GET ${path} answered 304 without a validator`, {
        kind: 'malformed',
        status: 304,
      });
    items.push(...parsePage(result.data, { what: `GET ${path} (page ${page})`, status: result.status }));
    next = nextPageUrl(result.link);
  }
  return { changed: true, value: items, etag: single ? first.etag : null };
}
