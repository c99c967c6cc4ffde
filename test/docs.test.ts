import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ALL_COUNTS, METRIC_DEFINITIONS } from '../src/metrics/definitions.ts';
import { LISTS } from '../src/spreadsheet/lists.ts';
import { COLUMNS, isReadColumn, JOB_NUMBERS } from '../src/spreadsheet/registry.ts';

/**
 * docs/METRICS.md and docs/SPREADSHEET.md are the specifications; definitions.ts, the column
 * registry and the lists are them as data. A figure, column or list value on one side only fails
 * here, so the two cannot drift apart silently.
 */

const doc = (name: string) => readFileSync(new URL(`../docs/${name}`, import.meta.url), 'utf8');

interface Section {
  readonly title: string;
  /** The table rows, as cells (header and separator rows left out). */
  readonly rows: string[][];
  /** Everything but tables and fenced code. */
  readonly prose: string;
  readonly code: string;
}

/** A Markdown file split at its `## ` headings. */
function sections(markdown: string): Section[] {
  const found: Array<{ title: string; lines: string[] }> = [];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) found.push({ title: line.slice(3).trim(), lines: [] });
    else found.at(-1)?.lines.push(line);
  }
  return found.map(({ title, lines }) => {
    const rows: string[][] = [];
    const prose: string[] = [];
    const code: string[] = [];
    let inCode = false;
    let header = true;
    for (const line of lines) {
      if (line.startsWith('```')) {
        inCode = !inCode;
      } else if (inCode) {
        code.push(line);
      } else if (line.startsWith('|')) {
        const cells = line
          .slice(1, line.trimEnd().endsWith('|') ? line.trimEnd().length - 1 : undefined)
          .split('|')
          .map((cell) => cell.trim());
        // The first row of each table is its header; the second its separator.
        if (!header && !cells.every((cell) => /^:?-+:?$/.test(cell))) rows.push(cells);
        header = false;
      } else {
        header = true;
        prose.push(line);
      }
    }
    return { title, rows, prose: prose.join('\n'), code: code.join('\n') };
  });
}

const backticked = (text: string) =>
  [...text.matchAll(/`([A-Za-z0-9]+)`/g)].flatMap(([, id]) => (id === undefined ? [] : [id]));

describe('docs/METRICS.md defines every figure of src/metrics/definitions.ts', () => {
  const metricSections = sections(doc('METRICS.md'));
  /** Figure id → the section whose table defines it (an id in a row's first cell). */
  const tableIds = new Map<string, string>();
  for (const section of metricSections) {
    for (const [first = ''] of section.rows) {
      for (const id of backticked(first)) tableIds.set(id, section.title);
    }
  }
  const proseIds = new Map<string, string>();
  for (const section of metricSections) {
    for (const id of backticked(section.prose)) {
      if (!proseIds.has(id)) proseIds.set(id, section.title);
    }
  }
  const codeIds = new Set(METRIC_DEFINITIONS.map(({ id }) => id as string));

  it('each figure has its definition: its id in a table, or named in a section', () => {
    const missing = METRIC_DEFINITIONS.filter(({ id }) => !tableIds.has(id) && !proseIds.has(id));
    assert.deepEqual(
      missing.map(({ id, name }) => `${id} (${name})`),
      [],
      'figures in definitions.ts with no definition in docs/METRICS.md',
    );
  });

  it('the counts are defined under "Activity and outcome counts", the rest of the tables under "Time-based quality indicators"', () => {
    const counts = new Set<string>(ALL_COUNTS);
    const misplaced = [...tableIds].filter(([id, title]) =>
      counts.has(id)
        ? title !== 'Activity and outcome counts'
        : !title.startsWith('Time-based quality indicators'),
    );
    assert.deepEqual(
      misplaced.map(([id, title]) => `${id} (${title})`),
      [],
      'figures defined under another heading',
    );
    for (const id of counts) assert.ok(tableIds.has(id), `${id} in a table`);
  });

  it('every figure a table of docs/METRICS.md defines is in definitions.ts', () => {
    const extra = [...tableIds].filter(([id]) => !codeIds.has(id));
    assert.deepEqual(
      extra.map(([id, title]) => `${id} (${title})`),
      [],
      'figures in docs/METRICS.md with no entry in definitions.ts',
    );
  });

  it('each figure is a key of the machine-readable form', () => {
    const machine = metricSections.find(({ title }) => title === 'Machine-readable form');
    assert.ok(machine, 'docs/METRICS.md has a "Machine-readable form" section');
    const keys = new Set([...machine.code.matchAll(/"([A-Za-z0-9]+)":/g)].map(([, key]) => key));
    assert.deepEqual(
      [...codeIds].filter((id) => !keys.has(id)),
      [],
      'figures missing from the machine-readable form',
    );
  });

  it('each figure has one name and one rule', () => {
    const names = METRIC_DEFINITIONS.map(({ name }) => name);
    assert.equal(codeIds.size, METRIC_DEFINITIONS.length, 'ids are unique');
    assert.equal(new Set(names).size, names.length, 'names are unique');
    for (const { id, rule } of METRIC_DEFINITIONS) assert.ok(rule.trim().length > 0, id);
  });
});

