import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { parseIsoDate } from '../calendar/calendar-date.ts';
import { formatDate, formatDateTime, formatInstantDate } from '../calendar/nhs-dates.ts';
import { dateInputValues } from './forms.ts';

const NHSUK_FRONTEND = fileURLToPath(
  new URL('../../node_modules/nhsuk-frontend/dist/', import.meta.url),
);
const WEB_FOLDER = fileURLToPath(new URL('./', import.meta.url));

/** The folders the browser may fetch under /assets/: NHS.UK styles and scripts, then ours. */
export const ASSET_FOLDERS = [
  `${NHSUK_FRONTEND}nhsuk/`,
  `${NHSUK_FRONTEND}nhsuk/assets/`,
  `${WEB_FOLDER}static/`,
];

/** Templates are looked up as `feature/page.njk` beside their feature, and `nhsuk/…` macros. */
export function createTemplates(): nunjucks.Environment {
  const environment = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([WEB_FOLDER, NHSUK_FRONTEND]),
    { autoescape: true, throwOnUndefined: false },
  );
  // Pages show dates in the NHS style; a missing date shows as nothing.
  environment.addFilter('dateTime', (value: unknown) =>
    value instanceof Date ? formatDateTime(value) : '',
  );
  environment.addFilter('date', (value: unknown) => {
    if (value instanceof Date) return formatInstantDate(value);
    const date = typeof value === 'string' ? parseIsoDate(value) : null;
    return date === null ? '' : formatDate(date);
  });
  environment.addFilter('dateInputValues', dateInputValues);
  // Nunjucks' own trim (/^\s*|\s*$/g) is quadratic in the whitespace of a long string, and the
  // NHS.UK macros trim the HTML given to them: England's overview spent 7 s of its page there.
  // String#trim drops the same characters in one pass; a string marked safe stays safe.
  environment.addFilter('trim', (value: unknown) => {
    const trimmed = String(value ?? '').trim();
    return value instanceof nunjucks.runtime.SafeString
      ? new nunjucks.runtime.SafeString(trimmed)
      : trimmed;
  });
  return environment;
}
