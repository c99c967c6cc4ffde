import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { signOutEverywhere } from '../../accounts/account-access.ts';
import { attemptSignIn } from '../../accounts/accounts.ts';
import { checkSecondFactor } from '../../accounts/second-factor.ts';
import { endSession } from '../../accounts/sessions.ts';
import { signsInWithSingleSignOn } from '../../accounts/single-sign-on-domains.ts';
import { EMPTY_FORM, type FormState, formWithErrors, readForm } from '../forms.ts';
import type { Services } from '../services.ts';
import { beginSession, setSessionCookie } from '../session-cookie.ts';

const signInForm = z.object({
  email: z.string().trim().min(1, 'Enter your email address'),
  password: z.string().min(1, 'Enter your password'),
});

const SIGN_IN_REFUSED =
  'Enter a correct email address and password. After several failed tries, wait a few minutes or reset your password';

const secondFactorForm = z.object({
  code: z
    .string()
    .transform((code) => code.replace(/\s/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app')),
});

/** Only a path on this site: `next` must never send someone elsewhere after signing in. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

const nextField = z.object({ next: z.string().optional() });

/** Where to go afterwards: the first `next` the inputs give (query string, form), on this site. */
export function readNext(...inputs: unknown[]): string {
  for (const input of inputs) {
    const read = nextField.safeParse(input);
    if (read.success && read.data.next !== undefined) return safeNext(read.data.next);
  }
  return '/';
}

/** What the sign-in and password reset pages say to an address in a single sign-on domain. */
export const SINGLE_SIGN_ON_REQUIRED =
  'Your organisation signs in to IPS Reporting with single sign-on: use a "Sign in with" button on the sign-in page instead of a password';

/** The sign-in page's buttons: one per configured single sign-on provider, keeping `next`. */
export function singleSignOnButtons(services: Services, next: string) {
  return services.config.singleSignOnProviders.map((provider) => ({
    text: `Sign in with ${provider.name}`,
    href: `/sign-in/single-sign-on/${provider.id}?next=${encodeURIComponent(next)}`,
  }));
}

export function signInHandlers(services: Services) {
  const { database, clock, logger } = services;

  function signInPage(reply: FastifyReply, form: FormState, next: string) {
    return reply.page('sign-in/sign-in.njk', {
      title: 'Sign in',
      form,
      next,
      singleSignOnButtons: singleSignOnButtons(services, next),
    });
  }

  return {
    show(request: FastifyRequest, reply: FastifyReply) {
      return signInPage(reply, EMPTY_FORM, readNext(request.query));
    },

    async signIn(request: FastifyRequest, reply: FastifyReply) {
      const next = readNext(request.body);
      const read = readForm(signInForm, request.body);
      if (!read.ok) return signInPage(reply.code(400), read.form, next);
      // Asked of the address alone, before any account is looked up, so it reveals none.
      if (await signsInWithSingleSignOn(database, read.value.email)) {
        logger.info(
          { event: 'sign-in-refused', reason: 'single-sign-on-required' },
          'sign-in refused',
        );
        return signInPage(
          reply.code(400),
          formWithErrors(request.body, { email: { text: SINGLE_SIGN_ON_REQUIRED } }),
          next,
        );
      }
      const outcome = await attemptSignIn(
        database,
        { ...read.value, address: request.ip },
        clock(),
      );
      if (outcome.kind !== 'signed-in') {
        logger.info({ event: 'sign-in-refused', reason: outcome.kind }, 'sign-in refused');
        // One answer for an unknown email, a wrong password and a wait: none tells who has an account.
        return signInPage(
          reply.code(400),
          formWithErrors(request.body, { email: { text: SIGN_IN_REFUSED } }),
          next,
        );
      }
      await beginSession(services, request, reply, outcome.accountId, outcome.needsSecondFactor);
      logger.info({ event: 'signed-in', accountId: outcome.accountId }, 'password accepted');
      if (outcome.needsSecondFactor) {
        return reply.redirect(`/sign-in/second-factor?next=${encodeURIComponent(next)}`);
      }
      return reply.redirect(next);
    },

    showSecondFactor(request: FastifyRequest, reply: FastifyReply) {
      if (!request.session?.secondFactorPending) return reply.redirect('/sign-in');
      return reply.page('sign-in/second-factor.njk', {
        title: 'Enter your security code',
        form: EMPTY_FORM,
        next: readNext(request.query),
      });
    },

    async secondFactor(request: FastifyRequest, reply: FastifyReply) {
      const session = request.session;
      if (!session?.secondFactorPending) return reply.redirect('/sign-in');
      const next = readNext(request.body);
      const read = readForm(secondFactorForm, request.body);
      if (!read.ok || !(await checkSecondFactor(services, session.accountId, read.value.code))) {
        const form = read.ok
          ? formWithErrors(request.body, {
              code: {
                text: 'The code is not right. Enter the code your authenticator app shows now',
              },
            })
          : read.form;
        return reply
          .code(400)
          .page('sign-in/second-factor.njk', { title: 'Enter your security code', form, next });
      }
      await beginSession(services, request, reply, session.accountId, false);
      return reply.redirect(next);
    },

    async signOut(request: FastifyRequest, reply: FastifyReply) {
      if (request.session) await endSession(database, request.session.token);
      setSessionCookie(reply, services, null);
      return reply.redirect('/signed-out');
    },

    async signOutEverywhere(request: FastifyRequest, reply: FastifyReply) {
      if (request.viewer) await signOutEverywhere(services, request.viewer.accountId);
      setSessionCookie(reply, services, null);
      return reply.redirect('/signed-out');
    },

    signedOut(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('sign-in/signed-out.njk', { title: 'You have signed out' });
    },
  };
}
