/**
 * The one rule for text that reaches Postgres, wherever it comes from: Postgres `text` cannot hold
 * NUL (U+0000) — the statement fails, and with it every row of a batched write — and a lone UTF-16
 * surrogate is half a character, which the driver would silently store as U+FFFD. The API refuses
 * such text (packages/contracts), as it refuses a webhook delivery that would look rows up by it
 * (packages/webhooks); text in a provider's answer is cleaned instead (packages/gitprovider), since
 * one odd pull-request title must not keep the rest of its status from being stored.
 *
 * No dependencies, so that both sides can share it without depending on each other.
 */

// With the `u` flag a surrogate pair reads as one code point, so \p{Cs} matches lone halves only.
const NUL = /\u0000/g;
const LONE_SURROGATE = /\p{Cs}/gu;
const ANY_PROBLEM = /[\u0000\p{Cs}]/u;

/**
 * Why `value` cannot be stored as it is, worded to follow a field name in an error
 * (`title: contains …`), or null when it can.
 */
export function storedTextProblem(value: string): string | null {
  if (!ANY_PROBLEM.test(value)) return null;
  return value.includes('\u0000')
    ? 'contains a NUL character (\\u0000), which stored text cannot hold'
    : 'contains a lone UTF-16 surrogate (half of a character): send well-formed Unicode';
}

/** `value` made storable: NUL characters dropped, lone surrogates replaced by U+FFFD. */
export function toStoredText(value: string): string {
  if (!ANY_PROBLEM.test(value)) return value;
  return value.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');
}
