import type { FastifyHelmetOptions } from '@fastify/helmet';

/**
 * Helmet options for server-rendered pages (resident web, staff console): a
 * nonce CSP that allows only this origin, no framing, no plugins.
 * `formAction` adds origins a form may post or redirect to (an OpenID
 * Connect provider); `imgSrc` more image sources (a council's logo).
 */
export function pageSecurity(extra: { formAction?: string[]; noReferrer?: boolean; imgSrc?: string[] } = {}): FastifyHelmetOptions {
  return {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', ...(extra.imgSrc ?? [])],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'", ...(extra.formAction ?? [])],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        // Behind TLS the proxy upgrades; on plain http (tests, local) an upgrade would break every asset.
        upgradeInsecureRequests: null,
      },
    },
    // Cross-origin isolation would stop residents opening stored photos from other tabs; not needed here.
    crossOriginEmbedderPolicy: false,
    ...(extra.noReferrer ? { referrerPolicy: { policy: 'no-referrer' as const } } : {}),
  };
}
