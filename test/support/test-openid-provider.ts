import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import Provider from 'oidc-provider';

/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1, for single sign-on tests: one
 * confidential client that must use PKCE, people who sign in by name at its development login
 * page, consent given, and a hook that re-signs the next ID token with changed claims (using the
 * provider's own key, so only the claim check can refuse it).
 */
export interface TestOpenIdProvider {
  readonly issuer: string;
  /** Changes the claims of the next ID token the token endpoint issues. */
  tamperWithNextIdToken(change: (claims: Record<string, unknown>) => void): void;
  close(): Promise<void>;
}

export interface TestPerson {
  readonly email: string;
  readonly email_verified?: boolean;
}

export const TEST_CLIENT = { id: 'ips-reporting', secret: 'a-test-client-secret' } as const;

export async function startTestOpenIdProvider(
  redirectUris: readonly string[],
  people: Readonly<Record<string, TestPerson>>,
): Promise<TestOpenIdProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: 'test-key',
    alg: 'RS256',
    use: 'sig',
  };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT.id,
        client_secret: TEST_CLIENT.secret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [signingKey] },
    pkce: { required: () => true },
    cookies: { keys: ['a-test-cookie-signing-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: true } },
    findAccount: (_context: unknown, subject: string) => {
      const person = people[subject];
      return person === undefined
        ? undefined
        : { accountId: subject, claims: () => ({ sub: subject, ...person }) };
    },
    // Consent is not what these tests are about: every client is granted what it asks.
    loadExistingGrant: async (context: {
      oidc: { client: { clientId: string }; session: { accountId: string } };
    }) => {
      const grant = new provider.Grant({
        clientId: context.oidc.client.clientId,
        accountId: context.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });

  let tamper: ((claims: Record<string, unknown>) => void) | null = null;
  provider.use(async (context, next) => {
    await next();
    const body = context.body as { id_token?: unknown } | undefined;
    if (context.path !== '/token' || tamper === null || typeof body?.id_token !== 'string') return;
    const claims: Record<string, unknown> = { ...decodeJwt(body.id_token) };
    tamper(claims);
    tamper = null;
    const idToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .sign(privateKey);
    context.body = { ...body, id_token: idToken };
  });
  server.on('request', provider.callback());

  return {
    issuer,
    tamperWithNextIdToken(change) {
      tamper = change;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * A person at the provider's pages: follows its redirects with its own cookies, signs in by name
 * at the development login page, and stops at the first redirect back to the app.
 */
export async function signInAtProvider(authorizationUrl: string, subject: string): Promise<string> {
  const cookies = new Map<string, string>();
  const request = async (url: string, body?: URLSearchParams) => {
    const response = await fetch(url, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body ? { body } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const [name = '', ...value] = pair.split('=');
      cookies.set(name, value.join('='));
    }
    await response.arrayBuffer();
    const location = response.headers.get('location');
    if (location === null) throw new Error(`the provider answered ${response.status} at ${url}`);
    return new URL(location, url).href;
  };
  const origin = new URL(authorizationUrl).origin;
  let url = await request(authorizationUrl);
  for (let step = 0; step < 5 && url.startsWith(origin); step++) {
    url = url.includes('/interaction/')
      ? await request(url, new URLSearchParams({ prompt: 'login', login: subject, password: 'x' }))
      : await request(url);
  }
  return url;
}
