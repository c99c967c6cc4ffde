import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CAPABILITIES,
  PERMISSION_TABLE,
  ROLE_NAMES,
  ROLES,
} from '../../permissions/permissions.ts';

/** The pages everyone may read: help, the accessibility statement, the privacy notice. */
export function pageHandlers() {
  const permissionRows = CAPABILITIES.map((capability) => [
    { text: capability },
    ...ROLES.map((role) => ({ text: PERMISSION_TABLE[capability][role] ?? '–' })),
  ]);
  return {
    help(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('pages/help.njk', {
        title: 'Help',
        width: 'full',
        roleHeadings: [{ text: 'What' }, ...ROLES.map((role) => ({ text: ROLE_NAMES[role] }))],
        permissionRows,
      });
    },
    accessibility(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('pages/accessibility.njk', { title: 'Accessibility statement' });
    },
    privacy(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('pages/privacy.njk', { title: 'Privacy notice' });
    },
  };
}
