import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { apiSchemaRegistry } from '@gitsync/contracts';

interface WithSchemas {
  paths?: unknown;
  components?: { schemas?: Record<string, unknown> };
}

/**
 * The OpenAPI description, generated from the routes' zod schemas (the same ones that validate
 * requests and serialize responses, shared with the SDK through packages/contracts). Shapes named
 * in the contracts' registry become `components.schemas` entries. Must be registered before the
 * routes it describes. Every operation has an `operationId`, which generated clients name their
 * methods after; `redocly lint` with the recommended rules passes (apps/api/test/openapi.test.ts).
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const components = createJsonSchemaTransformObject({ schemaRegistry: apiSchemaRegistry });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'gitsync',
        version: '1',
        description: 'Pull-request status of AI-agent chats, kept fresh (SPEC §6).',
      },
      // Relative: the API is wherever this document was fetched from, whatever host or proxy.
      servers: [{ url: '/', description: 'The API serving this document' }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: Authorization: Bearer <key>' },
        },
      },
      security: [{ apiKey: [] }],
      tags: [
        { name: 'users', description: 'Users and their provider tokens' },
        { name: 'chats', description: 'Chats, git reports and diff statuses' },
        { name: 'events', description: 'Live changes (server-sent events)' },
        { name: 'operations', description: 'Health (no key needed)' },
      ],
    },
    transform: createJsonSchemaTransform({ schemaRegistry: apiSchemaRegistry }),
    transformObject: (document) => withoutUnusedSchemas(components(document)),
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

/**
 * The zod transform emits every registered shape twice (as read and as written: `Chat`,
 * `ChatInput`) whether a route uses it or not; keep the ones a path reaches, directly or through
 * another schema.
 */
function withoutUnusedSchemas<D extends WithSchemas>(document: D): D {
  const schemas = document.components?.schemas ?? {};
  const prefix = '#/components/schemas/';
  const refsIn = (value: unknown): string[] =>
    [...JSON.stringify(value ?? null).matchAll(/"\$ref":"([^"]+)"/g)].flatMap(([, ref]) =>
      ref?.startsWith(prefix) ? [ref.slice(prefix.length)] : [],
    );
  const used = new Set<string>();
  const pending = refsIn(document.paths);
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (used.has(name)) continue;
    used.add(name);
    pending.push(...refsIn(schemas[name]));
  }
  return {
    ...document,
    components: {
      ...document.components,
      schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name))),
    },
  };
}
