import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { apiSchemaRegistry } from '@gitsync/contracts';

/**
 * The OpenAPI description, generated from the routes' zod schemas (the same ones that validate
 * requests and serialize responses, shared with the SDK through packages/contracts). Shapes named
 * in the contracts' registry become `components.schemas` entries. Must be registered before the
 * routes it describes.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'gitsync',
        version: '1',
        description: 'Pull-request status of AI-agent chats, kept fresh (SPEC §6).',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: Authorization: Bearer <key>' } } },
      security: [{ apiKey: [] }],
      tags: [
        { name: 'users', description: 'Users and their provider tokens' },
        { name: 'chats', description: 'Chats, git reports and diff statuses' },
        { name: 'events', description: 'Live changes (server-sent events)' },
        { name: 'operations', description: 'Health (no key needed)' },
      ],
    },
    transform: createJsonSchemaTransform({ schemaRegistry: apiSchemaRegistry }),
    transformObject: createJsonSchemaTransformObject({ schemaRegistry: apiSchemaRegistry }),
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
