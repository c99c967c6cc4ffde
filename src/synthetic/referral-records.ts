import { ingestFiles } from '../ingest/ingest.ts';
import { clientKeyHasher } from '../referrals/pseudonymise.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import { writeCsv } from '../spreadsheet/csv/csv-writer.ts';
import { ReferralSourceList } from '../spreadsheet/referral-sources.ts';
import {
  generateReferralRows,
  type ReferralRowOptions,
  SYNTHETIC_REFERRAL_SOURCES,
} from './referral-rows.ts';

const encoder = new TextEncoder();
const SYNTHETIC_SECRET = 'synthetic-records-pseudonymisation-secret';

/**
 * Stored records as an upload of a generated spreadsheet leaves them: the rows go through the
 * real pipeline (CSV, validation, pseudonymisation), so national test data has exactly the shape
 * and quirks of uploaded data.
 */
export function generateReferralRecords(options: ReferralRowOptions): ReferralRecord[] {
  const sheet = generateReferralRows(options);
  const result = ingestFiles(
    [{ name: 'generated.csv', bytes: encoder.encode(writeCsv(sheet.headings, sheet.rows)) }],
    {
      clientKeyOf: clientKeyHasher(SYNTHETIC_SECRET),
      today: options.today,
      referralSources: new ReferralSourceList(SYNTHETIC_REFERRAL_SOURCES),
    },
  );
  if (result.hasErrors) throw new Error('A generated spreadsheet failed validation.');
  return result.records.map(({ record }) => record);
}
