import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { doneNotice, readForm } from './forms.ts';

const form = z.object({
  email: z.string().trim().min(1, 'Enter your email address'),
  password: z.string().min(1, 'Enter your password'),
  role: z.enum(['a', 'b'], { error: 'Select a role' }),
  remember: z.literal('yes').optional(),
});

describe('reading a form', () => {
  it('gives each field its own message, in field order, linked to the field', () => {
    const read = readForm(form, { password: 'secret value' });
    assert.equal(read.ok, false);
    if (read.ok) return;
    assert.deepEqual(read.form.errorList, [
      { text: 'Enter your email address', href: '#email' },
      { text: 'Select a role', href: '#role' },
    ]);
    assert.equal(read.form.values.password, undefined, 'a password is never sent back to the page');
  });

  it('returns the typed value when the form is complete; optional fields stay absent', () => {
    const read = readForm(form, { email: ' a@b.nhs.uk ', password: 'x', role: 'b', _csrf: 't' });
    assert.deepEqual(read, { ok: true, value: { email: 'a@b.nhs.uk', password: 'x', role: 'b' } });
  });

  it('treats a body that is not an object as an empty form', () => {
    const read = readForm(form, 'nonsense');
    assert.equal(read.ok, false);
  });

  it("shows a redirect's notice by name, and none for a name it does not know", () => {
    const notices = { saved: 'Saved.' };
    assert.equal(doneNotice(notices, { done: 'saved' }), 'Saved.');
    for (const query of [{}, { done: 'constructor' }, { done: ['saved', 'saved'] }, undefined]) {
      assert.equal(doneNotice(notices, query), undefined, JSON.stringify(query));
    }
  });
});
