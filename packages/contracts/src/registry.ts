import { z } from 'zod';

/**
 * Names the shared shapes for the OpenAPI description: a schema added here becomes one entry of
 * `components.schemas`, referenced wherever a route uses it. A registry of our own rather than
 * zod's global one, so that nothing else in the process can add to (or clash with) the API's names.
 */
export const apiSchemaRegistry = z.registry<{ id?: string; description?: string; [key: string]: unknown }>();

export function named<S extends z.ZodType>(id: string, schema: S, description?: string): S {
  apiSchemaRegistry.add(schema, { id, ...(description && { description }) });
  return schema;
}
