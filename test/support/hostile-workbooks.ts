import assert from 'node:assert/strict';
import { deflateRawSync, constants as zlib } from 'node:zlib';
import { strToU8, unzipSync, Zip, ZipPassThrough, zipSync } from 'fflate';

/** Workbooks made by hand, part by part, for the reader's and the uploads' hostile-file tests. */

/** A workbook made of hand-written parts, for XML the writer never produces. */
export function handMadeWorkbook(
  sheetXml: string,
  extra: { sharedStrings?: string; styles?: string; workbookPr?: string } = {},
): Uint8Array {
  const parts: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    ),
    '_rels/.rels': strToU8(
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/xl/workbook.xml"/></Relationships>',
    ),
    'xl/workbook.xml': strToU8(
      `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">${extra.workbookPr ?? ''}<sheets><sheet name="Hand &amp; made" sheetId="1" r:id="rId7"/></sheets></workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/../worksheets/data.xml"/></Relationships>',
    ),
    'xl/worksheets/data.xml': strToU8(sheetXml),
  };
  if (extra.sharedStrings) parts['xl/sharedStrings.xml'] = strToU8(extra.sharedStrings);
  if (extra.styles) parts['xl/styles.xml'] = strToU8(extra.styles);
  return zipSync(parts);
}

/**
 * A workbook whose sheet inflates to `megabytes` MB from a thousandth of that: one megabyte of
 * rows deflated and ended with a sync flush is a run of byte-aligned blocks that refer only to
 * themselves, so copies of it laid end to end are one valid deflate stream.
 */
export function bombWorkbook(megabytes: number): Uint8Array {
  const flushed = (text: string) =>
    deflateRawSync(strToU8(text), { finishFlush: zlib.Z_SYNC_FLUSH, level: 9 });
  const rowXml = '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>';
  const head = flushed('<worksheet><sheetData>');
  const megabyteOfRows = flushed(rowXml.repeat(Math.floor((1024 * 1024) / rowXml.length)));
  const FINAL_EMPTY_BLOCK = [0x03, 0x00];
  const sheet = new Uint8Array(head.length + megabyteOfRows.length * megabytes + 2);
  sheet.set(head);
  for (let copy = 0; copy < megabytes; copy++) {
    sheet.set(megabyteOfRows, head.length + copy * megabyteOfRows.length);
  }
  sheet.set(FINAL_EMPTY_BLOCK, sheet.length - 2);
  const chunks: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    assert.ifError(error);
    chunks.push(chunk);
  });
  const parts = unzipSync(handMadeWorkbook('<worksheet/>'));
  parts['xl/worksheets/data.xml'] = sheet;
  for (const [path, bytes] of Object.entries(parts)) {
    const part = new ZipPassThrough(path);
    // Already deflated: stored as it is, marked as deflate.
    if (bytes === sheet) part.compression = 8;
    zip.add(part);
    part.push(bytes, true);
  }
  zip.end();
  return new Uint8Array(Buffer.concat(chunks));
}