describe('docs/SPREADSHEET.md lists every column of src/spreadsheet/registry.ts', () => {
  const spreadsheet = sections(doc('SPREADSHEET.md'));
  const columnsSection = spreadsheet.find(({ title }) => title === 'Columns');

  /** Heading → its row's cells: "1st job start date … 5th job start date" is two headings. */
  const documented = new Map<string, { field: string; requirement: string }>();
  for (const [heading = '', field = '', , requirement = ''] of columnsSection?.rows ?? []) {
    for (const part of heading.split(/ … |, /)) {
      documented.set(part.replace(/ …$/, '').trim(), { field, requirement });
    }
  }
  /** A later job block's heading as the table writes it: the first job's, "1st" to "5th". */
  const asDocumented = (heading: string) => heading.replace(/^(2nd|3rd|4th|5th) job /, '1st job ');
  const rowOf = (heading: string) =>
    documented.get(heading) ?? documented.get(asDocumented(heading));

  it('has a "Columns" section with the table', () => {
    assert.ok(columnsSection, 'docs/SPREADSHEET.md has a "Columns" section');
    assert.ok(columnsSection.rows.length > 0, 'the "Columns" section has a table');
  });

  it('each column has a row', () => {
    const missing = COLUMNS.filter(({ heading }) => rowOf(heading) === undefined);
    assert.deepEqual(
      missing.map(({ key, heading }) => `${heading} (${key})`),
      [],
      'columns in registry.ts missing from docs/SPREADSHEET.md',
    );
  });

  it('the job blocks are the 1st to the 5th, as the table says', () => {
    assert.deepEqual([...JOB_NUMBERS], [1, 2, 3, 4, 5]);
    assert.ok(documented.has('5th job start date') && documented.has('5th job end date'));
  });

  it('each row names a heading of the registry', () => {
    const headings = new Set(COLUMNS.map(({ heading }) => asDocumented(heading)));
    const extra = [...documented.keys()].filter((heading) => !headings.has(asDocumented(heading)));
    assert.deepEqual(extra, [], 'headings in docs/SPREADSHEET.md not in registry.ts');
  });

  it("each column's requirement and field are the table's", () => {
    const wrong = COLUMNS.flatMap((column) => {
      const row = rowOf(column.heading);
      if (row === undefined) return [];
      const target = isReadColumn(column) ? column.target : undefined;
      // "H (1st), O": the first job block's heading is mandatory, later ones optional.
      const requirement =
        row.requirement === 'H (1st), O'
          ? target?.kind === 'job' && target.jobNumber === 1
            ? 'H'
            : 'O'
          : row.requirement;
      const field =
        target === undefined
          ? '–'
          : target.kind === 'job'
            ? `jobs[n].${target.field}`
            : target.field;
      return requirement === column.requirement && row.field === field
        ? []
        : [`${column.heading}: ${column.requirement} ${field}; table: ${requirement} ${row.field}`];
    });
    assert.deepEqual(wrong, []);
  });

  it("each list's values are the table's", () => {
    const listsSection = spreadsheet.find(({ title }) => title === 'Lists');
    assert.ok(listsSection, 'docs/SPREADSHEET.md has a "Lists" section');
    const text = listsSection.prose.replace(/\s+/g, ' ');
    for (const [id, list] of Object.entries(LISTS)) {
      const start = text.indexOf(`**${id} ${list.name}**: `);
      assert.ok(start >= 0, `list ${id} ${list.name} in docs/SPREADSHEET.md`);
      const after = text.slice(start).replace(/^\*\*[^*]+\*\*: /, '');
      const values = (after.split(/\.( |$)/)[0] ?? '').split('; ');
      assert.deepEqual(values, [...list.values], `list ${id} ${list.name}`);
    }
  });
});

describe('docs/SPREADSHEET.md lists every other name a heading may have', () => {
  it('names each alias of the registry beside its column', () => {
    const spreadsheet = doc('SPREADSHEET.md');
    for (const column of COLUMNS)
      if (column.aliases.length > 0)
        assert.ok(
          spreadsheet.includes(
            `- ${column.heading}: ${column.aliases.map((alias) => `"${alias}"`).join(', ')}`,
          ),
          column.heading,
        );
  });
});
