import type { ProviderTypeName } from '@gitsync/gitprovider';
import { githubWebhooks } from './github.js';
import { gitlabWebhooks } from './gitlab/index.js';
import type { WebhookHandler } from './handler.js';

/** The webhook handler of each provider type; the compiler asks for one when a type is added. */
export const webhookHandlers: Record<ProviderTypeName, WebhookHandler> = {
  github: githubWebhooks,
  gitlab: gitlabWebhooks,
};
