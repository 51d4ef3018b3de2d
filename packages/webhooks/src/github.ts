import { decide } from './events.js';
import { header, type WebhookHandler } from './handler.js';
import { verifySignature } from './signature.js';

/** GitHub: `X-Hub-Signature-256` (HMAC-SHA256 of the body), `X-GitHub-Delivery`, `X-GitHub-Event`. */
export const githubWebhooks: WebhookHandler = {
  refuseHeaders(headers) {
    if (!header(headers, 'x-hub-signature-256'))
      return {
        status: 401,
        message: 'missing signature',
        detail: 'send X-Hub-Signature-256: the HMAC-SHA256 of the body with the webhook secret',
      };
    if (!header(headers, 'x-github-delivery'))
      return { status: 400, message: 'missing delivery id', detail: 'send X-GitHub-Delivery, as GitHub does' };
    return null;
  },
  verify: (secret, rawBody, headers) => verifySignature(secret, rawBody, header(headers, 'x-hub-signature-256')),
  unauthentic: {
    message: 'invalid signature',
    detail: 'X-Hub-Signature-256 must be the HMAC-SHA256 of the body with the webhook secret',
  },
  deliveryId: (headers) => header(headers, 'x-github-delivery'),
  decide: (headers, body) => decide(header(headers, 'x-github-event'), body),
};
