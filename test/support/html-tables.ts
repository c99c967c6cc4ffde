/**
 * Route tests read the dashboards' tables as a person does: each cell's text, without the column
 * name a phone shows beside it (nhsuk-table__heading) or words for screen readers only.
 */
export function cellText(html: string): string {
  return html
    .replace(/<span class="nhsuk-(?:table__heading|u-visually-hidden)"[^>]*>[^<]*<\/span>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first table whose caption matches. */
function tableOf(body: string, caption: RegExp): string {
  const captionOf = (table: string) =>
    cellText(/<caption[^>]*>([\s\S]*?)<\/caption>/.exec(table)?.[1] ?? '');
  return (
    body
      .split('<table')
      .slice(1)
      .find((table) => caption.test(captionOf(table))) ?? ''
  );
}

/** The rows of that table, each as its cells' text (row name first). */
export function tableRows(body: string, caption: RegExp): string[][] {
  const table = tableOf(body, caption);
  const tbody = /<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  return [...tbody.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map(([, row]) =>
    [...(row ?? '').matchAll(/<t[hd][\s>][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(([, cell]) =>
      cellText(cell ?? ''),
    ),
  );
}

/** The column names of that table. */
export function tableHead(body: string, caption: RegExp): string[] {
  const table = tableOf(body, caption);
  const thead = /<thead[^>]*>([\s\S]*?)<\/thead>/.exec(table)?.[1] ?? '';
  return [...thead.matchAll(/<th[\s>][^>]*>([\s\S]*?)<\/th>/g)].map(([, cell]) =>
    cellText(cell ?? ''),
  );
}

/** The text of each table cell counting a figure, in page order. */
export function metricCells(body: string, metric: string): string[] {
  return [
    ...body.matchAll(new RegExp(`<td[^>]*data-metric="${metric}"[^>]*>([\\s\\S]*?)</td>`, 'g')),
  ].map(([, cell]) => cellText(cell ?? ''));
}

/** Each linked count in the tables: its figure, where it links and the count shown. */
export function linkedCounts(body: string): Array<{ metric: string; href: string; count: string }> {
  return [...body.matchAll(/<td[^>]*data-metric="(\w+)"[^>]*>([\s\S]*?)<\/td>/g)].flatMap(
    ([, metric = '', cell = '']) => {
      const href = /<a [^>]*href="([^"]+)"/.exec(cell)?.[1];
      return href ? [{ metric, href: href.replace(/&amp;/g, '&'), count: cellText(cell) }] : [];
    },
  );
}
