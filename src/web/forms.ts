import { z } from 'zod';
import {
  daysInMonth,
  formatIso,
  type IsoDate,
  MONTH_NAMES,
  parseIsoDate,
} from '../calendar/calendar-date.ts';

/** The boxes of an NHS date input, each sent as `name-day`, `name-month`, `name-year`. */
export const DATE_PARTS = ['day', 'month', 'year'] as const;
export type DatePart = (typeof DATE_PARTS)[number];

/** A field's error; a date's also names the boxes to mark, and the first is the one linked to. */
export interface FieldError {
  readonly text: string;
  readonly dateParts?: readonly DatePart[];
}

/** What a form template needs to show errors the NHS way: a summary linking to each field. */
export interface FormState {
  readonly values: Readonly<Record<string, unknown>>;
  readonly errors: Readonly<Record<string, FieldError>>;
  readonly errorList: ReadonlyArray<{ text: string; href: string }>;
}

export const EMPTY_FORM: FormState = { values: {}, errors: {}, errorList: [] };

export type FormResult<T> = { ok: true; value: T } | { ok: false; form: FormState };

/**
 * The one form-error path: a zod schema per form (its type inferred from it), the first message
 * for each field, in field order, linked to the field's id.
 */
export function readForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const values = fieldsOf(body);
  const result = schema.safeParse(withBlanks(schema, withDates(values)));
  if (result.success) return { ok: true, value: result.data };
  const errors: Record<string, FieldError> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    const dateParts = issue.code === 'custom' ? issue.params?.dateParts : undefined;
    errors[field] ??= { text: issue.message, ...(dateParts ? { dateParts } : {}) };
  }
  return { ok: false, form: formWithErrors(values, errors) };
}

/**
 * A field the browser did not send (an unticked box, an unchosen radio) is read as blank, so the
 * schema's own message ("Select a role") is shown rather than a type error; optional fields stay absent.
 */
function withBlanks(schema: z.ZodType, values: Record<string, unknown>): Record<string, unknown> {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const filled = { ...values };
  for (const [field, fieldSchema] of Object.entries(shape)) {
    if (filled[field] === undefined && !fieldSchema.safeParse(undefined).success)
      filled[field] = '';
  }
  return filled;
}

/** A body's fields; none for a body that is not an object. */
export function fieldsOf(body: unknown): Readonly<Record<string, unknown>> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/**
 * A form shown again with errors found after validation (a wrong password, a used link): `body`
 * is the form as sent.
 */
export function formWithErrors(
  body: unknown,
  errors: Readonly<Record<string, FieldError>>,
): FormState {
  const {
    password: _password,
    newPassword: _new,
    confirmPassword: _confirm,
    _csrf,
    ...kept
  } = fieldsOf(body);
  return {
    values: kept,
    errors,
    errorList: Object.entries(errors).map(([field, { text, dateParts }]) => ({
      text,
      href: dateParts?.[0] ? `#${field}-${dateParts[0]}` : `#${field}`,
    })),
  };
}

/** An error for a whole date (all three boxes marked), such as one that must be in the past. */
export function dateError(text: string): FieldError {
  return { text, dateParts: DATE_PARTS };
}

const DATE_PART_FIELD = /^(.+)-(day|month|year)$/;

/** The boxes of the date input `name` as sent: name-day, name-month and name-year. */
export function datePartsOf(
  values: Readonly<Record<string, unknown>>,
  name: string,
): Record<DatePart, unknown> {
  return Object.fromEntries(DATE_PARTS.map((part) => [part, values[`${name}-${part}`]])) as Record<
    DatePart,
    unknown
  >;
}

/** The boxes of each date input sent, gathered under the date's name for its schema. */
function withDates(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const gathered: Record<string, unknown> = { ...values };
  for (const field of Object.keys(values)) {
    const name = DATE_PART_FIELD.exec(field)?.[1];
    if (name !== undefined) gathered[name] = datePartsOf(values, name);
  }
  return gathered;
}

