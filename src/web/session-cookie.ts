import type { FastifyReply } from 'fastify';
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
