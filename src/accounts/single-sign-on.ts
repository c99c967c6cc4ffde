import * as oidc from 'openid-client';
import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { SingleSignOnProvider } from '../config/config.ts';
import type { Queryable } from '../database/database.ts';
import { findAccountByEmail } from './accounts.ts';
import { hashSecretToken, newSecretToken } from './secret-tokens.ts';
import { signsInWithSingleSignOn } from './single-sign-on-domains.ts';

/**
 * Single sign-on by OpenID Connect: the authorization code flow with PKCE (S256), state and
 * nonce, all checked by openid-client. The attempt is kept in the database, so the provider's
 * answer may reach any app server; the browser that began it holds its secret in a cookie, so a
 * code and state from someone else's attempt sign nobody in. Only addresses in the
 * administrators' single sign-on domains are signed in: a provider vouches for its own people,
 * not for an account elsewhere that happens to share an address with one of them.
 */

/** Time to sign in at the provider (a smartcard, an authenticator prompt). */
export const SINGLE_SIGN_ON_ATTEMPT_MINUTES = 10;
const SCOPE = 'openid email profile';

type Context = Pick<AppContext, 'database' | 'clock' | 'singleSignOn'>;

export type BeginOutcome =
  | { readonly kind: 'redirect'; readonly attemptToken: string; readonly authorizationUrl: string }
  | { readonly kind: 'provider-unavailable' };

