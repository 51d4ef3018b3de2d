import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { safeErrSerializer } from './errors.js';

export type { Logger } from 'pino';

/** Keys whose values are secrets wherever they appear (top level or nested up to three deep). */
export const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'apiKey',
  'api_key',
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'webhookSecret',
];

const redactPaths = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);

export interface CreateLoggerOptions {
  /** @defaultValue 'info' */
  level?: LoggerOptions['level'];
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/**
 * A pino logger named after the process, with secrets redacted by key and failed statements'
 * parameters kept out of logged errors (errors.ts).
 */
export function createLogger(name: string, options: CreateLoggerOptions = {}): Logger {
  return pino(
    {
      name,
      level: options.level ?? 'info',
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: { err: safeErrSerializer },
    },
    options.destination,
  );
}
