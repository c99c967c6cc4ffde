import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  districtCodeOf,
  districtName,
  LOCAL_AUTHORITY_DISTRICTS,
} from './local-authority-districts.ts';

describe('the English local authority districts (ONS LAD May 2024)', () => {
  it('are the 296 English districts, each code well formed and once only', () => {
    assert.equal(LOCAL_AUTHORITY_DISTRICTS.length, 296);
    const codes = LOCAL_AUTHORITY_DISTRICTS.map(([code]) => code);
    assert.equal(new Set(codes).size, codes.length, 'codes are unique');
    for (const code of codes) assert.match(code, /^E0[6-9]\d{6}$/);
    const byKind = (prefix: string) => codes.filter((code) => code.startsWith(prefix)).length;
    assert.deepEqual(
      [byKind('E06'), byKind('E07'), byKind('E08'), byKind('E09')],
      [63, 164, 36, 33],
    );
    const names = LOCAL_AUTHORITY_DISTRICTS.map(([, name]) => name);
    assert.equal(new Set(names).size, names.length, 'names are unique');
  });

  it('reads a name whatever its case and spacing, or a code, and gives the code', () => {
    assert.equal(districtCodeOf('Leeds'), 'E08000035');
    assert.equal(districtCodeOf('  leeds '), 'E08000035');
    assert.equal(districtCodeOf('NEWCASTLE   UPON TYNE'), 'E08000021');
    assert.equal(districtCodeOf('e08000035'), 'E08000035');
    assert.equal(districtCodeOf('Stockton on Tees'), 'E06000004');
    assert.equal(districtCodeOf('St Helens'), 'E08000013');
    assert.equal(districtCodeOf('King’s Lynn & West Norfolk'), 'E07000146');
  });

  it('reads "Bristol, City of" as the ONS writes it and as people do', () => {
    for (const typed of ['Bristol, City of', 'Bristol', 'City of Bristol']) {
      assert.equal(districtCodeOf(typed), 'E06000023', typed);
    }
    assert.equal(districtName('E06000023'), 'Bristol, City of');
  });

  it('refuses what is not an English district: a county, Wales, an old district, free text', () => {
    for (const typed of [
      'West Yorkshire',
      'Kent',
      'E10000016',
      'Cardiff',
      'W06000015',
      'Harrogate',
      'E07000165',
      'E08000020',
      'Jane Doe DOB 01/02/1980',
      '',
    ]) {
      assert.equal(districtCodeOf(typed), null, typed);
    }
    assert.equal(districtName('Jane Doe'), null);
  });
});