/** What a date input's boxes show: what was typed, or the parts of a date given whole. */
export function dateInputValues(
  values: Readonly<Record<string, unknown>> | undefined,
  name: string,
): Record<DatePart, string> {
  const typed = DATE_PARTS.map((part) => values?.[`${name}-${part}`]);
  if (typed.some((value) => value !== undefined)) {
    const [day, month, year] = typed.map((value) => (typeof value === 'string' ? value : ''));
    return { day: day ?? '', month: month ?? '', year: year ?? '' };
  }
  const whole = values?.[name];
  const date = typeof whole === 'string' ? parseIsoDate(whole) : null;
  if (date === null) return { day: '', month: '', year: '' };
  return {
    day: String(Number(date.slice(8, 10))),
    month: String(Number(date.slice(5, 7))),
    year: date.slice(0, 4),
  };
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** A month typed as a number, or as its name or first three letters ("Jan", "january"). */
function monthNumber(typed: string): number {
  if (/^\d{1,2}$/.test(typed)) return Number(typed);
  const index = MONTH_NAMES.findIndex(
    (name) => typed.length >= 3 && name.toLowerCase().startsWith(typed.toLowerCase()),
  );
  return index + 1;
}

const listed = (parts: readonly string[]) =>
  parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? '');

/**
 * A date from an NHS date input's boxes, or written whole as YYYY-MM-DD (links and bookmarks
 * made before the boxes); null when nothing was entered. The messages follow the NHS date input
 * guidance (https://service-manual.nhs.uk/design-system/components/date-input): say which part is
 * missing, or that the date is not a real one, and mark only the boxes at fault.
 */
export function readDate(value: unknown, what: string): { date: IsoDate | null } | FieldError {
  const What = what.charAt(0).toUpperCase() + what.slice(1);
  if (typeof value !== 'object' || value === null) {
    const whole = text(value);
    if (whole === '') return { date: null };
    const date = parseIsoDate(whole);
    return date === null ? dateError(`${What} must be a real date`) : { date };
  }
  const typed = value as Record<string, unknown>;
  const [day = '', month = '', year = ''] = DATE_PARTS.map((part) => text(typed[part]));
  const missing = DATE_PARTS.filter((part) => text(typed[part]) === '');
  if (missing.length === DATE_PARTS.length) return { date: null };
  if (missing.length > 0)
    return { text: `${What} must include a ${listed(missing)}`, dateParts: missing };
  const dayNumber = /^\d{1,2}$/.test(day) ? Number(day) : 0;
  const monthOfYear = monthNumber(month);
  if (!/^\d{4}$/.test(year))
    return { text: `The year of ${what} must include 4 numbers`, dateParts: ['year'] };
  const monthIsReal = monthOfYear >= 1 && monthOfYear <= 12;
  const dayIsReal =
    dayNumber >= 1 && dayNumber <= (monthIsReal ? daysInMonth(Number(year), monthOfYear) : 31);
  const wrong = DATE_PARTS.filter(
    (part) => (part === 'day' && !dayIsReal) || (part === 'month' && !monthIsReal),
  );
  if (wrong.length > 0) return { text: `${What} must be a real date`, dateParts: wrong };
  return { date: formatIso(Number(year), monthOfYear, dayNumber) };
}

function dateSchema(what: string, required: boolean) {
  // Optional on the way in, so a date the browser did not send is read as blank.
  return z
    .unknown()
    .optional()
    .transform((value, context) => {
      const read = readDate(value, what);
      if ('date' in read && (read.date !== null || !required)) return read.date;
      const error = 'date' in read ? dateError(`Enter ${what}`) : read;
      context.addIssue({
        code: 'custom',
        message: error.text,
        params: { dateParts: error.dateParts },
      });
      return z.NEVER;
    });
}

/** A date field that must be filled in; `what` names it in messages ("the start date"). */
export function dateField(what: string): z.ZodType<IsoDate> {
  return dateSchema(what, true) as z.ZodType<IsoDate>;
}

/** A date field that may be left blank (null). */
export function optionalDateField(what: string): z.ZodType<IsoDate | null> {
  return dateSchema(what, false);
}

/** Radio or select items with the one the form holds marked. */
export function choiceItems(
  options: ReadonlyArray<{ value: string; text: string }>,
  selected: unknown,
  mark: 'checked' | 'selected' = 'checked',
) {
  return options.map((option) => ({ ...option, [mark]: option.value === String(selected ?? '') }));
}

/** The notice a redirect's `?done=` names ("Role added."); none for a name not in `notices`. */
export function doneNotice<Done extends string>(
  notices: Readonly<Record<Done, string>>,
  query: unknown,
): string | undefined {
  const read = readForm(
    z.object({ done: z.enum(Object.keys(notices) as Done[]).optional() }),
    query,
  );
  return read.ok && read.value.done !== undefined ? notices[read.value.done] : undefined;
}
