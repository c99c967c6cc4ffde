import type { FastifyBaseLogger } from 'fastify';
import type nunjucks from 'nunjucks';
import type { Config } from '../config/config.ts';
import type { TeamTallies } from '../dashboards/team-tallies.ts';
import type { Database } from '../database/database.ts';
import type { Mailer } from '../mail/mailer.ts';

/** What the composition root builds once and every feature's handlers are given. */
export interface Services {
  readonly config: Config;
  readonly database: Database;
  readonly mailer: Mailer;
  readonly templates: nunjucks.Environment;
  readonly logger: FastifyBaseLogger;
  /** The time now; tests move it to check lock-outs and idle expiry. */
  readonly clock: () => Date;
  /** Each team's figures, kept by its data version, that dashboards of wider scopes add up. */
  readonly teamTallies: TeamTallies;
}
