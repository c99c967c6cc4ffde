import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashSecretToken } from '../src/accounts/secret-tokens.ts';
import { writeCsv } from '../src/spreadsheet/csv/csv-writer.ts';
import { COLUMNS } from '../src/spreadsheet/registry.ts';
import { generateReferralRows } from '../src/synthetic/referral-rows.ts';
import { bombWorkbook } from './support/hostile-workbooks.ts';
import { TEST_DATABASES } from './support/test-databases.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  startTestWeb,
  type TestBrowser,
  type TestWeb,
} from './support/test-web.ts';

/**
 * Hostile uploads through the web, as an attacker would send them, while someone else uses the
 * service: each is refused in plain words and changes nothing, and the other person's pages are
 * answered meanwhile, because the files are read in a worker thread with its own limits.
 */
const [pglite] = TEST_DATABASES;
if (pglite === undefined) throw new Error('PGlite test database missing');

/** The longest a check may take here: the slow file below takes several times longer. */
const CHECK_SECONDS = 1;

describe('hostile uploads, while another user is answered', () => {
  let web: TestWeb;
  let attacker: TestBrowser;
  let colleague: TestBrowser;
  let teamId: number;

  before(async () => {
    web = await startTestWeb(pglite, { IPS_UPLOAD_CHECK_SECONDS: String(CHECK_SECONDS) });
    const orgs = await seedOrganisations(web.database);
    teamId = orgs.teamA1;
    await createTestAccount(web.database, 'attacker@nhs.net', [
      role('team-leader', { teamId: orgs.teamA1 }),
    ]);
    await createTestAccount(web.database, 'colleague@nhs.net', [
      role('team-leader', { teamId: orgs.teamA2 }),
    ]);
    attacker = web.browser();
    await attacker.signIn('attacker@nhs.net');
    colleague = web.browser();
    await colleague.signIn('colleague@nhs.net');
  });
  after(() => web.close());

  const stageOf = async (address: string) =>
    (
      await web.database.query<{ stage: string }>(
        'SELECT stage FROM upload_check WHERE id_hash = $1',
        [hashSecretToken(address.split('/').pop() ?? '')],
      )
    )[0]?.stage;

  /**
   * Sends the files and, while their check is in hand, has the colleague open their dashboard:
   * the colleague's page must come back before the check has ended.
   */
  async function uploadWhileColleagueWorks(name: string, bytes: Uint8Array) {
    await attacker.get(`/teams/${teamId}/upload`);
    const stagesSeenByColleague: Array<string | undefined> = [];
    let address: string | undefined;
    const sending = attacker.postFiles(`/teams/${teamId}/upload`, [{ name, bytes }]);
    // The check row appears as soon as the files are read; the colleague works meanwhile.
    for (let attempt = 0; attempt < 200 && address === undefined; attempt++) {
      const [row] = await web.database.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM upload_check WHERE stage IN ('reading', 'checking')",
      );
      if ((row?.n ?? 0) > 0) {
        const dashboard = await colleague.get('/');
        assert.equal(dashboard.statusCode, 200);
        const [working] = await web.database.query<{ stage: string }>(
          'SELECT stage FROM upload_check ORDER BY created_at DESC LIMIT 1',
        );
        stagesSeenByColleague.push(working?.stage);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const sent = await sending;
    address = sent.headers.location as string;
    assert.equal(sent.statusCode, 303);
    const page = await attacker.whenUploadFinished(address);
    return { page, address, stagesSeenByColleague };
  }

  it('refuses a file that takes too long to check, answering the colleague meanwhile', async () => {
    // Many short rows: within every size limit, but far more than a second's work to check.
    const generated = generateReferralRows({ rows: 150_000, seed: 11, today: '2026-05-31' });
    // Only the headings every file must have: a few short cells a row.
    const mandatory = COLUMNS.filter(
      (column) => column.requirement === 'M' || column.requirement === 'H',
    ).map((column) => column.heading);
    const columns = mandatory.map((heading) => generated.headings.indexOf(heading));
    const slow = new TextEncoder().encode(
      writeCsv(
        mandatory,
        [...generated.rows].map((row) => columns.map((column) => row[column] ?? null)),
      ),
    );
    const { page, address, stagesSeenByColleague } = await uploadWhileColleagueWorks(
      'slow.csv',
      slow,
    );
    assert.deepEqual(
      stagesSeenByColleague.filter((stage) => stage === 'reading' || stage === 'checking'),
      stagesSeenByColleague,
      'the colleague was answered while the check was still in hand',
    );
    assert.equal(stagesSeenByColleague.length, 1);
    assert.equal(page.statusCode, 422);
    assert.match(page.body, new RegExp(`took longer than ${CHECK_SECONDS} seconds`));
    assert.equal(await stageOf(address), 'refused');
    assert.equal(
      (await web.database.query('SELECT 1 FROM referral')).length,
      0,
      'nothing was saved',
    );
  });

  it('refuses the file that inflates to 990 MB, with what is wrong, and saves nothing', async () => {
    const bomb = bombWorkbook(990);
    const { page, address } = await uploadWhileColleagueWorks('bomb.xlsx', bomb);
    assert.equal(page.statusCode, 422);
    assert.match(page.body, /more than 100 times/);
    assert.equal(await stageOf(address), 'has-errors');
    assert.equal((await colleague.get('/')).statusCode, 200);
    assert.equal((await web.database.query('SELECT 1 FROM referral')).length, 0);
  });
});
