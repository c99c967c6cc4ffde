/**
 * Text from a spreadsheet's outside (its file name, headings, sheet names) kept or shown after
 * the moment it is read: control and format characters (which can hide or reorder what people
 * see) taken out, and cut short, since a label that long is data pasted in the wrong place.
 */

const INVISIBLE = /[\p{Cc}\p{Cf}]+/gu;

export const FILE_NAME_LENGTH = 100;
export const LABEL_LENGTH = 40;

function cleaned(text: string, length: number): string {
  const visible = text.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
  // By code point, so a character outside the BMP is never cut in half.
  return Array.from(visible).slice(0, length).join('').trimEnd();
}

/** A file name as it is stored with an upload and in the audit log. */
export function cleanFileName(name: string): string {
  return cleaned(name, FILE_NAME_LENGTH) || 'unnamed file';
}

/** A heading the tool does not know, or a sheet's name, as a check shows and keeps it. */
export function shownLabel(text: string): string {
  return cleaned(text, LABEL_LENGTH);
}
