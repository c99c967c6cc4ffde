import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { type IsoDate, parseIsoDate } from '../../calendar/calendar-date.ts';

/** The API's query and body fields, and its one way of refusing them. */

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((text) => parseIsoDate(text) !== null, 'is not a real date')
  .transform((text) => text as IsoDate);

export const id = z
  .string()
  .regex(/^[1-9]\d{0,8}$/, 'must be an id')
  .transform(Number);

/** 400 with every problem, each naming its field: nothing is changed. */
export function refuseInvalid(reply: FastifyReply, error: z.ZodError, what = 'query') {
  return reply.code(400).send({
    error: `The ${what} is not valid`,
    problems: error.issues.map((issue) => `${issue.path.join('.') || what} ${issue.message}`),
  });
}
