import type { Multipart } from '@fastify/multipart';
import type { SpreadsheetFile } from '../../ingest/ingest.ts';
import { DEFAULT_READ_LIMITS } from '../../spreadsheet/cells.ts';

/** Reading an upload's multipart body, for the upload form and the API alike. */

export const MAX_FILES_PER_UPLOAD = 10;

export const MULTIPART_LIMITS = {
  fileSize: DEFAULT_READ_LIMITS.maxFileBytes,
  files: MAX_FILES_PER_UPLOAD,
  fields: 10,
  parts: MAX_FILES_PER_UPLOAD + 10,
};

/** Why the files could not even be read as an upload (too many, too large, none). */
export class UploadRefused extends Error {}

export interface UploadedForm {
  readonly files: SpreadsheetFile[];
  readonly fields: ReadonlyMap<string, string>;
}

/** Reads the multipart files into memory only (nothing touches the disk), and its text fields. */
export async function readUploadedFiles(parts: AsyncIterable<Multipart>): Promise<UploadedForm> {
  const files: SpreadsheetFile[] = [];
  const fields = new Map<string, string>();
  for await (const part of parts) {
    if (part.type === 'field') {
      if (typeof part.value === 'string') fields.set(part.fieldname, part.value);
      continue;
    }
    const bytes = await part.toBuffer();
    if (part.fieldname !== 'file') continue;
    if (part.file.truncated) {
      throw new UploadRefused(
        `${part.filename} is larger than ${DEFAULT_READ_LIMITS.maxFileBytes / 1024 / 1024} MB`,
      );
    }
    if (part.filename === '' && bytes.length === 0) continue;
    files.push({ name: part.filename || 'unnamed file', bytes: new Uint8Array(bytes) });
  }
  if (files.length === 0) throw new UploadRefused('Select a spreadsheet to upload');
  return { files, fields };
}
