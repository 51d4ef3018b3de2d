/**
 * Where revocations of API keys are announced (the message is the key's id), so that every API
 * replica closes the event streams opened with a revoked key. New requests with it already fail:
 * keys are looked up in Postgres. One channel for all keys: one subscription per replica.
 */
export const keyRevokedChannel = (prefix: string) => `${prefix}:api-key-revoked`;
