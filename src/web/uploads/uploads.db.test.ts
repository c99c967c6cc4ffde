import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../../test/support/test-databases.ts';
import {
  createTestAccount,
  multipartBody,
  role,
  seedOrganisations,
  startTestWeb,
  type TestBrowser,
  type TestWeb,
} from '../../../test/support/test-web.ts';
import { createApiToken } from '../../accounts/api-tokens.ts';
import { hashSecretToken } from '../../accounts/secret-tokens.ts';
import type { CellValue } from '../../spreadsheet/cells.ts';
import { writeXlsx } from '../../spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../../synthetic/referral-rows.ts';
import type { UploadCheckView } from '../../uploads/check-upload.ts';
import { openSealedText } from '../../uploads/sealed-check.ts';

const CLIENT_CANARY = 'CLIENTCANARY';
const PII_CANARY = 'PIICANARY';

function spreadsheet(edit: (rows: CellValue[][], headings: readonly string[]) => void = () => {}) {
  const generated = generateReferralRows({
    rows: 120,
    seed: 42,
    today: '2026-05-01',
    specialists: ['AB', 'CD'],
    clientIdPrefix: CLIENT_CANARY,
    piiCanary: PII_CANARY,
    dateOfBirth: '1987-03-14',
  });
  const rows = [...generated.rows].map((row) => [...row]);
  edit(rows, generated.headings);
  return writeXlsx([{ name: 'Referrals', rows: [generated.headings, ...rows] }], {
    boldFirstRow: true,
  });
}

const heading = (body: string) => /<h1[^>]*>([^<]*)</.exec(body)?.[1]?.trim();
const summaryValue = (body: string, key: string) =>
  new RegExp(`${key}\\s*</dt>\\s*<dd class="nhsuk-summary-list__value">\\s*([^<]*?)\\s*</dd>`).exec(
    body,
  )?.[1];

/** A 303's next page, as a browser follows it. */
async function followed(browser: TestBrowser, response: Awaited<ReturnType<TestBrowser['get']>>) {
  assert.equal(response.statusCode, 303, `a redirect, not ${response.statusCode}`);
  return browser.get(response.headers.location as string);
}

const checkIdOf = (address: string) => address.split('/').pop() ?? '';

