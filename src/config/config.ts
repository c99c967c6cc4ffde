import { randomBytes } from 'node:crypto';
import type { DatabaseSettings } from '../database/open-database.ts';
import { DEFAULT_POOL_SETTINGS } from '../database/postgres-database.ts';

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
  /** HMAC key that turns client IDs into pseudonyms; must never change once data is stored. */
  readonly pseudonymisationSecret: string;
  readonly mail: MailSettings;
  readonly sessionIdleMinutes: number;
  readonly logLevel: LogLevel;
  /** Behind a load balancer: take the client address from X-Forwarded-For. */
  readonly trustProxy: boolean;
  /** Counts of 1 to 4 shown as "<5" at ICS, regional and national level (NHS England's rule). */
  readonly suppressSmallNumbers: boolean;
  /**
   * Team tallies kept in memory for dashboards (about 1.3 KB each): every view of one period at
   * one level holds about 32 per team, so 250 000 keeps four periods of all England's 2 000 teams.
   */
  readonly figuresCacheEntries: number;
  /**
   * Make every team's tallies for this and last financial year after a start and on each new
   * day, so the first national dashboard adds up memory instead of reading every record.
   */
  readonly warmFigures: boolean;
  /** Apply the migrations at start-up; off where `npm run migrate` runs before a roll-out. */
  readonly migrateOnStart: boolean;
  /** How long a stopping server lets requests in flight finish before it exits anyway. */
  readonly stopGraceSeconds: number;
  /** How long a new personal API token works. */
  readonly apiTokenDays: number;
}

export type MailSettings =
  | { readonly kind: 'smtp'; readonly url: string; readonly from: string }
  | { readonly kind: 'development-outbox'; readonly from: string };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type ConfigResult =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly problems: readonly string[] };

const MINIMUM_SECRET_LENGTH = 32;
/** How long a new personal API token works unless IPS_API_TOKEN_DAYS says otherwise. */
export const DEFAULT_API_TOKEN_DAYS = 90;
const DEVELOPMENT_PSEUDONYMISATION_SECRET = 'development-only-pseudonymisation-secret';
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
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  } else if (databaseUrl === null && secure && value('IPS_ALLOW_EMBEDDED_DATABASE') !== '1') {
    // One process on a local folder: no second server, no managed backups or failover.
    problems.push(
      'DATABASE_URL must be set in secure mode: the embedded database is for trying the service (IPS_ALLOW_EMBEDDED_DATABASE=1 runs it anyway)',
    );
  }

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
  const pseudonymisationSecret =
    readSecret(
      value('IPS_PSEUDONYMISATION_SECRET'),
      'IPS_PSEUDONYMISATION_SECRET',
      secure,
      problems,
    ) ?? DEVELOPMENT_PSEUDONYMISATION_SECRET;

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
  const trustProxy = value('IPS_TRUST_PROXY') === '1';
  const suppressSmallNumbers = value('IPS_SUPPRESS_SMALL_NUMBERS') !== '0';
  const figuresCacheEntries = readInteger(
    value('IPS_FIGURES_CACHE_ENTRIES'),
    250_000,
    'IPS_FIGURES_CACHE_ENTRIES',
    0,
    10_000_000,
    problems,
  );

  // Warming what cannot be kept would read all England for nothing.
  const warmFigures = value('IPS_WARM_FIGURES') !== '0' && figuresCacheEntries > 0;

  const migrateOnStart = value('IPS_MIGRATE_ON_START') !== '0';
  const stopGraceSeconds = readInteger(
    value('IPS_STOP_GRACE_SECONDS'),
    25,
    'IPS_STOP_GRACE_SECONDS',
    1,
    600,
    problems,
  );

  const apiTokenDays = readInteger(
    value('IPS_API_TOKEN_DAYS'),
    DEFAULT_API_TOKEN_DAYS,
    'IPS_API_TOKEN_DAYS',
    1,
    366,
    problems,
  );

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      secure,
      port,
      host,
      baseUrl,
      database: { databaseUrl, dataDirectory: value('IPS_DATA_DIR') ?? './data', pool },
      cookieSecret,
      pseudonymisationSecret,
      mail,
      sessionIdleMinutes,
      logLevel: logLevel ?? 'info',
      trustProxy,
      suppressSmallNumbers,
      figuresCacheEntries,
      warmFigures,
      migrateOnStart,
      stopGraceSeconds,
      apiTokenDays,
    },
  };
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
