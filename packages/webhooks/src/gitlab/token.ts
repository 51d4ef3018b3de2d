import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks `X-Gitlab-Token` (GitLab sends the webhook's secret token as it is) in constant time: both
 * sides are hashed first, so neither their contents nor their lengths shape the comparison.
 */
export function verifyGitLabToken(secret: string, token: string | undefined): boolean {
  if (token === undefined) return false;
  return timingSafeEqual(digest(secret), digest(token));
}