for (const testDatabase of testDatabases()) {
  describe(`uploading a team's spreadsheet (${testDatabase.driver})`, () => {
    let web: TestWeb;
    let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
    let leader: TestBrowser;
    const count = async (table: string) =>
      (await web.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n;
    /** The kept check at a check page's address, and its row as the database holds it. */
    const keptCheck = async (address: string) => {
      const checkId = checkIdOf(address);
      const [row] = await web.database.query<{ text: string; view: Uint8Array }>(
        'SELECT c::text AS text, check_view AS view FROM upload_check c WHERE id_hash = $1',
        [hashSecretToken(checkId)],
      );
      assert.ok(row, 'the check is kept');
      const view = JSON.parse(await openSealedText(checkId, row.view)) as UploadCheckView;
      return { row: row.text, view };
    };

    before(async () => {
      web = await startTestWeb(testDatabase);
      orgs = await seedOrganisations(web.database);
      await createTestAccount(web.database, 'leader@nhs.net', [
        role('team-leader', { teamId: orgs.teamA1 }),
      ]);
      await createTestAccount(web.database, 'manager@nhs.net', [
        role('service-manager', { serviceId: orgs.serviceA }),
      ]);
      leader = web.browser();
      await leader.signIn('leader@nhs.net');
    });
    after(() => web.close());

    it('is for the team’s leaders only', async () => {
      const manager = web.browser();
      await manager.signIn('manager@nhs.net');
      assert.equal((await manager.get(`/teams/${orgs.teamA1}/upload`)).statusCode, 403);
      assert.equal((await leader.get(`/teams/${orgs.teamB1}/upload`)).statusCode, 403);
      assert.equal((await leader.get(`/teams/${orgs.teamA1}/upload`)).statusCode, 200);
    });

    it('asks which team when the leader has several, and goes straight there with one', async () => {
      const single = await leader.get('/upload');
      assert.equal(single.headers.location, `/teams/${orgs.teamA1}/upload`);
      await createTestAccount(web.database, 'two-teams@nhs.net', [
        role('team-leader', { teamId: orgs.teamA1 }),
        role('team-leader', { teamId: orgs.teamA2 }),
      ]);
      const both = web.browser();
      await both.signIn('two-teams@nhs.net');
      const choose = await both.get('/upload');
      assert.equal(choose.statusCode, 200);
      assert.match(
        choose.body,
        new RegExp(
          `href="/teams/${orgs.teamA1}/upload"[\\s\\S]*href="/teams/${orgs.teamA2}/upload"`,
        ),
      );
      const manager = web.browser();
      await manager.signIn('manager@nhs.net');
      assert.equal((await manager.get('/upload')).statusCode, 403);
    });

    it('limits uploads per account, not per address, and lets the next minute in', async () => {
      web.advanceMinutes(2);
      await leader.get(`/teams/${orgs.teamA1}/upload`);
      const statuses = new Set<number>();
      for (let attempt = 0; attempt < 120; attempt++) {
        statuses.add((await leader.postFiles(`/teams/${orgs.teamA1}/upload`, [])).statusCode);
      }
      assert.deepEqual([...statuses], [400]);
      const limited = await leader.postFiles(`/teams/${orgs.teamA1}/upload`, []);
      assert.equal(limited.statusCode, 429);
      // Someone else at the same address is not held back by it.
      await createTestAccount(web.database, 'colleague@nhs.net', [
        role('team-leader', { teamId: orgs.teamA1 }),
      ]);
      const colleague = web.browser();
      await colleague.signIn('colleague@nhs.net');
      await colleague.get(`/teams/${orgs.teamA1}/upload`);
      assert.equal((await colleague.postFiles(`/teams/${orgs.teamA1}/upload`, [])).statusCode, 400);
      web.advanceMinutes(2);
      assert.equal((await leader.postFiles(`/teams/${orgs.teamA1}/upload`, [])).statusCode, 400);
    });

    it('asks for a file when none is chosen', async () => {
      await leader.get(`/teams/${orgs.teamA1}/upload`);
      const none = await leader.postFiles(`/teams/${orgs.teamA1}/upload`, []);
      assert.equal(none.statusCode, 400);
      assert.match(none.body, /Select a spreadsheet to upload/);
    });

    it('answers a malformed upload body with 400 and what was wrong, saving nothing', async () => {
      const whole = multipartBody([{ name: 'team.xlsx', bytes: spreadsheet() }]);
      const notAForm =
        'The upload could not be read: it was not sent as a form with files (multipart/form-data). Choose the files and upload them again.';
      const malformed = [
        {
          contentType: 'multipart/form-data',
          payload: whole.payload,
          message: notAForm,
        },
        {
          contentType: whole.contentType,
          payload: whole.payload.subarray(0, whole.payload.length / 2),
          message:
            'The upload could not be read: it arrived incomplete or damaged. Choose the files and upload them again.',
        },
        {
          contentType: 'text/plain',
          payload: Buffer.from('a spreadsheet, honest'),
          message: notAForm,
        },
        {
          contentType: 'application/json',
          payload: Buffer.from('{"file":"team.xlsx"}'),
          message: notAForm,
        },
        {
          contentType: 'application/octet-stream',
          payload: Buffer.from(spreadsheet()),
          message:
            'It was not sent in a form this address accepts. Go back and try again from the page.',
        },
      ];
      const [account] = await web.database.query<{ id: number }>(
        "SELECT id FROM account WHERE email = 'leader@nhs.net'",
      );
      const token = await createApiToken(web.database, account?.id ?? 0, 'bad client', new Date());
      const stored = async () =>
        [await count('upload_check'), await count('upload'), await count('referral')].join();
      const before = await stored();
      for (const { contentType, payload, message } of malformed) {
        await leader.get(`/teams/${orgs.teamA1}/upload`);
        const page = await leader.postBody(`/teams/${orgs.teamA1}/upload`, {
          contentType,
          payload,
        });
        assert.equal(page.statusCode, 400, contentType);
        assert.match(page.headers['content-type'] as string, /^text\/html/);
        assert.ok(page.body.includes(message), `${contentType}: ${heading(page.body)}`);
        const api = await web.app.inject({
          method: 'POST',
          url: `/api/v1/teams/${orgs.teamA1}/uploads`,
          headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
          payload,
        });
        assert.equal(api.statusCode, 400, contentType);
        assert.deepEqual(JSON.parse(api.body), { error: message }, contentType);
      }
      assert.equal(await stored(), before);
    });

    it('saves nothing from a file with errors, and lists every problem', async () => {
      await leader.get(`/teams/${orgs.teamA1}/upload`);
      const bad = spreadsheet((rows, headings) => {
        const referralDate = headings.indexOf('Referral date');
        (rows[3] as CellValue[])[referralDate] = 'not a date';
        (rows[7] as CellValue[])[referralDate] = null;
      });
      const sent = await leader.postFiles(`/teams/${orgs.teamA1}/upload`, [
        { name: 'team.xlsx', bytes: bad },
      ]);
      const response = await followed(leader, sent);
      assert.equal(response.statusCode, 422);
      assert.match(response.body, /There is a problem/);
      assert.match(response.body, /2 problems must be fixed/);
      assert.match(response.body, /not a date/, 'the value as typed, to find it by');
      assert.match(response.body, /download="upload-problems.csv"/);
      const download = await leader.get(`${sent.headers.location as string}/problems.csv`);
      assert.equal(download.statusCode, 200);
      assert.match(download.headers['content-type'] as string, /^text\/csv/);
      assert.match(download.body, /not a date/);
      assert.equal(download.body.split(',error,').length - 1, 2, 'both errors, with the warnings');
      assert.equal(await count('referral'), 0);
      assert.equal(await count('upload'), 0);
      const [kept] = await web.database.query<{ stage: string; records: Uint8Array | null }>(
        'SELECT stage, records_to_save AS records FROM upload_check WHERE id_hash = $1',
        [hashSecretToken(checkIdOf(sent.headers.location as string))],
      );
      assert.deepEqual(kept, { stage: 'has-errors', records: null }, 'no records kept to save');
      assert.equal((await leader.post(sent.headers.location as string)).statusCode, 303);
      assert.equal(await count('upload'), 0, 'a check with errors cannot be confirmed');
    });

    it('checks, confirms, shows new / changed / unchanged on re-upload, and rolls back', async () => {
      await leader.get(`/teams/${orgs.teamA1}/upload`);
      const first = await leader.postFiles(`/teams/${orgs.teamA1}/upload`, [
        { name: 'team.xlsx', bytes: spreadsheet() },
      ]);
      const check = await followed(leader, first);
      assert.equal(heading(check.body), 'Check your upload for North team');
      assert.equal(summaryValue(check.body, 'New records'), '120');
      assert.deepEqual(summaryValue(check.body, 'New employment specialists')?.split(', ').sort(), [
        'AB',
        'CD',
      ]);
      assert.equal(await count('referral'), 0, 'nothing saved before Confirm');
      const checkId = checkIdOf(first.headers.location as string);
      const log = web.logLines.join('');
      assert.ok(log.includes('/upload/check/[secret]'), 'the check page is logged…');
      assert.equal(log.includes(checkId), false, '…without the id its check is sealed under');
      const confirmed = await followed(leader, await leader.post(first.headers.location as string));
      assert.match(confirmed.headers.location as string, /\/upload\/done\/\d+$/);
      const again = await followed(leader, await leader.post(first.headers.location as string));
      assert.equal(again.headers.location, confirmed.headers.location, 'a check confirms once');
      assert.equal(await count('upload'), 1);
      const done = await leader.get(confirmed.headers.location as string);
      assert.match(done.body, /120 new, 0 changed, 0 unchanged/);
      assert.equal(await count('referral'), 120);
      assert.equal(await count('specialist'), 2);

      const edited = spreadsheet((rows, headings) => {
        const vpStart = headings.indexOf('Date vocational profile started');
        for (const index of [0, 1, 2])
          (rows[index] as CellValue[])[vpStart] = { kind: 'date', date: '2026-04-30' };
        rows.splice(10, 5);
      });
      const second = await leader.postFiles(`/teams/${orgs.teamA1}/upload`, [
        { name: 'team-may.xlsx', bytes: edited },
      ]);
      const secondCheck = await followed(leader, second);
      assert.equal(summaryValue(secondCheck.body, 'New records'), '0');
      assert.equal(summaryValue(secondCheck.body, 'Changed records'), '3');
      assert.equal(summaryValue(secondCheck.body, 'Unchanged records'), '112');
      assert.match(secondCheck.body, /Date vocational profile started/);
      // Each changed record by its place in the file, with the value before and after.
      assert.match(secondCheck.body, /team-may\.xlsx, row 2</);
      assert.match(
        secondCheck.body,
        /Date vocational profile started: \d{1,2} \w+ \d{4} <span aria-hidden="true">→<\/span><span class="nhsuk-u-visually-hidden">changed to<\/span> 30 April 2026/,
      );
      // Decision first: Confirm comes before the list of changes and the warnings.
      assert.ok(
        secondCheck.body.indexOf('Confirm and save') < secondCheck.body.indexOf('What changed'),
      );
      await leader.post(second.headers.location as string);
      assert.equal(await count('referral'), 120, 'rows missing from a later upload are kept');
      const changedNow = await web.database.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM referral_record WHERE record->>'vpStartDate' = '2026-04-30'",
      );
      assert.equal(changedNow[0]?.n, 3);

      const history = await leader.get(`/teams/${orgs.teamA1}/upload`);
      const firstUploadId = [...history.body.matchAll(/\/uploads\/(\d+)\/roll-back/g)].map(
        (match) => match[1],
      )[0];
      assert.ok(firstUploadId, 'an earlier upload offers roll-back');
      const confirmation = await leader.get(
        `/teams/${orgs.teamA1}/uploads/${firstUploadId}/roll-back`,
      );
      assert.equal(heading(confirmation.body), 'Roll back to this upload?');
      assert.equal(summaryValue(confirmation.body, 'Records now'), '120');
      assert.equal(summaryValue(confirmation.body, 'Records after rolling back'), '120');
      assert.match(confirmation.body, /This upload<\/h2>|This upload will stop counting/);
      assert.match(confirmation.body, /team-may\.xlsx/);
      const rolledBack = await leader.post(
        `/teams/${orgs.teamA1}/uploads/${firstUploadId}/roll-back`,
      );
      assert.equal(rolledBack.statusCode, 302);
      const afterPage = await leader.get(rolledBack.headers.location as string);
      assert.match(afterPage.body, /nhsuk-notification-banner--success/);
      assert.match(afterPage.body, /data is back to how it was after the upload of team\.xlsx/);
      assert.match(afterPage.body, /In force/, 'the restored upload is the one in force');
      assert.equal(
        (await leader.get(`/teams/${orgs.teamA1}/uploads/${firstUploadId}/roll-back`)).statusCode,
        404,
        'nothing after it to roll back now',
      );
      const afterRollBack = await web.database.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM referral_record WHERE record->>'vpStartDate' = '2026-04-30'",
      );
      assert.equal(afterRollBack[0]?.n, 0);
      assert.equal(await count('referral'), 120);
    });

    it('takes uploads through the API: dry run, errors, save, and only for the team’s leaders', async () => {
      const [leaderAccount] = await web.database.query<{ id: number }>(
        "SELECT id FROM account WHERE email = 'leader@nhs.net'",
      );
      const [managerAccount] = await web.database.query<{ id: number }>(
        "SELECT id FROM account WHERE email = 'manager@nhs.net'",
      );
      const leaderToken = await createApiToken(
        web.database,
        leaderAccount?.id ?? 0,
        'case system',
        new Date(),
      );
      const managerToken = await createApiToken(
        web.database,
        managerAccount?.id ?? 0,
        'case system',
        new Date(),
      );
      const send = async (
        token: string | null,
        bytes: Uint8Array,
        fields: Record<string, string> = {},
        teamId = orgs.teamA2,
      ) => {
        const { contentType, payload } = multipartBody([{ name: 'api.xlsx', bytes }], fields);
        const response = await web.app.inject({
          method: 'POST',
          url: `/api/v1/teams/${teamId}/uploads`,
          headers: {
            'content-type': contentType,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          payload,
        });
        return { status: response.statusCode, body: JSON.parse(response.body) };
      };
      await web.database.query(
        'INSERT INTO role_assignment (account_id, role, team_id) VALUES ($1, $2, $3)',
        [leaderAccount?.id ?? 0, 'team-leader', orgs.teamA2],
      );
      const before = (await count('referral')) ?? 0;
      const dryRun = await send(leaderToken, spreadsheet(), { dryRun: 'true' });
      assert.equal(dryRun.status, 200);
      assert.deepEqual(
        [dryRun.body.saved, dryRun.body.counts],
        [false, { new: 120, changed: 0, unchanged: 0 }],
      );
      assert.equal(await count('referral'), before, 'a dry run saves nothing');
      const bad = await send(
        leaderToken,
        spreadsheet((rows, headings) => {
          (rows[0] as CellValue[])[headings.indexOf('Referral date')] = 'soon';
        }),
      );
      assert.equal(bad.status, 422);
      assert.equal(bad.body.errors.length, 1);
      assert.equal(bad.body.errors[0].row, 2);
      assert.equal(await count('referral'), before);
      const saved = await send(leaderToken, spreadsheet());
      assert.equal(saved.status, 201);
      assert.deepEqual(
        [saved.body.saved, saved.body.counts],
        [true, { new: 120, changed: 0, unchanged: 0 }],
      );
      assert.equal(await count('referral'), before + 120);
      assert.equal((await send(managerToken, spreadsheet())).status, 403);
      assert.equal((await send(null, spreadsheet())).status, 401);
      assert.equal((await send(leaderToken, spreadsheet(), {}, orgs.teamB1)).status, 403);
    });

    it('two uploads checked at once, or one checked before a roll-back: one saves, the other is told to check again', async () => {
      const checkFile = async (browser: TestBrowser, edit: Parameters<typeof spreadsheet>[0]) => {
        await browser.get(`/teams/${orgs.teamA1}/upload`);
        const checked = await browser.postFiles(`/teams/${orgs.teamA1}/upload`, [
          { name: 'team.xlsx', bytes: spreadsheet(edit) },
        ]);
        const page = await browser.get(checked.headers.location as string);
        assert.match(page.body, /Confirm and save/);
        return checked.headers.location as string;
      };
      const second = web.browser();
      await second.signIn('leader@nhs.net');
      const snapshot = async () =>
        (
          await web.database.query<{ records: string }>(
            `SELECT string_agg(client_key || referral_date || (record->>'specialist'), ',' ORDER BY client_key, referral_date) AS records
               FROM referral_record WHERE team_id = $1`,
            [orgs.teamA1],
          )
        )[0]?.records;
      const uploads = async () =>
        (await web.database.query('SELECT 1 FROM upload WHERE team_id = $1', [orgs.teamA1])).length;
      // Two different edits checked against the same state, confirmed together.
      const first = await checkFile(leader, (rows) => {
        (rows[0] as CellValue[])[0] = 'CONCURRENT-ONE';
      });
      const other = await checkFile(second, (rows) => {
        (rows[0] as CellValue[])[0] = 'CONCURRENT-TWO';
      });
      const before = await uploads();
      const [a, b] = await Promise.all([
        leader.post(first).then((sent) => followed(leader, sent)),
        second.post(other).then((sent) => followed(second, sent)),
      ]);
      const statuses = [a.statusCode, b.statusCode].sort();
      assert.deepEqual(statuses, [303, 409], 'one saved, one refused');
      const refused = a.statusCode === 409 ? a : b;
      assert.match(refused.body, /The team's data changed while you were checking/);
      assert.equal(await uploads(), before + 1, 'exactly one upload saved');
      const afterOne = await snapshot();
      // A check made before a roll-back is refused after it, and changes nothing.
      const stale = await checkFile(second, (rows) => {
        (rows[0] as CellValue[])[0] = 'AFTER-ROLL-BACK';
      });
      const history = await leader.get(`/teams/${orgs.teamA1}/upload`);
      const earlier = [...history.body.matchAll(/\/uploads\/(\d+)\/roll-back/g)].map(
        (m) => m[1],
      )[0];
      assert.ok(earlier);
      const rolledBack = await leader.post(`/teams/${orgs.teamA1}/uploads/${earlier}/roll-back`);
      assert.equal(rolledBack.statusCode, 302);
      const afterRollBack = await snapshot();
      assert.notEqual(afterRollBack, afterOne);
      const late = await followed(second, await second.post(stale));
      assert.equal(late.statusCode, 409);
      assert.equal(await snapshot(), afterRollBack, 'the refused upload changed nothing');
      // An upload confirmed at the very moment of a roll-back: whichever goes first, the team
      // ends in the rolled-back state, never a mixture.
      const racing = await checkFile(second, (rows) => {
        (rows[0] as CellValue[])[0] = 'RACING-THE-ROLL-BACK';
      });
      await leader.get(`/teams/${orgs.teamA1}/upload`);
      const [confirmed, rolled] = await Promise.all([
        second.post(racing).then((sent) => followed(second, sent)),
        leader.post(`/teams/${orgs.teamA1}/uploads/${earlier}/roll-back`),
      ]);
      assert.equal(rolled.statusCode, 302);
      assert.ok(
        [303, 409].includes(confirmed.statusCode),
        `confirm answered ${confirmed.statusCode}`,
      );
      assert.equal(await snapshot(), afterRollBack);
    });

    it('shows and exports no personal data: pages, error pages, exports, extracts, API', async () => {
      const broken = spreadsheet((rows, headings) => {
        (rows[1] as CellValue[])[headings.indexOf('Referral date')] = 'soon';
      });
      await leader.get(`/teams/${orgs.teamA1}/upload`);
      const check = await leader.postFiles(`/teams/${orgs.teamA1}/upload`, [
        { name: 'broken.xlsx', bytes: broken },
      ]);
      const checkPage = await followed(leader, check);
      assert.match(checkPage.body, /There (is a problem|are problems)/);
      const problemsCsv = /href="([^"]+)" download="upload-problems.csv"/.exec(checkPage.body)?.[1];
      const outputs: Array<[string, string]> = [['check page with errors', checkPage.body]];
      assert.ok(problemsCsv, 'the problems download');
      outputs.push(['problems CSV', (await leader.get(problemsCsv.replace(/&amp;/g, '&'))).body]);
      for (const path of [
        `/teams/${orgs.teamA1}/dashboard`,
        `/teams/${orgs.teamA1}/dashboard?view=demographics&format=csv`,
        `/teams/${orgs.teamA1}/dashboard?view=quality&format=xlsx`,
        `/teams/${orgs.teamA1}/records`,
        `/teams/${orgs.teamA1}/records?format=csv`,
        `/teams/${orgs.teamA1}/records?format=xlsx`,
        `/teams/${orgs.teamA1}/upload`,
        '/no-such-page',
      ]) {
        const response = await leader.get(path);
        outputs.push([path, response.rawPayload.toString('latin1')]);
      }
      assert.ok(outputs.length >= 9);
      for (const [name, text] of outputs) {
        for (const canary of [CLIENT_CANARY, PII_CANARY, '1987-03-14', '14/03/1987']) {
          assert.equal(text.includes(canary), false, `${canary} in ${name}`);
        }
      }
    });

    it('keeps no value as typed with a check waiting for Confirm, nor a whole stray heading', async () => {
      const nhsNumber = '943 476 5919';
      const generated = generateReferralRows({ rows: 20, seed: 7, today: '2026-05-01' });
      const strayHeading = `Notes ${'x'.repeat(60)} ${nhsNumber}`;
      const rows = [...generated.rows].map((row) => [...row, 'anything']);
      (rows[3] as CellValue[])[generated.headings.indexOf('Ethnicity')] = nhsNumber;
      const bytes = writeXlsx([
        { name: 'Referrals', rows: [[...generated.headings, strayHeading], ...rows] },
      ]);
      const leaderA2 = web.browser();
      await createTestAccount(web.database, 'border-team@nhs.net', [
        role('team-leader', { teamId: orgs.teamA2 }),
      ]);
      await leaderA2.signIn('border-team@nhs.net');
      await leaderA2.get(`/teams/${orgs.teamA2}/upload`);
      const checked = await leaderA2.postFiles(`/teams/${orgs.teamA2}/upload`, [
        { name: 'canary.xlsx', bytes },
      ]);
      const page = await followed(leaderA2, checked);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /This value is not in the Ethnicity list/);
      assert.ok(page.body.includes(strayHeading.slice(0, 40)), 'the heading, cut short');
      const kept = await keptCheck(checked.headers.location as string);
      const opened = JSON.stringify(kept.view);
      assert.ok(opened.includes('valueNotInList'), 'the warning is kept');
      assert.equal(kept.row.includes('valueNotInList'), false, 'sealed: unreadable at rest');
      for (const canary of [
        nhsNumber,
        nhsNumber.replaceAll(' ', ''),
        'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      ]) {
        assert.equal(opened.includes(canary), false, `${canary} in the kept check`);
        assert.equal(page.body.includes(canary), false, `${canary} on the check page`);
      }

      const recordsBefore = await count('referral');
      web.advanceMinutes(24 * 60);
      await leaderA2.signIn('border-team@nhs.net');
      await leaderA2.get(`/teams/${orgs.teamA2}/upload`);
      const late = await leaderA2.post(checked.headers.location as string);
      assert.equal(late.statusCode, 404);
      assert.equal(heading(late.body), 'This check has expired');
      assert.match(late.body, /Nothing from this check was saved/);
      assert.equal(await count('referral'), recordsBefore, 'nothing saved');
    });

    it('keeps file names cleaned and cut to 100 characters, with the upload and in the audit log', async () => {
      await leader.signIn('leader@nhs.net');
      const sent = `Mary\u0007 Jones\u001b[31m\u202e\t${'x'.repeat(200_000)}.xlsx`;
      await leader.get(`/teams/${orgs.teamA1}/upload`);
      const checked = await leader.postFiles(`/teams/${orgs.teamA1}/upload`, [
        { name: sent, bytes: spreadsheet() },
      ]);
      const clean = `Mary Jones [31m ${'x'.repeat(84)}`;
      const kept = await keptCheck(checked.headers.location as string);
      assert.deepEqual(kept.view.fileNames, [clean]);
      const saved = await followed(leader, await leader.post(checked.headers.location as string));
      assert.match(saved.headers.location as string, /\/upload\/done\/\d+$/);
      const [upload] = await web.database.query<{ fileNames: string; id: number }>(
        'SELECT id, file_names AS "fileNames" FROM upload ORDER BY id DESC LIMIT 1',
      );
      assert.equal(upload?.fileNames, clean);
      const [audit] = await web.database.query<{ detail: string }>(
        "SELECT detail FROM audit_event WHERE action = 'uploaded data' ORDER BY id DESC LIMIT 1",
      );
      assert.match(
        audit?.detail ?? '',
        new RegExp(`^upload ${upload?.id}: .* \\(${clean.replace('[', '\\[')}\\)$`),
      );
      assert.equal(clean.length, 100);
    });

    it('stores and logs no personal data from the spreadsheet', async () => {
      const tables = await web.database.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
      );
      assert.ok(tables.length > 10);
      for (const { name } of tables) {
        const rows = await web.database.query<{ text: string }>(
          `SELECT t::text AS text FROM ${name} t`,
        );
        for (const { text } of rows) {
          for (const canary of [CLIENT_CANARY, PII_CANARY, '1987-03-14', '14/03/1987']) {
            assert.equal(text.includes(canary), false, `${canary} found in ${name}`);
          }
        }
      }
      const log = web.logLines.join('');
      for (const canary of [CLIENT_CANARY, PII_CANARY])
        assert.equal(log.includes(canary), false, `${canary} in the log`);
    });
  });
}
