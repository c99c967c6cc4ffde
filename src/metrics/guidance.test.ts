import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { METRIC_BY_ID } from './definitions.ts';
import {
  againstCaseloadRange,
  GUIDANCE_NOTES,
  QUALITY_GUIDANCE,
  withinGuidance,
} from './guidance.ts';

describe('the quality indicators’ guidance', () => {
  test('holds METRICS.md’s values', () => {
    assert.equal(QUALITY_GUIDANCE.daysToFirstContact.withinDays, 5);
    assert.equal(QUALITY_GUIDANCE.daysToEmployerContact.withinDays, 30);
    assert.deepEqual(QUALITY_GUIDANCE.caseloadPerSpecialist, { low: 20, high: 25 });
    assert.equal(QUALITY_GUIDANCE.employedShareOfCaseload.atLeast, 0.3);
    assert.equal(QUALITY_GUIDANCE.retentionShare.atMost, 0.15);
    assert.equal(QUALITY_GUIDANCE.employmentRate.benchmark, 0.4);
  });

  test('is what the rules of the figures say', () => {
    assert.match(METRIC_BY_ID.get('daysToFirstContact')?.rule ?? '', /within 5 days \(day 5/);
    assert.match(METRIC_BY_ID.get('daysToEmployerContact')?.rule ?? '', /within 30 days \(day 30/);
    assert.match(METRIC_BY_ID.get('caseloadPerSpecialist')?.rule ?? '', /range is 20 to 25\./);
    for (const id of ['employedShareOfCaseload', 'retentionShare', 'employmentRate'] as const) {
      assert.ok(METRIC_BY_ID.get(id)?.rule.includes(`(${GUIDANCE_NOTES[id]})`), id);
    }
    assert.deepEqual(GUIDANCE_NOTES, {
      caseloadPerSpecialist: 'fidelity range 20 to 25',
      employedShareOfCaseload: 'fidelity: at least 30%',
      retentionShare: 'guidance: at most 15%',
      employmentRate: 'IPS Grow benchmark 40%',
    });
  });

  test('a caseload of 20 or 25 is within the fidelity range, 19 below and 26 above', () => {
    assert.deepEqual([19, 20, 25, 26].map(againstCaseloadRange), [
      'Below',
      'Within',
      'Within',
      'Above',
    ]);
  });

  test('each indicator is within its guidance up to the threshold, and outside beyond it', () => {
    assert.deepEqual(
      [5, 6].map((days) => withinGuidance('daysToFirstContact', days)),
      [true, false],
    );
    assert.deepEqual(
      [30, 31].map((days) => withinGuidance('daysToEmployerContact', days)),
      [true, false],
    );
    assert.deepEqual(
      [19.9, 20, 25, 48].map((caseload) => withinGuidance('caseloadPerSpecialist', caseload)),
      [false, true, true, false],
    );
    assert.deepEqual(
      [0.29, 0.3].map((share) => withinGuidance('employedShareOfCaseload', share)),
      [false, true],
    );
    assert.deepEqual(
      [0.15, 0.16].map((share) => withinGuidance('retentionShare', share)),
      [true, false],
    );
    assert.deepEqual(
      [0.39, 0.4].map((rate) => withinGuidance('employmentRate', rate)),
      [false, true],
    );
  });
});
