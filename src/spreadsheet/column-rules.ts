import { LISTS } from './lists.ts';
import type { ColumnDefinition, ColumnType, Requirement } from './registry.ts';

/**
 * Each column's rule in plain English, from the registry (docs/SPREADSHEET.md "Columns" and
 * "Validation"): the template's heading notes and the help page's column table both read these.
 */

export const REQUIREMENT_NAMES: Readonly<Record<Requirement, string>> = {
  M: 'Mandatory',
  H: 'Mandatory heading, value may be blank',
  O: 'Optional',
  N: 'Never read by the tool',
};

export const REQUIREMENT_RULES: Readonly<Record<Requirement, string>> = {
  M: 'Keep this heading, and fill it in on every row: a blank stops the upload.',
  H: 'Keep this heading; leave the cell blank until there is something to record.',
  O: 'Read when the heading is there; a blank cell is fine.',
  N: 'For your own use: the tool never reads, stores or shows what you write here.',
};

const TYPE_RULES: Readonly<Record<ColumnType, string>> = {
  text: 'Text.',
  localAuthority:
    'The English local authority district the client lives in, by its name or ONS code (for example Leeds or E08000035), stored as the code; anything else is a warning and is not stored.',
  referralSource:
    "One of your service's referral sources, as the template's cover sheet lists them; anything else is a warning and is counted as not on the service's list.",
  initials:
    'The employment specialist’s initials: 2 to 4 letters, the same for every row of theirs.',
  date: 'A date: DD/MM/YYYY, for example 05/03/2024 (or a date cell).',
  hours: 'Hours per week: a number from 0 to 80, decimals allowed; 0 or over 60 is a warning.',
  yesNo: 'Yes or No.',
  list: 'One of the values in the drop-down list; anything else is a warning.',
  listOrCode:
    'One of the values in the drop-down list, or a code: SIC 2007 for sector (47110 or 47.11), SOC 2020 for occupation (1 to 4 digits); anything else is a warning.',
};

/** The rule for one column, in a sentence or three. */
export function columnRule(column: ColumnDefinition): string {
  const requirement = REQUIREMENT_RULES[column.requirement];
  if (column.requirement === 'N') return requirement;
  const list = column.list ? ` List: ${LISTS[column.list].name}.` : '';
  const personal = column.personal
    ? ' Personal: read only to match re-uploads (client ID, stored as a keyed hash) or to work out the age band (date of birth); never stored as typed.'
    : '';
  return `${requirement} ${TYPE_RULES[column.type]}${list}${personal}`;
}
