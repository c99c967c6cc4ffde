import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type DrillFilters, drillLinks } from './drill-links.ts';

const YEAR: DrillFilters = {
  preset: 'this-financial-year',
  period: { from: '2025-04-01', to: '2026-03-31' },
  employmentStatus: 'out-of-work',
};
const REFERRALS = { figure: { metric: 'referrals' } } as const;

describe('the links from a dashboard to the records behind its figures', () => {
  test('none where the viewer may open no records', () => {
    assert.equal(drillLinks({ kind: 'none' }, YEAR), undefined);
  });

  test("a team's figures open its records, a specialist's row that specialist's", () => {
    const link = drillLinks({ kind: 'team', href: '/teams/7/records' }, YEAR);
    assert.equal(
      link?.(REFERRALS, {}),
      '/teams/7/records?metric=referrals&employmentStatus=out-of-work&period=this-financial-year',
    );
    assert.match(link?.(REFERRALS, { group: 'AB' }) ?? '', /&specialist=AB$/);
    const narrowed = drillLinks(
      { kind: 'team', href: '/teams/7/records' },
      { ...YEAR, within: { value: 'specialist:CD', specialist: 'CD' } },
    );
    assert.match(narrowed?.(REFERRALS, {}) ?? '', /&specialist=CD$/);
  });

  test("a service's team rows open each team's records, its totals the service's", () => {
    const link = drillLinks(
      { kind: 'service', teamRecords: true, href: '/services/3/records' },
      { ...YEAR, within: { value: 'team:9' } },
    );
    assert.match(link?.(REFERRALS, { group: '9' }) ?? '', /^\/teams\/9\/records\?/);
    assert.match(link?.(REFERRALS, {}) ?? '', /^\/services\/3\/records\?.*&within=team%3A9$/);
    const noTeams = drillLinks({ kind: 'service', teamRecords: false, href: null }, YEAR);
    assert.equal(noTeams?.(REFERRALS, { group: '9' }), null);
    assert.equal(noTeams?.(REFERRALS, {}), null);
  });

  test("a month's count opens that month, targets' counts every client", () => {
    const link = drillLinks(
      { kind: 'team', href: '/teams/7/records' },
      { ...YEAR, preset: 'custom', period: { from: '2025-05-03', to: '2025-08-09' } },
    );
    const month = new URL(
      link?.(REFERRALS, { from: '2025-06-01', to: '2025-06-30', everyClient: true }) ?? '',
      'https://x',
    ).searchParams;
    assert.deepEqual(
      [month.get('period'), month.get('from'), month.get('to'), month.get('employmentStatus')],
      ['custom', '2025-06-01', '2025-06-30', 'all'],
    );
    const custom = new URL(link?.(REFERRALS, {}) ?? '', 'https://x').searchParams;
    assert.deepEqual([custom.get('from'), custom.get('to')], ['2025-05-03', '2025-08-09']);
  });
});
