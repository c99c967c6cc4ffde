import type { Multipart } from '@fastify/multipart';
import type { SpreadsheetFile } from '../../ingest/ingest.ts';
import { DEFAULT_READ_LIMITS, megabytes } from '../../spreadsheet/cells.ts';
import { cleanFileName } from '../../validation/shown-text.ts';

/** Reading an upload's multipart body, for the upload form and the API alike. */

export const MAX_FILES_PER_UPLOAD = 10;

/**
 * All an upload's files together, held in memory while they are checked: two files at the
 * per-file limit. 200 000 rows with every column filled come to 60 MB as XLSX
 * (bench/inflation.bench.ts); a team's real upload is a few megabytes.
 */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export const MULTIPART_LIMITS = {
  fileSize: DEFAULT_READ_LIMITS.maxFileBytes,
  files: MAX_FILES_PER_UPLOAD,
  fields: 10,
  parts: MAX_FILES_PER_UPLOAD + 10,
};

/** Why the files could not even be read as an upload (too large, none, a malformed body). */
export class UploadRefused extends Error {}

export interface UploadedForm {
  readonly files: SpreadsheetFile[];
  readonly fields: ReadonlyMap<string, string>;
}

const NOT_A_FORM_WITH_FILES =
  'The upload could not be read: it was not sent as a form with files (multipart/form-data). Choose the files and upload them again.';
const FILE_OUTSIDE_THE_FORM =
  "The upload could not be read: it holds a file that was not sent from the form's file field. Choose the files with the form and upload them again.";
const INCOMPLETE_FORM =
  'The upload could not be read: it arrived incomplete or damaged. Choose the files and upload them again.';

/**
 * Reads the multipart files into memory only (nothing touches the disk), and its text fields. A
 * body that is not multipart, or breaks off, is refused with what was wrong.
 */
export async function readUploadedFiles(parts: AsyncIterable<Multipart>): Promise<UploadedForm> {
  try {
    return await readParts(parts);
  } catch (error) {
    throw refusalOf(error);
  }
}

/**
 * The multipart plugin's own errors carry a code (limits keep theirs: 413); the parser beneath
 * it throws plain errors about the body's shape: no boundary, or data that ends too soon.
 */
function refusalOf(error: unknown): unknown {
  if (error instanceof UploadRefused || !(error instanceof Error)) return error;
  const { code } = error as { code?: string };
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
    return new UploadRefused(NOT_A_FORM_WITH_FILES);
  if (code !== undefined) return error;
  if (/boundary not found|unsupported content.type/i.test(error.message)) {
    return new UploadRefused(NOT_A_FORM_WITH_FILES);
  }
  return new UploadRefused(INCOMPLETE_FORM);
}

async function readParts(parts: AsyncIterable<Multipart>): Promise<UploadedForm> {
  const files: SpreadsheetFile[] = [];
  const fields = new Map<string, string>();
  let uploadBytes = 0;
  for await (const part of parts) {
    if (part.type === 'field') {
      if (typeof part.value === 'string') fields.set(part.fieldname, part.value);
      continue;
    }
    // Refused before a byte of it is read: the rest of the body is never buffered.
    if (part.fieldname !== 'file') throw new UploadRefused(FILE_OUTSIDE_THE_FORM);
    const chunks: Buffer[] = [];
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      uploadBytes += chunk.length;
      if (uploadBytes > MAX_UPLOAD_BYTES) {
        throw new UploadRefused(
          `The files together are larger than the ${megabytes(MAX_UPLOAD_BYTES)} one upload may hold. Upload them in smaller groups: rows missing from a later upload are kept.`,
        );
      }
      chunks.push(chunk);
    }
    if (part.file.truncated) {
      throw new UploadRefused(
        `${cleanFileName(part.filename)} is larger than ${megabytes(DEFAULT_READ_LIMITS.maxFileBytes)}`,
      );
    }
    // A buffer of its own, never a slice of Node's shared pool, so it can be handed to a worker.
    const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    if (part.filename === '' && bytes.length === 0) continue;
    files.push({ name: part.filename, bytes });
  }
  if (files.length === 0) throw new UploadRefused('Select a spreadsheet to upload');
  return { files, fields };
}
