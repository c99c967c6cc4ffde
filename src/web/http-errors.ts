import { z } from 'zod';

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

/** A database id as a URL writes it: 1 to 999,999,999, no leading zeros. */
export const databaseId = z
  .string()
  .regex(/^[1-9]\d{0,8}$/)
  .transform(Number);

/** Route parameters read with a schema; ones that do not fit name a page that does not exist. */
export function routeParameters<S extends z.ZodType>(schema: S, params: unknown): z.infer<S> {
  const read = schema.safeParse(params);
  if (!read.success) throw notFound();
  return read.data;
}

/** A route parameter that must be a database id; anything else is a page that does not exist. */
export function idParameter(params: unknown, name: string): number {
  const read = databaseId.safeParse((params as Record<string, unknown>)[name]);
  if (!read.success) throw notFound();
  return read.data;
}
