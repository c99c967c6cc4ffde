import type { FastifyReply, FastifyRequest } from 'fastify';
import { endSession, startSession } from '../accounts/sessions.ts';
import { cookieName } from './security.ts';
import type { Services } from './services.ts';

/** The cookie that carries a session's token (its name gains `__Host-` in secure mode). */
export const SESSION_COOKIE = 'ips_session';

/** Sets (or with null, clears) the session cookie: HttpOnly, SameSite=Lax, Secure in secure mode. */
export function setSessionCookie(reply: FastifyReply, services: Services, token: string | null) {
  const name = cookieName(services.config, SESSION_COOKIE);
  const options = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: services.config.secure,
  } as const;
  if (token === null) reply.clearCookie(name, options);
  else reply.setCookie(name, token, options);
}

/**
 * Signs the browser in as the account, however it proved who it is (password, single sign-on):
 * a fresh session id at every change of privilege, so a planted cookie is worth nothing.
 */
export async function beginSession(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  accountId: number,
  secondFactorPending: boolean,
): Promise<void> {
  if (request.session) await endSession(services.database, request.session.token);
  const token = await startSession(
    services.database,
    { accountId, secondFactorPending },
    services.clock(),
  );
  setSessionCookie(reply, services, token);
}
