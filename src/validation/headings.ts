import type { CellValue } from '../spreadsheet/cells.ts';
import { COLUMNS, type ColumnDefinition, type ReadColumn } from '../spreadsheet/registry.ts';
import { closestMatch } from './did-you-mean.ts';

/**
 * Matching a sheet's heading row onto the column registry. Headings match ignoring case, spaces,
 * punctuation and apostrophes, with "1st" = "first" and so on to 5th (SPREADSHEET.md).
 */

const ORDINAL_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/\bfirst\b/g, '1st'],
  [/\bsecond\b/g, '2nd'],
  [/\bthird\b/g, '3rd'],
  [/\bfourth\b/g, '4th'],
  [/\bfifth\b/g, '5th'],
];

export function normaliseHeading(heading: string): string {
  let text = heading.toLowerCase();
  for (const [word, ordinal] of ORDINAL_WORDS) text = text.replace(word, ordinal);
  return text.replace(/[^a-z0-9]/g, '');
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
  /** Headings the registry does not know: their columns are not read. */
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
  const matched: MatchedColumn[] = [];
  const repeated: MatchedColumn[] = [];
  const unmatched: { index: number; heading: string }[] = [];
  const blankHeadingIndexes: number[] = [];
  const seen = new Set<string>();
  headingCells.forEach((cell, index) => {
    const heading = headingText(cell);
    if (heading === '') {
      blankHeadingIndexes.push(index);
      return;
    }
    const column = findColumn(heading);
    if (!column) {
      unmatched.push({ index, heading });
    } else if (seen.has(column.key)) {
      repeated.push({ index, heading, column });
    } else {
      seen.add(column.key);
      matched.push({ index, heading, column });
    }
  });

  const absent = COLUMNS.filter((column) => !seen.has(column.key));
  const unknown = unmatched.map(({ index, heading }) => ({
    index,
    heading,
    didYouMean: closestMatch(normaliseHeading(heading), absent, (column) =>
      normaliseHeading(column.heading),
    ),
  }));
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

/** How many registry headings a row holds, and whether it has every mandatory (M) one. */
export function scoreHeadingRow(cells: readonly CellValue[]): {
  known: number;
  hasMandatory: boolean;
} {
  const keys = new Set<string>();
  for (const cell of cells) {
    const column = findColumn(headingText(cell));
    if (column) keys.add(column.key);
  }
  const hasMandatory = COLUMNS.every(
    (column) => column.requirement !== 'M' || keys.has(column.key),
  );
  return { known: keys.size, hasMandatory };
}
