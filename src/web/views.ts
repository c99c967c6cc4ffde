import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';

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
  environment.addFilter('dateTime', (value: unknown) =>
    value instanceof Date ? DATE_TIME.format(value) : '',
  );
  return environment;
}

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});
