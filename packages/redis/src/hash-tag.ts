/**
 * Redis Cluster hashes only the part of a key between the first `{` and the next `}` when there
 * is one: keys that share that tag share a slot, which multi-key commands, Lua scripts, MULTI and
 * BullMQ (every key of a queue) require.
 */
export const hashTagOf = (key: string): string | null => {
  const open = key.indexOf('{');
  if (open === -1) return null;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : null;
};
