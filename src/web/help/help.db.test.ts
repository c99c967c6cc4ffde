import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DATABASES } from '../../../test/support/test-databases.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  startTestWeb,
  type TestBrowser,
  type TestWeb,
} from '../../../test/support/test-web.ts';
import { METRIC_DEFINITIONS } from '../../metrics/definitions.ts';
import { COLUMNS } from '../../spreadsheet/registry.ts';
import { templateCsv } from '../../spreadsheet/template/template-workbook.ts';

const [pglite] = TEST_DATABASES;
if (pglite === undefined) throw new Error('PGlite test database missing');

const decodeHtml = (html: string) =>
  html
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');

describe('help and resources', () => {
  let web: TestWeb;
  let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
  let leader: TestBrowser;
  let admin: TestBrowser;

  before(async () => {
    web = await startTestWeb(pglite);
    orgs = await seedOrganisations(web.database);
    await createTestAccount(web.database, 'leader@nhs.net', [
      role('team-leader', { teamId: orgs.teamA1 }),
    ]);
    await createTestAccount(web.database, 'admin@nhs.net', [role('administrator')]);
    leader = web.browser();
    await leader.signIn('leader@nhs.net');
    admin = web.browser();
    await admin.signIn('admin@nhs.net');
  });
  after(() => web.close());

  it('before sign-in: the spreadsheet guidance, generated from the registry, and the template', async () => {
    const anonymous = web.browser();
    const page = await anonymous.get('/help/spreadsheet');
    assert.equal(page.statusCode, 200);
    const headings = [
      ...page.body.matchAll(/<th scope="row" class="nhsuk-table__header">([^<]*)</g),
    ].map((match) => decodeHtml(match[1] ?? ''));
    assert.deepEqual(
      headings,
      COLUMNS.map((column) => column.heading),
    );
    const xlsx = await anonymous.get('/help/template.xlsx');
    assert.equal(xlsx.statusCode, 200);
    assert.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK');
    assert.equal((await anonymous.get('/help/template.csv')).body, templateCsv());
    // The rest of the help section is for people signed in.
    assert.equal((await anonymous.get('/help/figures')).statusCode, 302);
  });

  it('"How each figure is counted" has every definition the dashboards link to, by id', async () => {
    const page = await leader.get('/help/figures');
    assert.equal(page.statusCode, 200);
    for (const metric of METRIC_DEFINITIONS) {
      const row = new RegExp(
        `id="${metric.id}">\\s*<dt[^>]*>([^<]*)</dt>\\s*<dd[^>]*>([^<]*)</dd>`,
      ).exec(page.body);
      assert.equal(row?.[1], metric.name);
      assert.equal(decodeHtml(row?.[2] ?? ''), metric.rule);
    }
    const guide = await leader.get('/help/guide');
    for (const topic of [
      'uploading',
      'dashboards',
      'filters',
      'exports',
      'targets',
      'returns',
      'accounts',
    ]) {
      assert.match(guide.body, new RegExp(`id="${topic}"`), topic);
    }
    assert.match((await leader.get('/help/faqs')).body, /Which quarter is Q1\?/);
  });

  it('every dashboard chart heading links to its rule', async () => {
    const page = await leader.get(`/teams/${orgs.teamA1}/dashboard`);
    const links = [
      ...page.body.matchAll(
        /<h3 class="nhsuk-heading-s[^"]*"[^>]*>[^<]*<a [^>]*href="(\/help\/figures#\w*)"/g,
      ),
    ];
    assert.deepEqual(
      links.map((link) => link[1]),
      ['/help/figures#referrals', '/help/figures#referrals'],
      'by specialist and by month, whose first column is referrals',
    );
  });

  it('administrators add and edit resource pages; Markdown renders, raw HTML does not', async () => {
    await admin.get('/admin/resources/new');
    const refused = await admin.post('/admin/resources', {
      title: '',
      slug: 'Not A Slug',
      kind: 'page',
      body: '',
      url: '',
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Enter a title/);
    assert.match(refused.body, /lower-case words joined by hyphens/);
    const created = await admin.post('/admin/resources', {
      title: 'Uploading tips',
      slug: 'uploading-tips',
      kind: 'page',
      body: '## Before you upload\n\n- Check the dates\n\n<script>alert("x")</script>',
      url: '',
    });
    assert.equal(created.statusCode, 302);
    await admin.post('/admin/resources', {
      title: 'IPS Grow',
      slug: 'ips-grow',
      kind: 'link',
      body: '',
      url: 'https://ipsgrow.org.uk',
    });
    const list = await leader.get('/help/resources');
    assert.match(list.body, /href="\/help\/resources\/uploading-tips">Uploading tips</);
    assert.match(list.body, /href="https:\/\/ipsgrow.org.uk">IPS Grow</);
    const page = await leader.get('/help/resources/uploading-tips');
    assert.match(page.body, /<h2>Before you upload<\/h2>/);
    assert.match(page.body, /&lt;script&gt;/);
    assert.doesNotMatch(page.body, /<script>alert/);
    assert.match(page.body, /Last updated 1 June 2026\./);
    const [resource] = await web.database.query<{ id: number }>(
      "SELECT id FROM resource WHERE slug = 'uploading-tips'",
    );
    // A day later (signed in again: sessions end after 30 idle minutes).
    web.advanceMinutes(60 * 24);
    await admin.signIn('admin@nhs.net');
    await leader.signIn('leader@nhs.net');
    await admin.get(`/admin/resources/${resource?.id}`);
    await admin.post(`/admin/resources/${resource?.id}`, {
      title: 'Uploading tips',
      slug: 'uploading-tips',
      kind: 'page',
      body: '## Before you upload\n\n- Check the dates and the headings',
      url: '',
    });
    const changed = await leader.get('/help/resources/uploading-tips');
    assert.match(changed.body, /Check the dates and the headings/);
    assert.match(changed.body, /Last updated 2 June 2026\./);
    assert.equal((await leader.get('/admin/resources')).statusCode, 403);
  });

  it('"Report a problem" records who, from which page and what, for administrators', async () => {
    const form = await leader.get('/report-a-problem?from=/teams/12/dashboard?view=jobs');
    assert.match(form.body, /Do not include information about clients/);
    assert.match(form.body, /name="page" value="\/teams\/12\/dashboard"/);
    const empty = await leader.post('/report-a-problem', {
      page: '/teams/12/dashboard',
      description: '',
    });
    assert.equal(empty.statusCode, 400);
    const sent = await leader.post('/report-a-problem', {
      page: '/teams/12/dashboard',
      description: 'The chart of job starts is empty.',
    });
    assert.equal(sent.statusCode, 200);
    assert.match(sent.body, /Problem reported/);
    const reports = await admin.get('/admin/problem-reports');
    assert.match(reports.body, /leader@nhs\.net/);
    assert.match(reports.body, /\/teams\/12\/dashboard/);
    assert.match(reports.body, /The chart of job starts is empty\./);
    assert.equal((await leader.get('/admin/problem-reports')).statusCode, 403);
    // What people write is for administrators only: never in the log.
    assert.equal(web.logLines.join('').includes('The chart of job starts is empty'), false);
    const [report] = await web.database.query<{ id: number }>('SELECT id FROM problem_report');
    await admin.post(`/admin/problem-reports/${report?.id}/resolve`);
    assert.match((await admin.get('/admin/problem-reports')).body, /Resolved 2 June 2026/);
    // Both are audited, with who did it, and without the description.
    const audit = await web.database.query<{ action: string; subject: string; text: string }>(
      `SELECT action, subject, e::text AS text FROM audit_event e
        WHERE action LIKE 'problem%' ORDER BY id`,
    );
    assert.deepEqual(
      audit.map(({ action, subject }) => [action, subject]),
      [
        ['problem reported', `problem report ${report?.id}`],
        ['problem report resolved', `problem report ${report?.id}`],
      ],
    );
    assert.ok(audit.every(({ text }) => !text.includes('job starts is empty')));
  });
});
