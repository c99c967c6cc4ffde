import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { DatabaseSettings } from '../database/open-database.ts';
import { DEFAULT_POOL_SETTINGS } from '../database/postgres-database.ts';
import type { TracingSettings } from '../observability/tracing.ts';

/**
 * The one typed configuration, read from the environment once at start-up. Every problem is
 * listed together, so a deployment is fixed in one go rather than one error per restart; in secure
 * mode (NODE_ENV=production or IPS_SECURE=1) the development conveniences are refused.
 */
export interface Config {
  readonly secure: boolean;
  readonly port: number;
  readonly host: string;
  /** Where people reach the service: the start of links in emails. */
  readonly baseUrl: string;
  readonly database: DatabaseSettings;
  /** Signs cookies (the CSRF secret); shared by every app server. */
  readonly cookieSecret: string;
  /** Where the HMAC key that turns client IDs into pseudonyms comes from. */
  readonly pseudonymisationKey: PseudonymisationKeySource;
  readonly mail: MailSettings;
  /** Tries at sending one email, spaced 1, 2, 4… minutes apart (at most an hour), before giving up. */
  readonly emailAttempts: number;
  readonly sessionIdleMinutes: number;
  readonly logLevel: LogLevel;
  /**
   * Behind load balancers: the proxies' addresses and ranges whose `X-Forwarded-For` entries are
   * believed; false believes none. Never every address: the left-most entry is whatever the
   * client wrote, and the sign-in waits and rate limits count by address.
   */
  readonly trustProxy: false | string;
  /** Counts of 1 to 4 shown as "<5" at ICS, regional and national level (NHS England's rule). */
  readonly suppressSmallNumbers: boolean;
  /** Apply the migrations at start-up; off where `npm run migrate` runs before a roll-out. */
  readonly migrateOnStart: boolean;
  /** How long a stopping server lets requests in flight finish before it exits anyway. */
  readonly stopGraceSeconds: number;
  /** The OpenID Connect providers people may sign in with, in the order the sign-in page lists them. */
  readonly singleSignOnProviders: readonly SingleSignOnProvider[];
  readonly metrics: MetricsSettings;
  /** OpenTelemetry traces, when a collector is configured. */
  readonly tracing: TracingSettings | null;
  /** How long a new personal API token works. */
  readonly apiTokenDays: number;
  readonly uploadChecks: UploadCheckSettings;
}

/** The worker threads that read and check uploads, and what each check may take. */
export interface UploadCheckSettings {
  readonly threads: number;
  /** Checks waiting for a thread, beyond which an upload is refused as "busy". */
  readonly queue: number;
  /** A check taking longer is stopped and the upload refused. */
  readonly timeLimitSeconds: number;
  /** A check's heap, beyond which its thread is stopped and the upload refused. */
  readonly memoryLimitMb: number;
}

/** Where Prometheus scrapes: a port of their own, or the main port's /metrics with a token. */
export interface MetricsSettings {
  readonly port: number | null;
  readonly host: string;
  readonly token: string | null;
}

export const SINGLE_SIGN_ON_PROVIDER_IDS = ['cis2', 'entra'] as const;
export type SingleSignOnProviderId = (typeof SINGLE_SIGN_ON_PROVIDER_IDS)[number];

export interface SingleSignOnProvider {
  readonly id: SingleSignOnProviderId;
  /** As people know it: the sign-in button reads "Sign in with …". */
  readonly name: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * The provider's email claim is one its own administrators issue and verify, so it may be
   * trusted without an `email_verified` claim (Entra ID sends none). Never trusted when the
   * provider says `email_verified: false`.
   */
  readonly emailClaimVerified: boolean;
  /** Where the provider sends people back: registered with the provider as the redirect URI. */
  readonly redirectUri: string;
}

const SINGLE_SIGN_ON_PROVIDER_NAMES: Readonly<Record<SingleSignOnProviderId, string>> = {
  cis2: 'NHS Care Identity Service 2',
  entra: 'NHSmail (Microsoft Entra ID)',
};

