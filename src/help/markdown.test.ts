import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderMarkdown } from './markdown.ts';

describe('help page Markdown', () => {
  test('headings, lists and links render', () => {
    const html = renderMarkdown(
      '## Uploading\n\n- one row per referral\n\n[IPS Grow](https://ipsgrow.org.uk)',
    );
    assert.match(html, /<h2>Uploading<\/h2>/);
    assert.match(html, /<li>one row per referral<\/li>/);
    assert.match(html, /<a href="https:\/\/ipsgrow.org.uk">IPS Grow<\/a>/);
  });

  test('raw HTML is shown as text, and script links are refused', () => {
    const html = renderMarkdown(
      '<script>alert(1)</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(1)>',
    );
    assert.doesNotMatch(html, /<script|<img|href="javascript/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });
});
