import type { AppContext } from '../application/context.ts';
import type { IsoDate } from '../calendar/calendar-date.ts';
import { londonToday } from '../calendar/london-today.ts';
import { allTeams } from '../organisations/organisations.ts';
import { resolvePeriod } from './period.ts';
import { everyViewRequests, financialYearOf } from './scope-figures.ts';

/**
 * Team tallies made in the background, so the first look at a national or regional dashboard
 * after a start, or on a new day (every tally holds the as-at date), adds up what is in memory
 * instead of reading every record in England while someone waits.
 */

/** The periods a dashboard opens on, and the one most asked after it. */
const WARMED_PERIODS = ['this-financial-year', 'last-financial-year'] as const;

/** How often the London date is looked at, to warm again after midnight. */
const DATE_CHECK_MINUTES = 10;

/**
 * Every team's tallies for every view of a region, ICS, service or England, over the warmed
 * periods, for everyone (the default filter). Teams are read 64 at a time, so pages asked
 * meanwhile are answered between reads.
 */
export async function warmFigures(
  { database, teamTallies }: Pick<AppContext, 'database' | 'teamTallies'>,
  today: IsoDate,
): Promise<{ teams: number; teamsRead: number }> {
  const teamIds = (await allTeams(database)).map((team) => team.id);
  const readBefore = teamTallies.teamsRead;
  // Yesterday's tallies answer nothing now (each holds its as-at date): room for today's.
  teamTallies.forgetOtherDays(today);
  const requests = WARMED_PERIODS.flatMap((preset) => {
    const period = resolvePeriod(preset, today);
    if (!period.ok) return [];
    const { from, to } = period.period;
    const query = { from, to, today, employmentStatus: 'all' as const };
    const year = financialYearOf(from);
    // Any level above the specialist asks the same tallies of a team.
    return everyViewRequests({ level: 'service' }, query, year);
  });
  // Both periods in one call: each team's records are read once.
  await teamTallies.tallies(teamIds, requests);
  return { teams: teamIds.length, teamsRead: teamTallies.teamsRead - readBefore };
}

/** Where the warming says what it did: the server's log. */
export interface WarmingLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface FigureWarming {
  /** Warms the figures if London's date has changed since they were last warmed. */
  readonly check: () => Promise<void>;
  readonly stop: () => void;
}

/** Warms the figures now, and again on each new London day, until stopped. */
export function keepFiguresWarm(
  services: Pick<AppContext, 'database' | 'teamTallies' | 'clock'> & {
    readonly logger: WarmingLog;
  },
): FigureWarming {
  let warmedFor: IsoDate | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  async function warm(today: IsoDate) {
    const started = performance.now();
    try {
      const { teams, teamsRead } = await warmFigures(services, today);
      warmedFor = today;
      services.logger.info(
        {
          event: 'figures-warmed',
          today,
          teams,
          teamsRead,
          ms: Math.round(performance.now() - started),
        },
        'dashboard figures warmed',
      );
    } catch (error) {
      // A failed warm-up costs only speed: the dashboards read what they need when asked. One
      // cut short by a shutdown (the database closed under it) is not worth a warning.
      if (stopped) return;
      services.logger.warn(
        { event: 'figures-warm-up-failed', err: error },
        'warming figures failed',
      );
    } finally {
      running = null;
    }
  }
  const check = () => {
    const today = londonToday(services.clock());
    if (running === null && today !== warmedFor) running = warm(today);
    return running ?? Promise.resolve();
  };
  const timer = setInterval(check, DATE_CHECK_MINUTES * 60_000);
  // Never what keeps the process alive.
  timer.unref();
  void check();
  return {
    check,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
