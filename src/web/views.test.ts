import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTemplates } from './views.ts';

describe('the templates', () => {
  const templates = createTemplates();
  const render = (source: string, context: object = {}) => templates.renderString(source, context);

  it('trim drops leading and trailing whitespace, keeping HTML marked safe as it is', () => {
    assert.equal(
      render('[{{ html | safe | trim }}]', { html: ' \n\t<b>x</b>\r\n ' }),
      '[<b>x</b>]',
    );
    assert.equal(render('[{{ text | trim }}]', { text: '  <b>x</b>  ' }), '[&lt;b&gt;x&lt;/b&gt;]');
    assert.equal(render('[{{ text | trim }}]', { text: '\u00a0 a  b \u2028' }), '[a  b]');
  });
});
