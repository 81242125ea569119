import type * as openid from 'openid-client';
import type { Config } from '../config/schema.ts';

/** What the sign-in routes need of an OpenID Connect provider. */
export interface OidcClient {
  label: string;
  /** Where to send the browser, and what to keep in the session to check the answer. */
  start(redirectUri: string): Promise<{ url: string; checks: OidcChecks }>;
  /** Exchanges the code (with the PKCE verifier) and returns the verified email, if the provider vouches for one. */
  finish(callbackUrl: URL, checks: OidcChecks): Promise<{ email?: string; subject: string }>;
}

export interface OidcChecks {
  verifier: string;
  state: string;
  nonce: string;
  redirectUri: string;
}

const local = (u: URL) => u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);

/**
 * Staff sign-in with any standard OpenID Connect provider (Microsoft Entra ID,
 * Google Workspace, Keycloak, …): authorization code with PKCE, state and
 * nonce. The provider's metadata is discovered on first use and kept; a
 * provider that is down at start-up only delays sign-in, not the server.
 */
export function oidcClient(config: Config): OidcClient {
  const issuer = new URL(config.staffOidcIssuer);
  // The library is loaded at the first sign-in, not at start (docs/performance.md: start-up).
  let client: typeof openid;
  let discovered: Promise<openid.Configuration> | undefined;
  const configuration = async () => {
    client ??= await import('openid-client');
    // Plain http only for a provider on this machine (tests, local development).
    discovered ??= client
      .discovery(issuer, config.staffOidcClientId, config.staffOidcClientSecret || undefined, undefined, local(issuer) ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((err) => {
        discovered = undefined;
        throw err;
      });
    return discovered;
  };

  return {
    label: config.staffOidcLabel,
    async start(redirectUri) {
      const c = await configuration();
      const verifier = client.randomPKCECodeVerifier();
      const checks: OidcChecks = { verifier, state: client.randomState(), nonce: client.randomNonce(), redirectUri };
      const url = client.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: checks.state,
        nonce: checks.nonce,
      });
      return { url: url.href, checks };
    },
    async finish(callbackUrl, checks) {
      const c = await configuration();
      const tokens = await client.authorizationCodeGrant(c, callbackUrl, { pkceCodeVerifier: checks.verifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true }, { redirect_uri: checks.redirectUri });
      const claims = tokens.claims()!;
      let email = verifiedEmail(claims);
      if (!email && tokens.access_token && c.serverMetadata().userinfo_endpoint) {
        email = verifiedEmail(await client.fetchUserInfo(c, tokens.access_token, claims.sub));
      }
      return { email, subject: claims.sub };
    },
  };
}

/**
 * The email only when the provider says it is verified: `email_verified`
 * (the standard claim, Google Workspace), or Entra ID's `xms_edov` (the
 * email's domain is verified by the tenant), which Entra sends as an
 * optional claim when configured (docs/staff-console.md).
 */
function verifiedEmail(claims: Record<string, unknown>): string | undefined {
  const email = typeof claims.email === 'string' ? claims.email : undefined;
  if (!email) return undefined;
  return claims.email_verified === true || claims.xms_edov === true || claims.xms_edov === 'true' || claims.xms_edov === '1' ? email : undefined;
}
