import type { WebhookDecision } from './events.js';

/** Request headers as Node hands them over (lower-case names). */
export type WebhookHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** An answer refusing a delivery, with what to say. */
export interface Refusal {
  status: 400 | 401;
  message: string;
  detail: string;
}

/**
 * How one provider type's deliveries are checked and read. The API dispatches on the provider's
 * type; every handler answers the same decision, so routing and row matching stay neutral.
 */
export interface WebhookHandler {
  /** What the headers alone must show before a byte of the body is read; null when they do. */
  refuseHeaders(headers: WebhookHeaders): Refusal | null;
  /** Whether the delivery comes from the provider, checked in constant time against the secret. */
  verify(secret: string, rawBody: string, headers: WebhookHeaders): Promise<boolean>;
  /** What a delivery that fails `verify` answers (401). */
  readonly unauthentic: Omit<Refusal, 'status'>;
  /** The delivery's id, for deduplication (a redelivery keeps it). */
  deliveryId(headers: WebhookHeaders): string | undefined;
  /** What the delivery asks of us. */
  decide(headers: WebhookHeaders, body: unknown): WebhookDecision;
}

export const header = (headers: WebhookHeaders, name: string): string | undefined => {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
};
