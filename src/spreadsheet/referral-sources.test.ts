import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkReferralSources,
  NOT_ON_SERVICE_LIST,
  ReferralSourceList,
} from './referral-sources.ts';

describe("a service's referral sources", () => {
  it('match a value whatever its case, spacing and dashes', () => {
    const list = new ReferralSourceList([{ name: 'Self-referral', category: 'Self-referral' }]);
    assert.equal(list.match(' SELF – REFERRAL ')?.name, 'Self-referral');
    assert.equal(list.match('Jane Doe'), undefined);
    assert.equal(list.categoryOf('Self-referral'), 'Self-referral');
    assert.equal(list.categoryOf('Jane Doe'), NOT_ON_SERVICE_LIST);
  });

  it('are kept trimmed, blank rows left out', () => {
    assert.deepEqual(
      checkReferralSources([
        { name: '  Leeds   CMHT ', category: 'Community mental health team' },
        { name: '', category: '' },
      ]),
      { sources: [{ name: 'Leeds CMHT', category: 'Community mental health team' }] },
    );
  });

  it('refuse a row without a name or a national category, a repeat, a reserved name', () => {
    const checked = checkReferralSources([
      { name: 'GP', category: 'Primary care or GP' },
      { name: 'gp', category: 'Primary care or GP' },
      { name: '', category: 'Other' },
      { name: 'Police', category: 'Police' },
      { name: "Not on the service's list", category: 'Other' },
      { name: 'x'.repeat(61), category: 'Other' },
    ]);
    assert.ok('problems' in checked);
    assert.deepEqual(
      checked.problems.map(({ row, field }) => `${row} ${field}`),
      ['1 name', '2 name', '3 category', '4 name', '5 name'],
    );
  });
});
