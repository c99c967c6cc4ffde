/** Errors a handler throws to get the NHS-styled page for that status, never a stack trace. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: 403 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = () => new HttpError(404, 'Page not found');
export const forbidden = () => new HttpError(403, 'You do not have permission to see this page');

/** A route parameter that must be a database id; anything else is a page that does not exist. */
export function idParameter(params: unknown, name: string): number {
  const text = (params as Record<string, unknown>)[name];
  const id = typeof text === 'string' && /^[1-9]\d{0,8}$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(id)) throw notFound();
  return id;
}
