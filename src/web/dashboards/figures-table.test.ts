import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTemplates } from '../views.ts';
import type { Section } from './dashboard-views.ts';
import { figuresTable, figuresTableHtml } from './figures-table.ts';

/** What the pages wrote before: nhsuk-frontend's own macro, its whitespace collapsed. */
function macroHtml(section: Pick<Section, 'head' | 'rows'>, id: string, caption: string) {
  return createTemplates().renderString(
    '{% from "nhsuk/components/tables/macro.njk" import table %}{{ table(options) | replace(r/\\s+/g, " ") | safe }}',
    { options: figuresTable(section, id, caption) },
  );
}

const cell = (text: string, extra: Partial<Section['rows'][number]['cells'][number]> = {}) => ({
  value: text,
  text,
  ...extra,
});

describe("a figures table's HTML", () => {
  test("is the NHS.UK table macro's, for links, hidden text, metrics and characters to escape", () => {
    const section: Pick<Section, 'head' | 'rows'> = {
      head: ['Service', 'Referrals', `Job starts "13" & <more>`],
      rows: [
        {
          name: `North & <b>'s`,
          href: '/services/1/dashboard?a=1&b=2',
          cells: [
            cell('1,234', { href: '/records?metric=referrals&x="1"', metric: 'referrals' }),
            cell('<5'),
          ],
        },
        { name: 'South', href: null, cells: [cell('7'), cell('8', { metric: 'jobStarts' })] },
        { name: 'West', href: null, cells: [cell('0', { href: '/r' }), cell('no data')] },
      ],
    } as Pick<Section, 'head' | 'rows'>;
    for (const [id, caption] of [
      ['section-1', 'England: referrals & job starts, this year'],
      ['section-12', `Team "A": <caption>`],
    ] as const) {
      assert.equal(figuresTableHtml(section, id, caption), macroHtml(section, id, caption));
    }
  });

  test("is the macro's for a table of one column and one row", () => {
    const section = { head: ['Team'], rows: [{ name: 'Only', href: null, cells: [] }] };
    assert.equal(
      figuresTableHtml(section as never, 'section-2', 'Teams'),
      macroHtml(section as never, 'section-2', 'Teams'),
    );
  });
});
