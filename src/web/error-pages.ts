import type { FastifyError, FastifyInstance } from 'fastify';
import { HttpError } from './http-errors.ts';

/**
 * The one error handler. People see an NHS-styled page that says what they can do; API callers
 * get JSON. A fault's details go to the log, never to the page.
 */
export function registerErrorPages(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/')) return reply.code(404).send({ error: 'Not found' });
    return reply.code(404).page('layout/not-found.njk', { title: 'Page not found' });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, title, message } = describe(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status, code: error.code }, 'request refused');
    reply.code(status);
    // The request id ties what someone reports to the log lines of their request.
    if (request.url.startsWith('/api/')) {
      return reply.send(
        status >= 500 ? { error: message, requestId: request.id } : { error: message },
      );
    }
    if (status === 404) return reply.page('layout/not-found.njk', { title });
    return reply.page('layout/problem.njk', { title, message, status, reference: request.id });
  });
}

function describe(error: FastifyError): { status: number; title: string; message: string } {
  if (error instanceof HttpError) {
    return { status: error.statusCode, title: error.message, message: error.message };
  }
  if (error.code?.startsWith('FST_CSRF')) {
    return {
      status: 403,
      title: 'This form has expired',
      message:
        'This form could not be accepted because it was out of date or came from another site. Go back, refresh the page and try again.',
    };
  }
  if (error.statusCode === 429) {
    return {
      status: 429,
      title: 'Too many attempts',
      message:
        'There have been too many attempts from your network. Wait a few minutes and try again.',
    };
  }
  if (error.statusCode === 413) {
    return { status: 413, title: 'Too much information', message: 'What you sent was too large.' };
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return {
      status: 400,
      title: 'What you sent could not be read',
      message:
        'It was not sent in a form this address accepts. Go back and try again from the page.',
    };
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return {
      status: 400,
      title: 'Your request could not be understood',
      message: 'Go back and try again. If it keeps happening, contact your administrator.',
    };
  }
  return {
    status: 500,
    title: 'Sorry, there is a problem with the service',
    message: 'Try again later.',
  };
}
