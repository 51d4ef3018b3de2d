import { collectDefaultMetrics, Registry } from 'prom-client';

export interface RegistryOptions {
  /** Node process metrics (CPU, memory, event-loop lag, GC); off in tests that build many apps. @defaultValue false */
  processMetrics?: boolean;
  /** Labels added to every metric of the registry, e.g. `{app: 'api'}`. */
  labels?: Record<string, string>;
}

/**
 * A registry of its own rather than prom-client's global one, so that one process (a test file)
 * can build several apps, each with its own metrics, and none registers a name twice.
 */
export function createRegistry(options: RegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'gitsync_' });
  return registry;
}

export type { Registry } from 'prom-client';
