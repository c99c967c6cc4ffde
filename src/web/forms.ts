import { z } from 'zod';

/** What a form template needs to show errors the NHS way: a summary linking to each field. */
export interface FormState {
  readonly values: Readonly<Record<string, unknown>>;
  readonly errors: Readonly<Record<string, { text: string }>>;
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
  const result = schema.safeParse(withBlanks(schema, values));
  if (result.success) return { ok: true, value: result.data };
  const errors: Record<string, { text: string }> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= { text: issue.message };
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
function fieldsOf(body: unknown): Readonly<Record<string, unknown>> {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/**
 * A form shown again with errors found after validation (a wrong password, a used link): `body`
 * is the form as sent.
 */
export function formWithErrors(
  body: unknown,
  errors: Readonly<Record<string, { text: string }>>,
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
    errorList: Object.entries(errors).map(([field, { text }]) => ({ text, href: `#${field}` })),
  };
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
