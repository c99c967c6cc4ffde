import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  beginSingleSignOn,
  completeSingleSignOn,
  SINGLE_SIGN_ON_ATTEMPT_MINUTES,
  type SingleSignOnRefusal,
} from '../../accounts/single-sign-on.ts';
import type { SingleSignOnProvider } from '../../config/config.ts';
import { notFound } from '../http-errors.ts';
import { cookieName } from '../security.ts';
import type { Services } from '../services.ts';
import { beginSession } from '../session-cookie.ts';
import { readNext } from './sign-in.ts';

/** Holds the secret of this browser's sign-in at the provider, until it comes back. */
const ATTEMPT_COOKIE = 'ips_single_sign_on';

const providerParameter = z.object({ provider: z.string().max(20) });

/** What each refusal's page says; none says more than the person needs to act on it. */
const REFUSALS: Readonly<
  Record<SingleSignOnRefusal, { status: number; title: string; text: (name: string) => string }>
> = {
  'no-attempt': {
    status: 400,
    title: 'Your sign-in timed out',
    text: () =>
      `Sign-ins must be finished within ${SINGLE_SIGN_ON_ATTEMPT_MINUTES} minutes, in the browser they were started in. Start again from the sign-in page.`,
  },
  'provider-declined': {
    status: 400,
    title: 'You were not signed in',
    text: (name) => `${name} did not sign you in. Start again from the sign-in page.`,
  },
  'not-verified': {
    status: 400,
    title: 'We could not confirm your sign-in',
    text: (name) =>
      `The answer from ${name} did not pass our checks, so you have not been signed in. Start again from the sign-in page.`,
  },
  'provider-unavailable': {
    status: 503,
    title: 'Single sign-on is not available at the moment',
    text: (name) =>
      `We cannot reach ${name} at the moment. Try again in a few minutes, or sign in with your password if you have one.`,
  },
  'email-not-verified': {
    status: 403,
    title: 'Your email address could not be confirmed',
    text: (name) =>
      `${name} did not confirm your email address, so we cannot match it to an account. Ask your organisation's IT service desk to check your account's email address.`,
  },
  'email-domain-not-listed': {
    status: 403,
    title: 'Your organisation does not sign in to IPS Reporting with single sign-on',
    text: (name) =>
      `You have not been signed in with ${name}. Sign in with your email address and password.`,
  },
  'no-account': {
    status: 403,
    title: 'You do not have an IPS Reporting account',
    text: (name) =>
      `You signed in with ${name}, but no IPS Reporting account has your email address.`,
  },
};

/** Sign-in with an OpenID Connect provider: off to the provider, and back. */
export function singleSignOnHandlers(services: Services) {
  const attemptCookie = cookieName(services.config, ATTEMPT_COOKIE);
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    // Lax, not Strict: the provider's redirect back is a top-level navigation from its site.
    sameSite: 'lax',
    secure: services.config.secure,
  } as const;

  function providerOf(request: FastifyRequest): SingleSignOnProvider {
    const read = providerParameter.safeParse(request.params);
    const provider = read.success ? services.singleSignOn.provider(read.data.provider) : null;
    if (provider === null) throw notFound();
    return provider;
  }

  function refusal(
    reply: FastifyReply,
    provider: SingleSignOnProvider,
    reason: SingleSignOnRefusal,
  ) {
    const page = REFUSALS[reason];
    return reply.code(page.status).page('sign-in/single-sign-on-refused.njk', {
      title: page.title,
      text: page.text(provider.name),
      offerAccessRequest: reason === 'no-account',
    });
  }

  return {
    async start(request: FastifyRequest, reply: FastifyReply) {
      const provider = providerOf(request);
      const outcome = await beginSingleSignOn(services, provider, readNext(request.query));
      if (outcome.kind === 'provider-unavailable') {
        services.logger.warn(
          { event: 'single-sign-on-unavailable', provider: provider.id },
          'single sign-on provider cannot be reached',
        );
        return refusal(reply, provider, 'provider-unavailable');
      }
      reply.setCookie(attemptCookie, outcome.attemptToken, {
        ...cookieOptions,
        maxAge: SINGLE_SIGN_ON_ATTEMPT_MINUTES * 60,
      });
      return reply.redirect(outcome.authorizationUrl);
    },

    async callback(request: FastifyRequest, reply: FastifyReply) {
      const provider = providerOf(request);
      // The registered redirect URI with the provider's answer, whatever proxy path it came by.
      const callbackUrl = new URL(provider.redirectUri);
      callbackUrl.search = new URL(request.url, provider.redirectUri).search;
      const outcome = await completeSingleSignOn(
        services,
        provider,
        request.cookies[attemptCookie],
        callbackUrl,
      );
      reply.clearCookie(attemptCookie, cookieOptions);
      if (outcome.kind === 'refused') {
        services.logger.info(
          {
            event: 'single-sign-on-refused',
            provider: provider.id,
            reason: outcome.reason,
            check: outcome.check,
          },
          'single sign-on refused',
        );
        return refusal(reply, provider, outcome.reason);
      }
      // The provider's sign-in is the second factor: CIS2 by smartcard or authenticator, NHSmail
      // by its own multi-factor policy; asking for this service's code as well would add nothing.
      await beginSession(services, request, reply, outcome.accountId, false);
      services.logger.info(
        { event: 'signed-in', accountId: outcome.accountId, provider: provider.id },
        'single sign-on accepted',
      );
      return reply.redirect(outcome.nextPath);
    },
  };
}