/**
 * The pseudonymisation key must never change once data is stored, and is never a constant: a
 * configured one, or one made at random at first start and kept in a file beside PGlite's data.
 */
export type PseudonymisationKeySource =
  | { readonly kind: 'configured'; readonly secret: string }
  | { readonly kind: 'key-file'; readonly path: string };

export type MailSettings =
  | { readonly kind: 'smtp'; readonly url: string; readonly from: string }
  | { readonly kind: 'development-outbox'; readonly from: string };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type ConfigResult =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly problems: readonly string[] };

const MINIMUM_SECRET_LENGTH = 32;
const PSEUDONYMISATION_KEY_FILE = 'pseudonymisation.key';
/** How long a new personal API token works unless IPS_API_TOKEN_DAYS says otherwise. */
export const DEFAULT_API_TOKEN_DAYS = 90;
/** Eight tries span about two hours: an SMTP relay's restart or a short outage, not a day's. */
export const DEFAULT_EMAIL_ATTEMPTS = 8;
const DEFAULT_MAIL_FROM = 'IPS Reporting <no-reply@ips-reporting.invalid>';

type Environment = Readonly<Record<string, string | undefined>>;

export function readConfig(environment: Environment): ConfigResult {
  const problems: string[] = [];
  const value = (name: string) => {
    const text = environment[name]?.trim();
    return text ? text : undefined;
  };
  const secure = environment.NODE_ENV === 'production' || value('IPS_SECURE') === '1';

  const port = readInteger(value('PORT'), 3000, 'PORT', 0, 65_535, problems);
  const host = value('HOST') ?? (secure ? '0.0.0.0' : '127.0.0.1');
  const baseUrl = (value('IPS_BASE_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!URL.canParse(baseUrl)) {
    problems.push(`IPS_BASE_URL must be a web address such as https://ips.example.nhs.uk`);
  } else if (secure && new URL(baseUrl).protocol !== 'https:') {
    problems.push('IPS_BASE_URL must start with https:// in secure mode');
  }

  const databaseUrl = value('DATABASE_URL') ?? null;
  const embeddedAllowed = value('IPS_ALLOW_EMBEDDED_DATABASE') === '1';
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  } else if (databaseUrl === null && secure && !embeddedAllowed) {
    // One process on a local folder: no second server, no managed backups or failover.
    problems.push(
      'DATABASE_URL must be set in secure mode: the embedded database is for trying the service (IPS_ALLOW_EMBEDDED_DATABASE=1 runs it anyway)',
    );
  }
  const dataDirectory = value('IPS_DATA_DIR') ?? './data';

  const pool = {
    size: readInteger(
      value('IPS_DATABASE_POOL_SIZE'),
      DEFAULT_POOL_SETTINGS.size,
      'IPS_DATABASE_POOL_SIZE',
      1,
      1000,
      problems,
    ),
    connectTimeoutSeconds: readInteger(
      value('IPS_DATABASE_CONNECT_TIMEOUT_SECONDS'),
      DEFAULT_POOL_SETTINGS.connectTimeoutSeconds,
      'IPS_DATABASE_CONNECT_TIMEOUT_SECONDS',
      1,
      300,
      problems,
    ),
    statementTimeoutSeconds: readInteger(
      value('IPS_DATABASE_STATEMENT_TIMEOUT_SECONDS'),
      DEFAULT_POOL_SETTINGS.statementTimeoutSeconds,
      'IPS_DATABASE_STATEMENT_TIMEOUT_SECONDS',
      1,
      3600,
      problems,
    ),
  };

  const cookieSecret =
    readSecret(value('IPS_SESSION_SECRET'), 'IPS_SESSION_SECRET', secure, problems) ??
    // Development only: a fresh secret per start, which signs out nobody (sessions are in the database).
    randomBytes(32).toString('hex');
  const pseudonymisationKey = readPseudonymisationKey(value('IPS_PSEUDONYMISATION_SECRET'), {
    secure,
    // A key file is one machine's: servers sharing PostgreSQL would each make their own and
    // hash the same client differently. Only the embedded database, or development, may use one.
    keyFileAllowed:
      databaseUrl === null
        ? !secure || embeddedAllowed
        : !secure && ['development', 'test'].includes(environment.NODE_ENV ?? ''),
    keyFilePath: join(dataDirectory, PSEUDONYMISATION_KEY_FILE),
    problems,
  });

  const from = value('IPS_MAIL_FROM') ?? DEFAULT_MAIL_FROM;
  const smtpUrl = value('IPS_SMTP_URL');
  let mail: MailSettings = { kind: 'development-outbox', from };
  if (smtpUrl !== undefined) {
    if (/^smtps?:\/\//.test(smtpUrl) && URL.canParse(smtpUrl))
      mail = { kind: 'smtp', url: smtpUrl, from };
    else problems.push('IPS_SMTP_URL must look like smtp://user:password@host:587 or smtps://…');
  } else if (secure) {
    problems.push(
      'IPS_SMTP_URL must be set in secure mode: the development outbox writes emails to the console',
    );
  }

  const emailAttempts = readInteger(
    value('IPS_EMAIL_ATTEMPTS'),
    DEFAULT_EMAIL_ATTEMPTS,
    'IPS_EMAIL_ATTEMPTS',
    1,
    20,
    problems,
  );

  const sessionIdleMinutes = readInteger(
    value('IPS_SESSION_IDLE_MINUTES'),
    30,
    'IPS_SESSION_IDLE_MINUTES',
    1,
    24 * 60,
    problems,
  );
  const logLevelText = value('IPS_LOG_LEVEL') ?? 'info';
  const logLevel = LOG_LEVELS.find((level) => level === logLevelText);
  if (logLevel === undefined) {
    problems.push(`IPS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const trustProxy = readTrustedProxies(value('IPS_TRUST_PROXY'), problems);
  const suppressSmallNumbers = value('IPS_SUPPRESS_SMALL_NUMBERS') !== '0';
  const migrateOnStart = value('IPS_MIGRATE_ON_START') !== '0';
  const stopGraceSeconds = readInteger(
    value('IPS_STOP_GRACE_SECONDS'),
    25,
    'IPS_STOP_GRACE_SECONDS',
    1,
    600,
    problems,
  );

  const metrics = readMetricsSettings(value, port, host, problems);
  const tracing = readTracingSettings(value, problems);
  const singleSignOnProviders = SINGLE_SIGN_ON_PROVIDER_IDS.flatMap((id) => {
    const provider = readSingleSignOnProvider(id, value, secure, baseUrl, problems);
    return provider === null ? [] : [provider];
  });
  const apiTokenDays = readInteger(
    value('IPS_API_TOKEN_DAYS'),
    DEFAULT_API_TOKEN_DAYS,
    'IPS_API_TOKEN_DAYS',
    1,
    366,
    problems,
  );

  const uploadChecks = readUploadCheckSettings(value, problems);

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      secure,
      port,
      host,
      baseUrl,
      database: { databaseUrl, dataDirectory, pool },
      cookieSecret,
      pseudonymisationKey,
      mail,
      emailAttempts,
      sessionIdleMinutes,
      logLevel: logLevel ?? 'info',
      trustProxy,
      suppressSmallNumbers,
      migrateOnStart,
      stopGraceSeconds,
      metrics,
      tracing,
      singleSignOnProviders,
      apiTokenDays,
      uploadChecks,
    },
  };
}

/**
 * One thread by default: on two cores the other answers everyone. A 200 000-row check takes about
 * 10 s and 600 MB, so the limits leave room for the largest real file and stop a hostile one.
 */
function readUploadCheckSettings(
  value: (name: string) => string | undefined,
  problems: string[],
): UploadCheckSettings {
  const setting = (name: string, fallback: number, minimum: number, maximum: number) =>
    readInteger(value(name), fallback, name, minimum, maximum, problems);
  return {
    threads: setting('IPS_UPLOAD_CHECK_THREADS', 1, 1, 64),
    queue: setting('IPS_UPLOAD_CHECK_QUEUE', 20, 0, 10_000),
    timeLimitSeconds: setting('IPS_UPLOAD_CHECK_SECONDS', 120, 1, 600),
    memoryLimitMb: setting('IPS_UPLOAD_CHECK_MEMORY_MB', 1_536, 256, 65_536),
  };
}

function readMetricsSettings(
  value: (name: string) => string | undefined,
  port: number,
  host: string,
  problems: string[],
): MetricsSettings {
  const portText = value('IPS_METRICS_PORT');
  const metricsPort =
    portText === undefined
      ? null
      : readInteger(portText, 0, 'IPS_METRICS_PORT', 1, 65_535, problems);
  if (metricsPort !== null && metricsPort === port) {
    problems.push('IPS_METRICS_PORT must differ from PORT');
  }
  const token = value('IPS_METRICS_TOKEN') ?? null;
  if (token !== null && token.length < MINIMUM_SECRET_LENGTH) {
    problems.push(`IPS_METRICS_TOKEN must be at least ${MINIMUM_SECRET_LENGTH} characters long`);
  }
  return { port: metricsPort, host: value('IPS_METRICS_HOST') ?? host, token };
}

function readTracingSettings(
  value: (name: string) => string | undefined,
  problems: string[],
): TracingSettings | null {
  // The variable OpenTelemetry's own tools use, so a platform's usual settings switch it on.
  const endpoint = value('OTEL_EXPORTER_OTLP_ENDPOINT')?.replace(/\/+$/, '');
  if (endpoint === undefined) return null;
  if (!/^https?:\/\//.test(endpoint) || !URL.canParse(endpoint)) {
    problems.push(
      'OTEL_EXPORTER_OTLP_ENDPOINT must be a collector address such as http://otel-collector:4318',
    );
    return null;
  }
  return { endpoint, serviceName: value('OTEL_SERVICE_NAME') ?? 'ips-reporting' };
}

/** IPS_OIDC_<ID>_ISSUER turns a provider on; its client id and secret must then be set too. */
function readSingleSignOnProvider(
  id: SingleSignOnProviderId,
  value: (name: string) => string | undefined,
  secure: boolean,
  baseUrl: string,
  problems: string[],
): SingleSignOnProvider | null {
  const prefix = `IPS_OIDC_${id.toUpperCase()}`;
  const issuer = value(`${prefix}_ISSUER`);
  const clientId = value(`${prefix}_CLIENT_ID`);
  const clientSecret = value(`${prefix}_CLIENT_SECRET`);
  const trustEmail = value(`${prefix}_EMAIL_VERIFIED`);
  if (issuer === undefined) {
    if (clientId !== undefined || clientSecret !== undefined || trustEmail !== undefined) {
      problems.push(`${prefix}_ISSUER must be set when other ${prefix}_ settings are`);
    }
    return null;
  }
  if (!URL.canParse(issuer) || !/^https?:$/.test(new URL(issuer).protocol)) {
    problems.push(`${prefix}_ISSUER must be a web address such as https://login.example.nhs.uk`);
  } else if (secure && new URL(issuer).protocol !== 'https:') {
    problems.push(`${prefix}_ISSUER must start with https:// in secure mode`);
  }
  if (clientId === undefined)
    problems.push(`${prefix}_CLIENT_ID must be set with ${prefix}_ISSUER`);
  if (clientSecret === undefined) {
    problems.push(`${prefix}_CLIENT_SECRET must be set with ${prefix}_ISSUER`);
  }
  if (trustEmail !== undefined && trustEmail !== '0' && trustEmail !== '1') {
    problems.push(`${prefix}_EMAIL_VERIFIED must be 1 or 0`);
  }
  return {
    id,
    name: SINGLE_SIGN_ON_PROVIDER_NAMES[id],
    issuer,
    clientId: clientId ?? '',
    clientSecret: clientSecret ?? '',
    emailClaimVerified: trustEmail === '1',
    redirectUri: `${baseUrl}/sign-in/single-sign-on/${id}/callback`,
  };
}

/**
 * IPS_TRUST_PROXY: the load balancers' addresses or CIDR ranges, comma-separated, or the names
 * `loopback`, `linklocal` and `uniquelocal` (private ranges) that proxy-addr knows.
 */
function readTrustedProxies(text: string | undefined, problems: string[]): false | string {
  if (text === undefined || text === '0') return false;
  const entries = text.split(',').map((entry) => entry.trim());
  const trusted = (entry: string) => {
    const [address = '', prefix, ...rest] = entry.split('/');
    const version = isIP(address);
    const prefixFits =
      prefix === undefined ||
      (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
    return (
      (version !== 0 && prefixFits && rest.length === 0) ||
      ['loopback', 'linklocal', 'uniquelocal'].includes(entry)
    );
  };
  if (entries.every(trusted)) return entries.join(',');
  problems.push(
    'IPS_TRUST_PROXY must name the load balancers: addresses or ranges such as 10.0.0.0/8, or uniquelocal (trusting every address would let a client choose its own)',
  );
  return false;
}

function readInteger(
  text: string | undefined,
  fallback: number,
  name: string,
  minimum: number,
  maximum: number,
  problems: string[],
): number {
  if (text === undefined) return fallback;
  const number = Number(text);
  if (!Number.isInteger(number) || number < minimum || number > maximum) {
    problems.push(`${name} must be a whole number from ${minimum} to ${maximum}`);
    return fallback;
  }
  return number;
}

function readSecret(
  text: string | undefined,
  name: string,
  secure: boolean,
  problems: string[],
): string | undefined {
  if (text === undefined) {
    if (secure)
      problems.push(
        `${name} must be set in secure mode (at least ${MINIMUM_SECRET_LENGTH} characters)`,
      );
    return undefined;
  }
  if (text.length < MINIMUM_SECRET_LENGTH) {
    problems.push(`${name} must be at least ${MINIMUM_SECRET_LENGTH} characters long`);
  }
  return text;
}

const MAKE_A_KEY = 'make one with `openssl rand -hex 32`';

function readPseudonymisationKey(
  text: string | undefined,
  rules: {
    secure: boolean;
    keyFileAllowed: boolean;
    keyFilePath: string;
    problems: string[];
  },
): PseudonymisationKeySource {
  const { problems } = rules;
  if (text === undefined) {
    if (!rules.keyFileAllowed) {
      problems.push(
        `IPS_PSEUDONYMISATION_SECRET must be set for PostgreSQL outside development, the same on every app server (${MAKE_A_KEY})`,
      );
    }
    return { kind: 'key-file', path: rules.keyFilePath };
  }
  if (rules.secure && !isRandomLookingKey(text)) {
    problems.push(
      `IPS_PSEUDONYMISATION_SECRET must be a random key in secure mode: 64 or more hex digits or 43 or more base64 characters, not a pattern or a phrase (${MAKE_A_KEY})`,
    );
  } else if (text.length < MINIMUM_SECRET_LENGTH) {
    problems.push(
      `IPS_PSEUDONYMISATION_SECRET must be at least ${MINIMUM_SECRET_LENGTH} characters long (${MAKE_A_KEY})`,
    );
  }
  return { kind: 'configured', secret: text };
}

/**
 * At least 32 random bytes, written as hex (64+ digits, 10+ different ones) or base64 (43+
 * characters, 16+ different ones), and not one piece repeated. A random key fails less than once
 * in 10^12; words, patterns and short keys, which make the client IDs easy to try, fail.
 */
export function isRandomLookingKey(text: string): boolean {
  const key = text.replace(/=+$/, '');
  const hex = /^[0-9a-f]+$/i.test(key);
  if (!hex && !/^[A-Za-z0-9+/_-]+$/.test(key)) return false;
  if (key.length < (hex ? 64 : 43)) return false;
  if (new Set(hex ? key.toLowerCase() : key).size < (hex ? 10 : 16)) return false;
  return !isRepeatedPiece(key);
}

/** "abcabcabc…": the whole made of a shorter piece over and over. */
function isRepeatedPiece(text: string): boolean {
  for (let period = 1; period <= text.length / 2; period++) {
    if (text.slice(period) === text.slice(0, -period)) return true;
  }
  return false;
}
