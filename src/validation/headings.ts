import type { CellValue } from '../spreadsheet/cells.ts';
import {
  COLUMNS,
  type ColumnDefinition,
  REQUIRED_HEADING_COLUMNS,
  type ReadColumn,
} from '../spreadsheet/registry.ts';
import { closestMatch } from './did-you-mean.ts';

/**
 * Matching a sheet's heading row onto the column registry. Headings match ignoring case, spaces,
 * punctuation and apostrophes, with "1st" = "first" and so on to 5th (docs/SPREADSHEET.md).
 */

const ORDINAL_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/first/g, '1st'],
  [/second/g, '2nd'],
  [/third/g, '3rd'],
  [/fourth/g, '4th'],
  [/fifth/g, '5th'],
];

/**
 * The words are swapped after spaces and punctuation go, so "Firstjobstartdate" and
 * "first_job_start_date" match too; both sides of every comparison pass through here. A note in
 * brackets at the end ("(DD/MM/YYYY)", "(optional)", "(for data validation purposes)") is not
 * part of the name, and "&" is "and".
 */
export function normaliseHeading(heading: string): string {
  const withoutNote = heading.replace(/\s*\([^()]*\)\s*$/, '');
  let text = (/[a-z0-9]/i.test(withoutNote) ? withoutNote : heading)
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]/g, '');
  for (const [word, ordinal] of ORDINAL_WORDS) text = text.replace(word, ordinal);
  return text;
}

const COLUMN_BY_NORMALISED_HEADING: ReadonlyMap<string, ColumnDefinition> = new Map(
  COLUMNS.flatMap((column) =>
    [column.heading, ...column.aliases].map((heading) => [normaliseHeading(heading), column]),
  ),
);

export function findColumn(heading: string): ColumnDefinition | undefined {
  return COLUMN_BY_NORMALISED_HEADING.get(normaliseHeading(heading));
}

export interface MatchedColumn {
  readonly index: number;
  /** The heading as the file has it. */
  readonly heading: string;
  readonly column: ColumnDefinition;
}

export interface UnknownHeading {
  readonly index: number;
  readonly heading: string;
  /** A registry column this heading is probably a slip for, when one is close and absent. */
  readonly didYouMean: ColumnDefinition | undefined;
}

export interface HeadingMatch {
  readonly matched: readonly MatchedColumn[];
  /**
   * Headings whose columns are not read: unknown to the registry, or another name for a column
   * the row already has under its own heading.
   */
  readonly unknown: readonly UnknownHeading[];
  /** Registry columns whose heading appears more than once: every index after the first. */
  readonly repeated: readonly MatchedColumn[];
  /** M and H columns with no heading in the row. */
  readonly missingRequired: readonly { column: ReadColumn; didYouMean: string | undefined }[];
  /** Columns with no heading text (their values are not read). */
  readonly blankHeadingIndexes: readonly number[];
}

export function headingText(cell: CellValue): string {
  if (cell === null) return '';
  if (typeof cell === 'object') return cell.date;
  return String(cell).trim();
}

export function matchHeadings(headingCells: readonly CellValue[]): HeadingMatch {
  const found: Array<MatchedColumn & { byOwnHeading: boolean }> = [];
  const unmatched: { index: number; heading: string }[] = [];
  const blankHeadingIndexes: number[] = [];
  headingCells.forEach((cell, index) => {
    const heading = headingText(cell);
    if (heading === '') {
      blankHeadingIndexes.push(index);
      return;
    }
    const column = findColumn(heading);
    if (!column) unmatched.push({ index, heading });
    else {
      const byOwnHeading = normaliseHeading(heading) === normaliseHeading(column.heading);
      found.push({ index, heading, column, byOwnHeading });
    }
  });

  // A column's own heading wins over its other names ("Employment specialist initials" over "ES
  // initials"), which are then extra columns, not read (docs/SPREADSHEET.md knows only the own heading).
  // The same heading twice is an error, as is a field under two other names and not its own
  // (which to read is unclear); a never-read column's other names are just not read.
  const matched: MatchedColumn[] = [];
  const repeated: MatchedColumn[] = [];
  const otherNames: UnknownHeading[] = [];
  const seen = new Set<string>();
  for (const candidate of found) {
    if (seen.has(candidate.column.key)) continue;
    seen.add(candidate.column.key);
    const sameColumn = found.filter(({ column }) => column.key === candidate.column.key);
    const chosen = sameColumn.find(({ byOwnHeading }) => byOwnHeading) ?? candidate;
    matched.push(chosen);
    for (const other of sameColumn) {
      if (other === chosen) continue;
      if (!other.byOwnHeading && (chosen.byOwnHeading || chosen.column.requirement === 'N')) {
        otherNames.push({ index: other.index, heading: other.heading, didYouMean: undefined });
      } else repeated.push(other);
    }
  }
  matched.sort((a, b) => a.index - b.index);

  const absent = COLUMNS.filter((column) => !seen.has(column.key));
  const unknown = [
    ...unmatched.map(({ index, heading }) => ({
      index,
      heading,
      didYouMean: closestMatch(normaliseHeading(heading), absent, (column) =>
        normaliseHeading(column.heading),
      ),
    })),
    ...otherNames,
  ].sort((a, b) => a.index - b.index);
  const missingRequired = absent
    .filter(
      (column): column is ReadColumn => column.requirement === 'M' || column.requirement === 'H',
    )
    .map((column) => ({
      column,
      didYouMean: unknown.find((candidate) => candidate.didYouMean === column)?.heading,
    }));
  return { matched, unknown, repeated, missingRequired, blankHeadingIndexes };
}

/** How many registry headings a row holds, and whether it has every mandatory (M and H) one. */
export function scoreHeadingRow(cells: readonly CellValue[]): {
  known: number;
  hasMandatory: boolean;
} {
  const keys = new Set<string>();
  for (const cell of cells) {
    const column = findColumn(headingText(cell));
    if (column) keys.add(column.key);
  }
  // docs/SPREADSHEET.md's key: M and H are both mandatory headings.
  const hasMandatory = REQUIRED_HEADING_COLUMNS.every((column) => keys.has(column.key));
  return { known: keys.size, hasMandatory };
}
