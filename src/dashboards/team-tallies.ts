import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type { IsoDate } from '../calendar/calendar-date.ts';
import type { Queryable } from '../database/database.ts';
import { groupByRecordField, groupRecords, type RecordDimension } from '../metrics/breakdowns.ts';
import { type MetricsQuery, type MetricsTally, tallyMetrics } from '../metrics/compute.ts';
import { type DerivedRecord, deriveRecord } from '../metrics/derive.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';

/**
 * Each team's tally of the figures for a query, kept in memory and keyed by the team's data
 * version, so a wider scope (a service, an ICS, a region, England) is the sum of its teams'
 * tallies instead of a pass over every record it holds. Every change to a team's records counts
 * a new version in the same transaction (`takeTeamData`), so an upload makes only that team's
 * tallies stale; the rest of England stays answered from memory.
 */

/** How a team's records are split: not at all, by specialist, or by a field of the record. */
export type TallyGrouping = 'all' | 'specialist' | RecordDimension;

export interface TallyRequest {
  readonly query: MetricsQuery;
  readonly grouping: TallyGrouping;
  /** Only this specialist's records (a team dashboard narrowed to one specialist). */
  readonly specialist?: string;
}

/** A team's tallies for one request: one per group (a single "all" group when not split). */
export type GroupTallies = ReadonlyMap<string, MetricsTally>;

const ALL = 'all';

interface TeamVersion {
  readonly id: number;
  /** The team's data version, raised by every change to its records. */
  readonly version: number;
}

/** A call to `tallies` in progress: what it asks, and the teams it has yet to come to. */
interface Caller {
  readonly requests: readonly TallyRequest[];
  readonly waitingFor: Set<number>;
}

/** A read of a team's records in progress, at its version, for the requests with these keys. */
interface Reading {
  readonly version: number;
  readonly keys: ReadonlySet<string>;
  readonly done: Promise<void>;
}

const groupOf = (grouping: TallyGrouping): ((derived: DerivedRecord) => string) =>
  grouping === 'all'
    ? () => ALL
    : grouping === 'specialist'
      ? (derived) => derived.record.specialist
      : groupByRecordField(grouping);

/** The as-at day a request key was made for (`requestKey` puts it third). */
const keyToday = (key: string) => key.split('|', 3)[2];

function requestKey({ query, grouping, specialist }: TallyRequest): string {
  return [
    query.from,
    query.to,
    query.today,
    query.employmentStatus,
    grouping,
    specialist ?? '',
  ].join('|');
}

export function tallyGroups(
  records: readonly DerivedRecord[],
  request: TallyRequest,
): Map<string, MetricsTally> {
  const chosen = request.specialist
    ? records.filter((derived) => derived.record.specialist === request.specialist)
    : records;
  return new Map(
    [...groupRecords(chosen, groupOf(request.grouping))].map(
      ([key, group]) => [key, tallyMetrics(group, request.query)] as const,
    ),
  );
}

/**
 * Where a dashboard's team tallies come from: the tallies kept in memory (`TeamTallies`), or any
 * other counter of the same tallies (the stored facts' SQL, checked against the engine in its tests).
 */
export interface TallySource {
  tallies(
    teamIds: readonly number[],
    requests: readonly TallyRequest[],
    alongside?: readonly TallyRequest[],
  ): Promise<Array<ReadonlyMap<number, GroupTallies>>>;
  /** State kept for a wide scope between calls (its running sums), made by `create` when absent. */
  scopeState<T>(key: string, create: () => T): T;
}

/** Wide scopes' running sums kept: a national one holds on to its 2 000 teams' tallies (tens of MB). */
const SCOPES_KEPT = 24;

/** Teams read from the database at a time when tallies are missing: bounds the memory used. */
const TEAMS_PER_READ = 64;

