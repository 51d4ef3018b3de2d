import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The sidebar (apps/web, built by Vite): its scripts, styles and fonts are files of its own, it
 * talks to this origin only (fetch and the event stream), and its one image is a data: favicon.
 * React sets `style` through the CSSOM, which style-src does not govern: no 'unsafe-inline'.
 * No plain-http upgrade: TLS is the job of whatever is in front (README, Security).
 */
const sidebarPolicy = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:', 'https:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
};

/** Bull Board's page: Google's fonts, and inline style attributes and a <style> of its own. */
const boardPolicy = {
  ...sidebarPolicy,
  fontSrc: ["'self'", 'data:', 'https://fonts.gstatic.com'],
  imgSrc: ["'self'", 'data:'],
  styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
};

/**
 * @fastify/helmet on every answer: no framing anywhere (frame-ancestors 'none' and
 * X-Frame-Options: DENY), nosniff, no referrer across origins, and the sidebar's CSP.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: sidebarPolicy },
    frameguard: { action: 'deny' },
  });
}

/** For Bull Board's scope (an onRequest hook): its own CSP in place of the sidebar's. */
export async function applyBoardPolicy(_request: unknown, reply: FastifyReply): Promise<void> {
  reply.helmet({ contentSecurityPolicy: { useDefaults: false, directives: boardPolicy } });
}
