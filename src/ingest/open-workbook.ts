import {
  FileProblem,
  type InflationBudget,
  type ReadLimits,
  type WorkbookSource,
} from '../spreadsheet/cells.ts';
import { openCsvWorkbook } from '../spreadsheet/csv/csv-reader.ts';
import { openXlsxWorkbook } from '../spreadsheet/xlsx/xlsx-reader.ts';

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0];
const TEXT_EXTENSIONS = new Set(['csv', 'txt', '']);

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, i) => bytes[i] === byte);
}

/**
 * Chooses the reader by what the bytes are, not only by the name: an XLSX saved as ".csv" still
 * reads, and an old .xls or encrypted workbook (both OLE files) gets its own message.
 */
export function openWorkbook(
  fileName: string,
  bytes: Uint8Array,
  limits: ReadLimits,
  /** The inflation budget the upload's XLSX files share (CSV is not compressed). */
  uploadBudget?: InflationBudget,
): WorkbookSource {
  if (bytes.length === 0) {
    throw new FileProblem('empty', 'The file is empty.');
  }
  if (startsWith(bytes, ZIP_SIGNATURE) || startsWith(bytes, OLE_SIGNATURE)) {
    return openXlsxWorkbook(bytes, limits, uploadBudget);
  }
  const extension = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (extension === 'xlsx' || extension === 'xlsm') {
    throw new FileProblem(
      'notSpreadsheet',
      'The file is named as an Excel workbook but is not one. Open it in Excel and save it as Excel Workbook (.xlsx).',
    );
  }
  if (!TEXT_EXTENSIONS.has(extension)) {
    throw new FileProblem(
      'notSpreadsheet',
      `A .${extension} file cannot be read. Upload the spreadsheet as an Excel workbook (.xlsx) or a CSV file.`,
    );
  }
  return openCsvWorkbook(bytes, fileName, limits);
}
