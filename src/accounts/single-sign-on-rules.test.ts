import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifiedEmail } from './single-sign-on.ts';
import { emailDomain, readDomain } from './single-sign-on-domains.ts';

describe('single sign-on rules', () => {
  const strict = { emailClaimVerified: false };
  const trusting = { emailClaimVerified: true };

  it('matches by email only when the provider vouches for it', () => {
    assert.equal(verifiedEmail({ email: 'a@nhs.net', email_verified: true }, strict), 'a@nhs.net');
    assert.equal(verifiedEmail({ email: 'a@nhs.net' }, strict), null, 'no claim: not verified');
    assert.equal(verifiedEmail({ email: 'a@nhs.net', email_verified: 'true' }, strict), null);
    assert.equal(verifiedEmail({ email: 'a@nhs.net' }, trusting), 'a@nhs.net');
    assert.equal(
      verifiedEmail({ email: 'a@nhs.net', email_verified: false }, trusting),
      null,
      'an explicit false wins over the setting',
    );
    assert.equal(verifiedEmail({ email_verified: true }, trusting), null);
    assert.equal(verifiedEmail({ email: 'not an address', email_verified: true }, strict), null);
  });

  it('reads an email domain from an address, and one an administrator types', () => {
    assert.equal(emailDomain(' Someone@NHS.net '), 'nhs.net');
    assert.equal(emailDomain('no-at-sign'), null);
    assert.equal(emailDomain('two@at@signs'), null);
    assert.deepEqual(readDomain(' @NHS.Net '), { ok: true, domain: 'nhs.net' });
    assert.deepEqual(readDomain('leeds.nhs.uk'), { ok: true, domain: 'leeds.nhs.uk' });
    assert.deepEqual(readDomain(''), { ok: false, problem: 'Enter an email domain, like nhs.net' });
    for (const wrong of ['nhs', 'name@nhs.net', 'nhs..net', '-nhs.net', 'nhs net']) {
      assert.deepEqual(
        readDomain(wrong),
        { ok: false, problem: 'Enter an email domain in the correct format, like nhs.net' },
        wrong,
      );
    }
  });
});
