import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConfig } from './config.ts';

const SECRET = 'x'.repeat(32);
const SECURE_AND_COMPLETE = {
  NODE_ENV: 'production',
  IPS_BASE_URL: 'https://ips.example.nhs.uk/',
  IPS_SESSION_SECRET: SECRET,
  IPS_PSEUDONYMISATION_SECRET: `${SECRET}y`,
  IPS_SMTP_URL: 'smtp://user:pass@mail.example:587',
  DATABASE_URL: 'postgres://ips@db.example/ips',
};

describe('configuration', () => {
  it('runs on development defaults with nothing set', () => {
    const result = readConfig({});
    assert.ok(result.ok);
    assert.equal(result.config.secure, false);
    assert.equal(result.config.port, 3000);
    assert.equal(result.config.baseUrl, 'http://localhost:3000');
    assert.deepEqual(result.config.database, {
      databaseUrl: null,
      dataDirectory: './data',
      pool: { size: 10, connectTimeoutSeconds: 10, statementTimeoutSeconds: 60 },
    });
    assert.equal(result.config.mail.kind, 'development-outbox');
    assert.equal(result.config.sessionIdleMinutes, 30);
  });

  it('refuses every insecure default in secure mode, listing them all at once', () => {
    for (const environment of [{ NODE_ENV: 'production' }, { IPS_SECURE: '1' }]) {
      const result = readConfig(environment);
      assert.equal(result.ok, false);
      if (result.ok) continue;
      assert.deepEqual(result.problems, [
        'IPS_BASE_URL must start with https:// in secure mode',
        'DATABASE_URL must be set in secure mode: the embedded database is for trying the service (IPS_ALLOW_EMBEDDED_DATABASE=1 runs it anyway)',
        'IPS_SESSION_SECRET must be set in secure mode (at least 32 characters)',
        'IPS_PSEUDONYMISATION_SECRET must be set in secure mode (at least 32 characters)',
        'IPS_SMTP_URL must be set in secure mode: the development outbox writes emails to the console',
      ]);
    }
  });

  it('refuses the embedded database in secure mode unless asked for by name', () => {
    const { DATABASE_URL: _, ...embedded } = SECURE_AND_COMPLETE;
    const refused = readConfig(embedded);
    assert.deepEqual(refused.ok ? [] : refused.problems, [
      'DATABASE_URL must be set in secure mode: the embedded database is for trying the service (IPS_ALLOW_EMBEDDED_DATABASE=1 runs it anyway)',
    ]);
    const allowed = readConfig({ ...embedded, IPS_ALLOW_EMBEDDED_DATABASE: '1' });
    assert.ok(allowed.ok);
    assert.equal(allowed.config.database.databaseUrl, null);
  });

  it('migrates at start-up unless told not to, and lets requests finish for 25 s by default', () => {
    const defaults = readConfig({});
    assert.ok(defaults.ok);
    assert.equal(defaults.config.migrateOnStart, true);
    assert.equal(defaults.config.stopGraceSeconds, 25);
    const deployed = readConfig({ IPS_MIGRATE_ON_START: '0', IPS_STOP_GRACE_SECONDS: '60' });
    assert.ok(deployed.ok);
    assert.equal(deployed.config.migrateOnStart, false);
    assert.equal(deployed.config.stopGraceSeconds, 60);
    const wrong = readConfig({ IPS_STOP_GRACE_SECONDS: '0' });
    assert.deepEqual(wrong.ok ? [] : wrong.problems, [
      'IPS_STOP_GRACE_SECONDS must be a whole number from 1 to 600',
    ]);
  });

  it('sizes the PostgreSQL pool and its timeouts from the settings, refusing nonsense', () => {
    const tuned = readConfig({
      IPS_DATABASE_POOL_SIZE: '40',
      IPS_DATABASE_CONNECT_TIMEOUT_SECONDS: '5',
      IPS_DATABASE_STATEMENT_TIMEOUT_SECONDS: '300',
    });
    assert.ok(tuned.ok);
    assert.deepEqual(tuned.config.database.pool, {
      size: 40,
      connectTimeoutSeconds: 5,
      statementTimeoutSeconds: 300,
    });
    const wrong = readConfig({
      IPS_DATABASE_POOL_SIZE: '0',
      IPS_DATABASE_CONNECT_TIMEOUT_SECONDS: 'soon',
      IPS_DATABASE_STATEMENT_TIMEOUT_SECONDS: '-1',
    });
    assert.deepEqual(wrong.ok ? [] : wrong.problems, [
      'IPS_DATABASE_POOL_SIZE must be a whole number from 1 to 1000',
      'IPS_DATABASE_CONNECT_TIMEOUT_SECONDS must be a whole number from 1 to 300',
      'IPS_DATABASE_STATEMENT_TIMEOUT_SECONDS must be a whole number from 1 to 3600',
    ]);
  });

  it('makes API tokens for 90 days unless told otherwise', () => {
    const defaults = readConfig({});
    assert.equal(defaults.ok && defaults.config.apiTokenDays, 90);
    const shorter = readConfig({ IPS_API_TOKEN_DAYS: '30' });
    assert.equal(shorter.ok && shorter.config.apiTokenDays, 30);
    const wrong = readConfig({ IPS_API_TOKEN_DAYS: '0' });
    assert.deepEqual(wrong.ok ? [] : wrong.problems, [
      'IPS_API_TOKEN_DAYS must be a whole number from 1 to 366',
    ]);
  });

  it('accepts a complete secure configuration', () => {
    const result = readConfig(SECURE_AND_COMPLETE);
    assert.ok(result.ok);
    assert.equal(result.config.secure, true);
    assert.equal(result.config.host, '0.0.0.0');
    assert.equal(result.config.baseUrl, 'https://ips.example.nhs.uk');
    assert.deepEqual(result.config.mail, {
      kind: 'smtp',
      url: 'smtp://user:pass@mail.example:587',
      from: 'IPS Reporting <no-reply@ips-reporting.invalid>',
    });
  });

  it('names each malformed setting', () => {
    const result = readConfig({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      IPS_SESSION_SECRET: 'short',
      IPS_SMTP_URL: 'mail.example',
      IPS_SESSION_IDLE_MINUTES: '0',
      IPS_LOG_LEVEL: 'loud',
      IPS_BASE_URL: 'not a url',
    });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.problems, [
      'PORT must be a whole number from 0 to 65535',
      'IPS_BASE_URL must be a web address such as https://ips.example.nhs.uk',
      'DATABASE_URL must start with postgres:// or postgresql://',
      'IPS_SESSION_SECRET must be at least 32 characters long',
      'IPS_SMTP_URL must look like smtp://user:password@host:587 or smtps://…',
      'IPS_SESSION_IDLE_MINUTES must be a whole number from 1 to 1440',
      'IPS_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });
});
