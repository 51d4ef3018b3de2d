/**
 * Checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the provider's webhook secret)
 * with @octokit/webhooks-methods, which compares in constant time.
 */
export async function verifySignature(
  secret: string,
  rawBody: string,
  signature: string | undefined,
): Promise<boolean> {
  if (!signature || !signature.startsWith('sha256=')) return false;
  try {
    // The package is ESM-only with no `require` export: load it with import().
    const { verify } = await import('@octokit/webhooks-methods');
    return await verify(secret, rawBody, signature);
  } catch {
    return false; // malformed signature header
  }
}
