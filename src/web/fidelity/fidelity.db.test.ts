import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../../test/support/test-databases.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  startTestWeb,
  type TestBrowser,
  type TestWeb,
} from '../../../test/support/test-web.ts';

/** A review form with every item scored `score`, except those given. */
function reviewForm(score: number, overrides: Record<string, string> = {}): Record<string, string> {
  const items = Object.fromEntries(
    Array.from({ length: 25 }, (_, index) => [`item${index + 1}`, String(score)]),
  );
  return {
    reviewDate: '2026-03-15',
    reviewType: 'independent',
    reviewerOrganisation: 'IPS Grow',
    actionPlan: 'Recruit a second employment specialist.\nMeet the CMHT weekly.',
    ...items,
    ...overrides,
  };
}

for (const testDatabase of testDatabases()) {
  describe(`fidelity reviews (${testDatabase.driver})`, () => {
    let web: TestWeb;
    let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
    let manager: TestBrowser;
    let commissioner: TestBrowser;
    let regionalLead: TestBrowser;

    before(async () => {
      web = await startTestWeb(testDatabase);
      orgs = await seedOrganisations(web.database);
      await createTestAccount(web.database, 'manager@nhs.net', [
        role('service-manager', { serviceId: orgs.serviceA }),
      ]);
      await createTestAccount(web.database, 'commissioner@nhs.net', [
        role('commissioner', { serviceId: orgs.serviceA }),
      ]);
      await createTestAccount(web.database, 'region@nhs.net', [
        role('regional-lead', { regionId: orgs.regionA }),
      ]);
      manager = web.browser();
      await manager.signIn('manager@nhs.net');
      commissioner = web.browser();
      await commissioner.signIn('commissioner@nhs.net');
      regionalLead = web.browser();
      await regionalLead.signIn('region@nhs.net');
    });
    after(() => web.close());

    it('with no review recorded, an independent review is due now', async () => {
      const page = await manager.get(`/services/${orgs.serviceA}/fidelity`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Review overdue/);
      assert.match(page.body, /No review recorded: an independent review is due now/);
    });

    it('a service manager records a review: total out of 125, band, audit entry', async () => {
      await manager.get(`/services/${orgs.serviceA}/fidelity/new`);
      // 20 items at 4 and 5 at 5: 105, good fidelity.
      const form = reviewForm(4, { item1: '5', item2: '5', item3: '5', item4: '5', item5: '5' });
      const saved = await manager.post(`/services/${orgs.serviceA}/fidelity/new`, form);
      assert.equal(saved.statusCode, 302);
      const page = await manager.get(saved.headers.location as string);
      assert.match(page.body, /Fidelity review recorded/);
      assert.match(page.body, /data-metric="fidelityTotal">105 of 125</);
      assert.match(page.body, /data-metric="fidelityBand">Good fidelity</);
      // Independent on 15 March 2026, today 1 June 2026: a self-assessment by 15 March 2027.
      assert.match(page.body, /A review \(self-assessment\) is due by 15 March 2027/);
      assert.match(
        page.body,
        /<svg[^>]*data-chart-title="Northshire IPS: fidelity score by review"/,
      );
      const [audit] = await web.database.query<{ detail: string }>(
        "SELECT detail FROM audit_event WHERE action = 'fidelity review recorded'",
      );
      assert.equal(audit?.detail, 'independent review of 2026-03-15: 105 of 125');
      const reviewHref = /href="(\/services\/\d+\/fidelity\/\d+)"/.exec(page.body)?.[1];
      const review = await commissioner.get(reviewHref ?? '');
      assert.equal(review.statusCode, 200);
      assert.match(review.body, /1\. Caseload size/);
      assert.match(review.body, /Recruit a second employment specialist\.\nMeet the CMHT weekly\./);
    });

    it('refuses an incomplete review, naming each missing item, and saves nothing', async () => {
      await manager.get(`/services/${orgs.serviceA}/fidelity/new`);
      const { item7: _item7, ...missingItem7 } = reviewForm(3);
      const refused = await manager.post(`/services/${orgs.serviceA}/fidelity/new`, {
        ...missingItem7,
        'reviewDate-day': '30',
        'reviewDate-month': '2',
        'reviewDate-year': '2026',
        item8: '6',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /The date of the review must be a real date/);
      assert.match(refused.body, /Select a score for item 7, Vocational unit/);
      assert.match(refused.body, /Select a score for item 8, Role of employment supervisor/);
      const [count] = await web.database.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM fidelity_review',
      );
      assert.equal(count?.n, 1);
    });

    it('refuses a review dated after today, with any other error, and saves nothing', async () => {
      await manager.get(`/services/${orgs.serviceA}/fidelity/new`);
      const { item3: _item3, ...missingItem3 } = reviewForm(4, { reviewDate: '2026-06-02' });
      const refused = await manager.post(`/services/${orgs.serviceA}/fidelity/new`, missingItem3);
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /The date of the review must be today \(1 June 2026\) or earlier/);
      assert.match(refused.body, /href="#reviewDate-day"/);
      assert.match(refused.body, /name="reviewDate-day" type="text" value="2"/, 'the date is kept');
      assert.match(refused.body, /Select a score for item 3/, 'with the other errors, at once');
      const [count] = await web.database.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM fidelity_review',
      );
      assert.equal(count?.n, 1);
    });

    it('commissioners read the history but do not record; other services are refused', async () => {
      assert.equal((await commissioner.get(`/services/${orgs.serviceA}/fidelity`)).statusCode, 200);
      assert.equal(
        (await commissioner.get(`/services/${orgs.serviceA}/fidelity/new`)).statusCode,
        403,
      );
      assert.equal((await manager.get(`/services/${orgs.serviceB}/fidelity`)).statusCode, 403);
      assert.equal((await manager.get(`/services/${orgs.serviceB}/fidelity/new`)).statusCode, 403);
    });

    it('the regional fidelity dashboard shows each service’s latest band and reviews overdue', async () => {
      const page = await regionalLead.get(`/areas/regions/${orgs.regionA}/fidelity`);
      assert.equal(page.statusCode, 200);
      assert.match(
        page.body,
        /Northshire IPS<\/a><\/th>\s*<td[^>]*>15 March 2026 \(independent review\)/,
      );
      assert.match(page.body, /Good fidelity/);
      // Southshire works only in the other region: not listed here.
      assert.doesNotMatch(page.body, /Southshire IPS/);
      assert.match(page.body, /<strong data-metric="reviewsOverdue">0<\/strong> of 1 services/);
      assert.match(
        page.body,
        /Good fidelity<\/th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">1</,
      );
      assert.equal(
        (await regionalLead.get(`/areas/regions/${orgs.regionB}/fidelity`)).statusCode,
        403,
      );
      assert.equal((await manager.get(`/areas/regions/${orgs.regionA}/fidelity`)).statusCode, 403);
    });
  });
}
