import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConfig } from './config.ts';

const SECRET = 'x'.repeat(32);
/** As `openssl rand -hex 32` makes one. */
const RANDOM_KEY = 'c1f4b0a9e83d27f65a0b9c1d4e7f2a3b8c6d5e4f1a2b3c4d5e6f708192a3b4c5';
const SECURE_AND_COMPLETE = {
  NODE_ENV: 'production',
  IPS_BASE_URL: 'https://ips.example.nhs.uk/',
  IPS_SESSION_SECRET: SECRET,
  IPS_PSEUDONYMISATION_SECRET: RANDOM_KEY,
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
    assert.deepEqual(result.config.pseudonymisationKey, {
      kind: 'key-file',
      path: 'data/pseudonymisation.key',
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
        'IPS_PSEUDONYMISATION_SECRET must be set for PostgreSQL outside development, the same on every app server (make one with `openssl rand -hex 32`)',
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

  it('keeps the embedded database key in a file in its folder, in secure mode too', () => {
    const { DATABASE_URL: _, IPS_PSEUDONYMISATION_SECRET: _key, ...embedded } = SECURE_AND_COMPLETE;
    const result = readConfig({
      ...embedded,
      IPS_ALLOW_EMBEDDED_DATABASE: '1',
      IPS_DATA_DIR: '/srv/ips',
    });
    assert.ok(result.ok);
    assert.deepEqual(result.config.pseudonymisationKey, {
      kind: 'key-file',
      path: '/srv/ips/pseudonymisation.key',
    });
  });

  it('refuses PostgreSQL without a configured key unless NODE_ENV is development or test', () => {
    const refusal = [
      'IPS_PSEUDONYMISATION_SECRET must be set for PostgreSQL outside development, the same on every app server (make one with `openssl rand -hex 32`)',
    ];
    const postgres = { DATABASE_URL: 'postgres://ips@db.example/ips' };
    for (const environment of [postgres, { ...postgres, NODE_ENV: 'staging' }]) {
      const result = readConfig(environment);
      assert.deepEqual(result.ok ? [] : result.problems, refusal);
    }
    const { IPS_PSEUDONYMISATION_SECRET: _, ...secureWithoutKey } = SECURE_AND_COMPLETE;
    const secure = readConfig(secureWithoutKey);
    assert.deepEqual(secure.ok ? [] : secure.problems, refusal);
    for (const NODE_ENV of ['development', 'test']) {
      const developing = readConfig({ ...postgres, NODE_ENV });
      assert.ok(developing.ok);
      assert.equal(developing.config.pseudonymisationKey.kind, 'key-file');
    }
    const configured = readConfig({ ...postgres, IPS_PSEUDONYMISATION_SECRET: RANDOM_KEY });
    assert.ok(configured.ok);
    assert.deepEqual(configured.config.pseudonymisationKey, {
      kind: 'configured',
      secret: RANDOM_KEY,
    });
  });

  it('refuses a short or patterned pseudonymisation key in secure mode', () => {
    const weakKeys = [
      'x'.repeat(33),
      RANDOM_KEY.slice(0, 63),
      '0123456789abcdef'.repeat(4),
      'ab12'.repeat(16),
      '0000000011111111222222223333333344444444555555556666666677777777',
      'correct horse battery staple, then another horse and its staple',
      'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo',
    ];
    for (const key of weakKeys) {
      const result = readConfig({ ...SECURE_AND_COMPLETE, IPS_PSEUDONYMISATION_SECRET: key });
      assert.deepEqual(
        result.ok ? [] : result.problems,
        [
          'IPS_PSEUDONYMISATION_SECRET must be a random key in secure mode: 64 or more hex digits or 43 or more base64 characters, not a pattern or a phrase (make one with `openssl rand -hex 32`)',
        ],
        key,
      );
    }
    for (const key of [
      RANDOM_KEY,
      'qL9x2V+7sB/0dKfT4mWz8cRj1hYeN6gUaP3oHtXiE5w=',
      RANDOM_KEY.toUpperCase(),
    ]) {
      assert.ok(readConfig({ ...SECURE_AND_COMPLETE, IPS_PSEUDONYMISATION_SECRET: key }).ok, key);
    }
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

  it('tries each email 8 times unless told otherwise', () => {
    const defaults = readConfig({});
    assert.equal(defaults.ok && defaults.config.emailAttempts, 8);
    const fewer = readConfig({ IPS_EMAIL_ATTEMPTS: '3' });
    assert.equal(fewer.ok && fewer.config.emailAttempts, 3);
    const wrong = readConfig({ IPS_EMAIL_ATTEMPTS: 'many' });
    assert.deepEqual(wrong.ok ? [] : wrong.problems, [
      'IPS_EMAIL_ATTEMPTS must be a whole number from 1 to 20',
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
      'IPS_PSEUDONYMISATION_SECRET must be set for PostgreSQL outside development, the same on every app server (make one with `openssl rand -hex 32`)',
      'IPS_SMTP_URL must look like smtp://user:password@host:587 or smtps://…',
      'IPS_SESSION_IDLE_MINUTES must be a whole number from 1 to 1440',
      'IPS_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });

  it('turns metrics and tracing on only when asked, and names what is wrong with them', () => {
    const quiet = readConfig({});
    assert.ok(quiet.ok);
    assert.deepEqual(quiet.config.metrics, { port: null, host: '127.0.0.1', token: null });
    assert.equal(quiet.config.tracing, null);

    const on = readConfig({
      IPS_METRICS_PORT: '9464',
      IPS_METRICS_TOKEN: 'a-scrape-token-of-at-least-32-characters',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318/',
    });
    assert.ok(on.ok);
    assert.equal(on.config.metrics.port, 9464);
    assert.deepEqual(on.config.tracing, {
      endpoint: 'http://otel-collector:4318',
      serviceName: 'ips-reporting',
    });

    const wrong = readConfig({
      PORT: '3000',
      IPS_METRICS_PORT: '3000',
      IPS_METRICS_TOKEN: 'short',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'otel-collector:4318',
    });
    assert.equal(wrong.ok, false);
    if (wrong.ok) return;
    assert.deepEqual(wrong.problems, [
      'IPS_METRICS_PORT must differ from PORT',
      'IPS_METRICS_TOKEN must be at least 32 characters long',
      'OTEL_EXPORTER_OTLP_ENDPOINT must be a collector address such as http://otel-collector:4318',
    ]);
  });

  it('turns a single sign-on provider on by its issuer, deriving the redirect URI', () => {
    const none = readConfig({});
    assert.deepEqual(none.ok ? none.config.singleSignOnProviders : null, []);
    const result = readConfig({
      ...SECURE_AND_COMPLETE,
      IPS_OIDC_ENTRA_ISSUER: 'https://login.microsoftonline.com/tenant/v2.0',
      IPS_OIDC_ENTRA_CLIENT_ID: 'entra-client',
      IPS_OIDC_ENTRA_CLIENT_SECRET: 'entra-secret',
      IPS_OIDC_ENTRA_EMAIL_VERIFIED: '1',
      IPS_OIDC_CIS2_ISSUER:
        'https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare',
      IPS_OIDC_CIS2_CLIENT_ID: 'cis2-client',
      IPS_OIDC_CIS2_CLIENT_SECRET: 'cis2-secret',
    });
    assert.ok(result.ok);
    assert.deepEqual(
      result.config.singleSignOnProviders.map(({ id, name, redirectUri, emailClaimVerified }) => ({
        id,
        name,
        redirectUri,
        emailClaimVerified,
      })),
      [
        {
          id: 'cis2',
          name: 'NHS Care Identity Service 2',
          redirectUri: 'https://ips.example.nhs.uk/sign-in/single-sign-on/cis2/callback',
          emailClaimVerified: false,
        },
        {
          id: 'entra',
          name: 'NHSmail (Microsoft Entra ID)',
          redirectUri: 'https://ips.example.nhs.uk/sign-in/single-sign-on/entra/callback',
          emailClaimVerified: true,
        },
      ],
    );
  });

  it('lists partial single sign-on settings and a plain-http issuer in secure mode', () => {
    const result = readConfig({
      ...SECURE_AND_COMPLETE,
      IPS_OIDC_CIS2_ISSUER: 'http://cis2.example',
      IPS_OIDC_ENTRA_CLIENT_ID: 'orphan',
      IPS_OIDC_ENTRA_EMAIL_VERIFIED: 'yes',
    });
    assert.deepEqual(result.ok ? [] : result.problems, [
      'IPS_OIDC_CIS2_ISSUER must start with https:// in secure mode',
      'IPS_OIDC_CIS2_CLIENT_ID must be set with IPS_OIDC_CIS2_ISSUER',
      'IPS_OIDC_CIS2_CLIENT_SECRET must be set with IPS_OIDC_CIS2_ISSUER',
      'IPS_OIDC_ENTRA_ISSUER must be set when other IPS_OIDC_ENTRA_ settings are',
    ]);
    const development = readConfig({
      IPS_OIDC_CIS2_ISSUER: 'http://127.0.0.1:4000',
      IPS_OIDC_CIS2_CLIENT_ID: 'id',
      IPS_OIDC_CIS2_CLIENT_SECRET: 'secret',
    });
    assert.ok(development.ok, 'plain http is for a local provider outside secure mode');
  });

  it('believes X-Forwarded-For only from the load balancers it names', () => {
    const none = readConfig({});
    assert.equal(none.ok && none.config.trustProxy, false);
    const named = readConfig({ IPS_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,uniquelocal' });
    assert.equal(named.ok && named.config.trustProxy, '10.0.0.0/8,127.0.0.1,uniquelocal');
    // "1" once meant every address, which lets any client write the address it is counted by.
    const everyone = readConfig({ IPS_TRUST_PROXY: '1' });
    assert.deepEqual(everyone.ok ? [] : everyone.problems, [
      'IPS_TRUST_PROXY must name the load balancers: addresses or ranges such as 10.0.0.0/8, or uniquelocal (trusting every address would let a client choose its own)',
    ]);
  });
});