export class TeamTallies implements TallySource {
  readonly #database: Queryable;
  /** The most tallies kept, over all teams. */
  readonly #capacity: number;
  /** Each team's tallies at its version, teams in least recently used order. */
  readonly #teams = new Map<number, { version: number; tallies: Map<string, GroupTallies> }>();
  #size = 0;
  #teamsRead = 0;
  /** `scopeState`'s states, by a digest of their key, in least recently used order. */
  readonly #scopes = new Map<string, unknown>();
  readonly #callers = new Set<Caller>();
  /** Teams whose records are being read, so that a second caller waits instead of reading. */
  readonly #reading = new Map<number, Reading>();

  constructor(database: Queryable, capacity: number) {
    this.#database = database;
    this.#capacity = capacity;
  }

  /**
   * The running state kept for one wide scope and query (its sums, see `dashboardFigures`),
   * made by `create` the first time; the most recently used are kept.
   */
  scopeState<T>(key: string, create: () => T): T {
    const digest = createHash('sha256').update(key).digest('base64');
    const kept = this.#scopes.get(digest) ?? create();
    this.#scopes.delete(digest);
    this.#scopes.set(digest, kept);
    for (const oldest of this.#scopes.keys()) {
      if (this.#scopes.size <= SCOPES_KEPT) break;
      this.#scopes.delete(oldest);
    }
    return kept as T;
  }

  /** How many tallies are kept. */
  get size(): number {
    return this.#size;
  }

  /** Forgets every tally taken as at another day than `today`: no page asks for them again. */
  forgetOtherDays(today: IsoDate) {
    for (const kept of this.#teams.values()) {
      for (const key of kept.tallies.keys()) {
        if (keyToday(key) === today) continue;
        kept.tallies.delete(key);
        this.#size--;
      }
    }
  }

  /** How many times a team's records have been read to tally them, since this was made. */
  get teamsRead(): number {
    return this.#teamsRead;
  }

  /** For each request, each team's tallies (a team without records has empty groups). */
  async tallies(
    teamIds: readonly number[],
    requests: readonly TallyRequest[],
    /**
     * Tallied and kept, not answered, for teams whose records are read anyway: reading records is
     * most of the cost, so one read can serve the views asked next.
     */
    alongside: readonly TallyRequest[] = [],
  ): Promise<Array<Map<number, GroupTallies>>> {
    const answers = requests.map(() => new Map<number, GroupTallies>());
    if (teamIds.length === 0) return answers;
    const versions = await this.#database.query<{ id: number; version: number }>(
      'SELECT id, data_version AS version FROM team WHERE id = ANY($1::int[])',
      [`{${teamIds.join(',')}}`],
    );
    const keys = requests.map(requestKey);
    const caller: Caller = {
      requests: [...requests, ...alongside],
      waitingFor: new Set(versions.map(({ id }) => id)),
    };
    this.#callers.add(caller);
    try {
      for (let start = 0; start < versions.length; start += TEAMS_PER_READ) {
        const batch = versions.slice(start, start + TEAMS_PER_READ);
        // Teams another caller (a warm-up, another page) has tallied meanwhile are not read
        // again, and those it is reading now are waited for.
        const toRead: TeamVersion[] = [];
        const waits: Array<Promise<TeamVersion>> = [];
        for (const team of batch) {
          if (this.#answerFromKept(team, keys, answers)) continue;
          const reading = this.#reading.get(team.id);
          if (reading?.version === team.version && keys.every((key) => reading.keys.has(key))) {
            waits.push(reading.done.then(() => team));
          } else toRead.push(team);
        }
        await this.#readAndTally(toRead, caller, keys, answers);
        const waited = await Promise.all(waits);
        // What was waited for can be gone (evicted, or a newer version landed): read it here.
        const missed = waited.filter((team) => !this.#answerFromKept(team, keys, answers));
        await this.#readAndTally(missed, caller, keys, answers);
        for (const { id } of batch) caller.waitingFor.delete(id);
      }
    } finally {
      this.#callers.delete(caller);
    }
    return answers;
  }

  /**
   * Reads a batch of teams' records and tallies them for the caller, and for every other caller
   * still to come to those teams: one read serves a page and a warm-up running at once.
   */
  async #readAndTally(
    batch: readonly TeamVersion[],
    caller: Caller,
    keys: readonly string[],
    answers: Array<Map<number, GroupTallies>>,
  ) {
    if (batch.length === 0) return;
    let finished = () => {};
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const reading = { keys: new Set(caller.requests.map(requestKey)), done };
    for (const team of batch) this.#reading.set(team.id, { ...reading, version: team.version });
    try {
      const records = await this.#teamRecords(batch.map(({ id }) => id));
      this.#teamsRead += batch.length;
      for (const team of batch) {
        this.#tallyTeam(
          team,
          records.get(team.id) ?? [],
          [...caller.requests, ...this.#othersWanting(team.id, caller)],
          keys,
          answers,
        );
        // Let other requests in between teams: an embedded database answers without real I/O,
        // so without this a read of all England would hold the event loop until it ends.
        await setImmediate();
      }
    } finally {
      for (const team of batch) {
        if (this.#reading.get(team.id)?.done === done) this.#reading.delete(team.id);
      }
      finished();
    }
  }

  /** The requests of other callers that have yet to come to this team. */
  #othersWanting(teamId: number, caller: Caller): TallyRequest[] {
    return [...this.#callers].flatMap((other) =>
      other !== caller && other.waitingFor.has(teamId) ? other.requests : [],
    );
  }

  /** Answers what it can from the team's tallies kept at this version: false if any is missing. */
  #answerFromKept(
    team: TeamVersion,
    keys: readonly string[],
    answers: Array<Map<number, GroupTallies>>,
  ): boolean {
    const kept = this.#teams.get(team.id);
    if (kept === undefined) return false;
    this.#teams.delete(team.id);
    if (kept.version < team.version) {
      this.#size -= kept.tallies.size;
      return false;
    }
    this.#teams.set(team.id, kept);
    if (kept.version > team.version) return false;
    let complete = true;
    keys.forEach((key, index) => {
      const groups = kept.tallies.get(key);
      if (groups === undefined) complete = false;
      else answers[index]?.set(team.id, groups);
    });
    return complete;
  }

