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

export type FiguresTable = ReturnType<typeof figuresTable>;

/**
 * A section's table as the NHS.UK table macro's options: responsive, so each stacked cell keeps
 * its column's name on a phone, and in its own scrolling region, so a wide table never pushes the
 * page wider than the window. The first cell of each row names it.
 */
export function figuresTable(section: Pick<Section, 'head' | 'rows'>, id: string, caption: string) {
  const [first = '', ...columns] = section.head;
  return {
    id,
    caption: { text: caption, size: 's' as const },
    responsive: true,
    scroll: true,
    firstCellIsHeader: true,
    classes: 'app-table--first-column-sticky',
    head: [
      { text: first },
      ...columns.map((text) => ({ text, format: 'numeric' as const })),
    ] as Array<Pick<TableMacroCell, 'text' | 'format'>>,
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

const ESCAPED: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&#39;',
  '<': '&lt;',
  '>': '&gt;',
};

/** As Nunjucks' autoescape writes text. */
const escapeHtml = (text: string) =>
  text.replace(/[&"'<>]/g, (character) => ESCAPED[character] ?? '');

const numericClass = (format: 'numeric' | undefined, base: string) =>
  format === 'numeric' ? `${base} ${base}--numeric` : base;

function cellContent(cell: TableMacroCell): string {
  const text = escapeHtml(cell.text);
  if (cell.href === undefined) return text;
  const hidden =
    cell.visuallyHiddenText === undefined
      ? ''
      : `<span class="nhsuk-u-visually-hidden"> ${escapeHtml(cell.visuallyHiddenText)}</span>`;
  return `<a class="nhsuk-link" href="${escapeHtml(cell.href)}">${text}${hidden}</a>`;
}

function bodyRow(row: readonly TableMacroCell[]): string {
  const cells = row.map((cell, index) => {
    const heading = `<span class="nhsuk-table__heading" aria-hidden="true">${escapeHtml(cell.header)} </span>`;
    const attributes = Object.entries(cell.attributes ?? {})
      .map(([name, value]) => `${name}="${escapeHtml(value)}"`)
      .join(' ');
    return index === 0
      ? `<th class="${numericClass(cell.format, 'nhsuk-table__header')}" scope="row" role="rowheader" ${attributes}> ${heading}${cellContent(cell)} </th>`
      : `<td class="${numericClass(cell.format, 'nhsuk-table__cell')}" role="cell" ${attributes}> ${heading}${cellContent(cell)} </td>`;
  });
  return `<tr class="nhsuk-table__row" role="row"> ${cells.join(' ')} </tr>`;
}

/**
 * The HTML nhsuk-frontend's table macro gives for `figuresTable`'s options, its whitespace
 * collapsed, written here at a fraction of the cost: England's overview of 500 services spent
 * most of its page in the macro's nested calls and re-indenting (figures-table.test.ts renders
 * both and requires the same HTML).
 */
export function figuresTableHtml(
  section: Pick<Section, 'head' | 'rows'>,
  id: string,
  caption: string,
): string {
  const table = figuresTable(section, id, caption);
  const captionId = `${escapeHtml(table.id)}-caption`;
  const head = table.head
    .map(
      (cell) =>
        `<th class="${numericClass(cell.format, 'nhsuk-table__header')}" scope="col" role="columnheader" > ${escapeHtml(cell.text)} </th>`,
    )
    .join(' ');
  return ` <div class="nhsuk-scroll" data-module="nhsuk-scroll"> <div class="nhsuk-scroll__content" role="region" aria-labelledby="${captionId}"> <table class="nhsuk-table nhsuk-table--responsive ${table.classes}" id="${escapeHtml(table.id)}" role="table"> <caption class="nhsuk-table__caption nhsuk-table__caption--${table.caption.size}" id="${captionId}"> ${escapeHtml(table.caption.text)} </caption> <thead class="nhsuk-table__head" role="rowgroup"> <tr class="nhsuk-table__row" role="row"> ${head} </tr> </thead> <tbody class="nhsuk-table__body"> ${table.rows.map(bodyRow).join(' ')} </tbody> </table> </div> </div> `;
}
