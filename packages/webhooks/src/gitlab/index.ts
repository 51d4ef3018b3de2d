import { header, type WebhookHandler } from '../handler.js';
import { decideGitLab } from './events.js';
import { verifyGitLabToken } from './token.js';

/** GitLab: `X-Gitlab-Token` (the secret itself), `X-Gitlab-Event-UUID`, `X-Gitlab-Event`. */
export const gitlabWebhooks: WebhookHandler = {
  refuseHeaders(headers) {
    if (!header(headers, 'x-gitlab-token'))
      return { status: 401, message: 'missing token', detail: "send X-Gitlab-Token: the webhook's secret token" };
    if (!header(headers, 'x-gitlab-event-uuid'))
      return { status: 400, message: 'missing delivery id', detail: 'send X-Gitlab-Event-UUID, as GitLab does' };
    return null;
  },
  verify: async (secret, _rawBody, headers) => verifyGitLabToken(secret, header(headers, 'x-gitlab-token')),
  unauthentic: { message: 'invalid token', detail: "X-Gitlab-Token must be the webhook's secret token" },
  deliveryId: (headers) => header(headers, 'x-gitlab-event-uuid'),
  decide: (headers, body) => decideGitLab(header(headers, 'x-gitlab-event'), body),
};