  /**
   * Tallies one team's records read at `team.version` and keeps them, unless another caller has
   * meanwhile kept the team at a newer version (an upload landed while these were added up): then
   * they answer this request only, and never sit under the newer version.
   */
  #tallyTeam(
    team: TeamVersion,
    derived: readonly DerivedRecord[],
    requests: readonly TallyRequest[],
    keys: readonly string[],
    answers: Array<Map<number, GroupTallies>>,
  ) {
    const current = this.#teams.get(team.id);
    const keep = current === undefined || current.version <= team.version;
    const kept =
      current !== undefined && current.version >= team.version
        ? current
        : { version: team.version, tallies: new Map<string, GroupTallies>() };
    if (current !== undefined && current !== kept) this.#size -= current.tallies.size;
    requests.forEach((request, index) => {
      const key = keys[index] ?? requestKey(request);
      const groups = (keep ? kept.tallies.get(key) : undefined) ?? tallyGroups(derived, request);
      answers[index]?.set(team.id, groups);
      if (keep && !kept.tallies.has(key)) {
        kept.tallies.set(key, groups);
        this.#size++;
      }
    });
    if (!keep) return;
    this.#teams.delete(team.id);
    this.#teams.set(team.id, kept);
    this.#evict();
  }

  /** Forgets the least recently used teams' tallies until within capacity. */
  #evict() {
    for (const [teamId, kept] of this.#teams) {
      if (this.#size <= this.#capacity) break;
      this.#teams.delete(teamId);
      this.#size -= kept.tallies.size;
    }
  }

  async #teamRecords(teamIds: readonly number[]): Promise<Map<number, DerivedRecord[]>> {
    const rows = await this.#database.query<{ teamId: number; record: ReferralRecord }>(
      'SELECT team_id AS "teamId", record FROM referral WHERE team_id = ANY($1::int[])',
      [`{${teamIds.join(',')}}`],
    );
    const byTeam = new Map<number, DerivedRecord[]>();
    for (const { teamId, record } of rows) {
      const derived = deriveRecord(record);
      const team = byTeam.get(teamId);
      if (team) team.push(derived);
      else byTeam.set(teamId, [derived]);
    }
    return byTeam;
  }
}
