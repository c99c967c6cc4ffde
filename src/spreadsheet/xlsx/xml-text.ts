/**
 * The little XML this reader needs: attribute lookup on a tag, and text with the five predefined
 * entities, character references and OOXML's `_xHHHH_` escapes decoded. No DTD is ever processed,
 * so entity expansion attacks have nothing to expand (and parts with a DOCTYPE are refused).
 */

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

export function decodeXmlText(raw: string): string {
  let text = raw;
  if (text.includes('&')) {
    text = text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
      if (entity.charCodeAt(0) !== 35) return NAMED_ENTITIES[entity] ?? '';
      const codePoint =
        entity[1] === 'x' ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1));
      return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '';
    });
  }
  if (text.includes('_x')) {
    text = text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
  }
  return text;
}

/** Attributes of every `<prefix:element …>` tag in a small part, in document order. */
export function elementAttributes(xml: string, element: string): Array<Map<string, string>> {
  const found: Array<Map<string, string>> = [];
  const tag = new RegExp(`<(?:[A-Za-z0-9_]+:)?${element}(?=[\\s/>])([^>]*)>`, 'g');
  for (const match of xml.matchAll(tag)) {
    const attributes = new Map<string, string>();
    for (const attribute of (match[1] ?? '').matchAll(/([A-Za-z0-9_:]+)\s*=\s*"([^"]*)"/g)) {
      attributes.set(attribute[1] ?? '', decodeXmlText(attribute[2] ?? ''));
    }
    found.push(attributes);
  }
  return found;
}

/**
 * Text from the `<t>` elements of a rich or plain string item (`xml` between `start` and `end`),
 * skipping phonetic `<rPh>` runs. Every search stays inside the item: searching the rest of a
 * large shared-string table for each item would make reading quadratic.
 */
export function itemText(xml: string, start: number, end: number, prefix: string): string {
  const item = xml.slice(start, end);
  const textOpen = `<${prefix}t`;
  const textClose = `</${prefix}t>`;
  const phoneticOpen = `<${prefix}rPh`;
  const phoneticClose = `</${prefix}rPh>`;
  const hasPhonetic = item.includes(phoneticOpen);
  let text = '';
  let position = 0;
  for (;;) {
    const open = item.indexOf(textOpen, position);
    if (open < 0) break;
    if (hasPhonetic) {
      const phonetic = item.indexOf(phoneticOpen, position);
      if (phonetic >= 0 && phonetic < open) {
        const phoneticEnd = item.indexOf(phoneticClose, phonetic);
        if (phoneticEnd < 0) break;
        position = phoneticEnd + phoneticClose.length;
        continue;
      }
    }
    const next = item.charCodeAt(open + textOpen.length);
    const tagEnd = item.indexOf('>', open);
    // `<t>` or `<t xml:space="preserve">`, not another element whose name starts with t.
    if ((next !== 62 && next !== 32) || tagEnd < 0) {
      position = open + textOpen.length;
      continue;
    }
    if (item.charCodeAt(tagEnd - 1) === 47) {
      position = tagEnd + 1;
      continue;
    }
    const close = item.indexOf(textClose, tagEnd);
    if (close < 0) break;
    text += item.slice(tagEnd + 1, close);
    position = close + textClose.length;
  }
  return decodeXmlText(text);
}
