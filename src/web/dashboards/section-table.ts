import type { Section } from './dashboard-views.ts';

/** A cell as nhsuk-frontend's table macro takes it. */
interface TableMacroCell {
  readonly text: string;
  readonly href?: string;
  readonly visuallyHiddenText?: string;
  readonly format?: 'numeric';
  /** The column's name, shown beside the value when a phone stacks the row's cells. */
  readonly header: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

/**
 * A section's table as the NHS.UK table macro's options: responsive, so each stacked cell keeps
 * its column's name on a phone, and in its own scrolling region, so a wide table never pushes the
 * page wider than the window. The first cell of each row names it.
 */
export function sectionTable(section: Section, id: string, caption: string) {
  const [first = '', ...columns] = section.head;
  return {
    id,
    caption: { text: caption, size: 's' },
    responsive: true,
    scroll: true,
    firstCellIsHeader: true,
    classes: 'app-table--first-column-sticky',
    head: [{ text: first }, ...columns.map((text) => ({ text, format: 'numeric' as const }))],
    rows: section.rows.map((row): TableMacroCell[] => [
      { text: row.name, header: first, ...(row.href ? { href: row.href } : {}) },
      ...row.cells.map((cell, index) => {
        const column = columns[index] ?? '';
        return {
          text: cell.text,
          format: 'numeric' as const,
          header: column,
          ...(cell.href
            ? { href: cell.href, visuallyHiddenText: `– see the records (${row.name}, ${column})` }
            : {}),
          ...(cell.metric ? { attributes: { 'data-metric': cell.metric } } : {}),
        };
      }),
    ]),
  };
}