/** Starts a sign-in at the provider: where to send the browser and the secret it must keep. */
export async function beginSingleSignOn(
  context: Context,
  provider: SingleSignOnProvider,
  nextPath: string,
): Promise<BeginOutcome> {
  let configuration: oidc.Configuration;
  try {
    configuration = await context.singleSignOn.configuration(provider);
  } catch {
    return { kind: 'provider-unavailable' };
  }
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: provider.redirectUri,
    scope: SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const { token, hash } = newSecretToken();
  const now = context.clock();
  await context.database.transaction(async (transaction) => {
    // Abandoned attempts go as new ones come, so the table holds only the last few minutes'.
    await transaction.query('DELETE FROM single_sign_on_attempt WHERE expires_at <= $1', [now]);
    await transaction.query(
      `INSERT INTO single_sign_on_attempt
         (id_hash, provider, state, nonce, code_verifier, next_path, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        hash,
        provider.id,
        state,
        nonce,
        codeVerifier,
        nextPath,
        new Date(now.getTime() + SINGLE_SIGN_ON_ATTEMPT_MINUTES * 60_000),
      ],
    );
  });
  return { kind: 'redirect', attemptToken: token, authorizationUrl: authorizationUrl.href };
}

export type SingleSignOnRefusal =
  /** No attempt from this browser, or it expired or was used. */
  | 'no-attempt'
  /** The provider answered with an error (the person cancelled, or it refused them). */
  | 'provider-declined'
  /** State, PKCE, issuer, audience, signature, nonce or expiry failed a check. */
  | 'not-verified'
  | 'provider-unavailable'
  | 'email-not-verified'
  /** A verified address outside the domains that sign in with single sign-on. */
  | 'email-domain-not-listed'
  | 'no-account';

export type CompleteOutcome =
  | { readonly kind: 'signed-in'; readonly accountId: number; readonly nextPath: string }
  | { readonly kind: 'refused'; readonly reason: SingleSignOnRefusal; readonly check?: string };

interface Attempt {
  state: string;
  nonce: string;
  codeVerifier: string;
  nextPath: string;
}

/**
 * The error codes of RFC 6749 and OpenID Connect Core an authorization response may carry. Any
 * other `error` is whatever the address bar said, so it is recorded as 'other', never as sent.
 */
const PROVIDER_ERRORS: ReadonlySet<string> = new Set([
  'invalid_request',
  'unauthorized_client',
  'access_denied',
  'unsupported_response_type',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
  'interaction_required',
  'login_required',
  'account_selection_required',
  'consent_required',
  'invalid_request_uri',
  'invalid_request_object',
  'request_not_supported',
  'request_uri_not_supported',
  'registration_not_supported',
]);

/**
 * Finishes a sign-in from the provider's redirect back (`callbackUrl`: the registered redirect
 * URI with its answer): exchanges the code, checks the ID token, finds the account by a verified
 * email in a single sign-on domain, and audits the outcome without any token. No account is
 * ever created here. Password guessing is the provider's to slow down, so the waits after
 * failed password sign-ins (sign-in-failures) do not apply.
 */
export async function completeSingleSignOn(
  context: Context,
  provider: SingleSignOnProvider,
  attemptToken: string | undefined,
  callbackUrl: URL,
): Promise<CompleteOutcome> {
  // Without the cookie the callback proves nothing and anyone can send it, as often as they like:
  // it is refused and left to the caller's log, so it cannot fill the audit log.
  if (attemptToken === undefined) {
    return { kind: 'refused', reason: 'no-attempt', check: 'no attempt cookie' };
  }
  const now = context.clock();
  const outcome = await checkedSignIn(context, provider, attemptToken, callbackUrl, now);
  await recordAudit(
    context.database,
    now,
    outcome.kind === 'signed-in'
      ? {
          actorAccountId: outcome.accountId,
          action: 'signed in with single sign-on',
          subject: `account ${outcome.accountId}`,
          detail: provider.name,
        }
      : {
          actorAccountId: null,
          action: 'single sign-on refused',
          subject: provider.name,
          detail:
            outcome.check === undefined ? outcome.reason : `${outcome.reason}: ${outcome.check}`,
        },
  );
  return outcome;
}

async function checkedSignIn(
  context: Context,
  provider: SingleSignOnProvider,
  attemptToken: string,
  callbackUrl: URL,
  now: Date,
): Promise<CompleteOutcome> {
  const refused = (reason: SingleSignOnRefusal, check?: string): CompleteOutcome => ({
    kind: 'refused',
    reason,
    ...(check === undefined ? {} : { check }),
  });
  const attempt = await takeAttempt(context.database, provider, attemptToken, now);
  if (attempt === null) return refused('no-attempt');

  let configuration: oidc.Configuration;
  try {
    configuration = await context.singleSignOn.configuration(provider);
  } catch {
    return refused('provider-unavailable');
  }
  let claims: Readonly<Record<string, unknown>>;
  try {
    const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: attempt.codeVerifier,
      expectedState: attempt.state,
      expectedNonce: attempt.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (idToken === undefined) return refused('not-verified', 'no ID token');
    // Providers may keep email for the userinfo endpoint; its subject must be the ID token's.
    claims =
      typeof idToken.email === 'string'
        ? idToken
        : {
            ...(await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub)),
            ...idToken,
          };
  } catch (error) {
    if (error instanceof oidc.AuthorizationResponseError) {
      return refused('provider-declined', PROVIDER_ERRORS.has(error.error) ? error.error : 'other');
    }
    return refused('not-verified', checkName(error));
  }

  const email = verifiedEmail(claims, provider);
  if (email === null) return refused('email-not-verified');
  // Asked before any account is looked up, so the answer outside the domains reveals none.
  if (!(await signsInWithSingleSignOn(context.database, email))) {
    return refused('email-domain-not-listed');
  }
  const account = await findAccountByEmail(context.database, email);
  if (account === null) return refused('no-account');
  return { kind: 'signed-in', accountId: account.id, nextPath: attempt.nextPath };
}

/** The attempt this browser began with this provider, used up by reading it. */
async function takeAttempt(
  database: Queryable,
  provider: SingleSignOnProvider,
  attemptToken: string,
  now: Date,
): Promise<Attempt | null> {
  const [attempt] = await database.query<Attempt>(
    `DELETE FROM single_sign_on_attempt WHERE id_hash = $1 AND provider = $2 AND expires_at > $3
     RETURNING state, nonce, code_verifier AS "codeVerifier", next_path AS "nextPath"`,
    [hashSecretToken(attemptToken), provider.id, now],
  );
  return attempt ?? null;
}

/**
 * Which check failed, for the log and audit: openid-client's code and the message of the check
 * beneath it (fixed texts such as `unexpected JWT "aud" (audience) claim value`), never a token.
 */
function checkName(error: unknown): string {
  if (error instanceof oidc.ResponseBodyError) return `provider answered ${error.error}`;
  if (!(error instanceof Error)) return 'unknown';
  const code = (error as { code?: unknown }).code;
  const beneath = error.cause instanceof Error ? error.cause.message : error.message;
  return typeof code === 'string' ? `${code}: ${beneath}` : error.name;
}

/**
 * The email to match an account by, only when the provider vouches for it: `email_verified`
 * true, or a provider configured as issuing only addresses it verifies itself. An explicit
 * `email_verified: false` is refused whatever the configuration says.
 */
export function verifiedEmail(
  claims: Readonly<Record<string, unknown>>,
  provider: Pick<SingleSignOnProvider, 'emailClaimVerified'>,
): string | null {
  const email = claims.email;
  if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email.trim())) return null;
  const verified = claims.email_verified;
  if (verified === true) return email.trim();
  if (verified === undefined && provider.emailClaimVerified) return email.trim();
  return null;
}
