import { listMatchKey } from './lists.ts';

/**
 * Referral sources (docs/SPREADSHEET.md, "Referral sources"). Each service keeps its own list, as
 * the tool this replaces let it, and maps each of its sources to one national category: the
 * service's own names are shown at team and service level, the categories everywhere. A value
 * typed in the spreadsheet that is not on the service's list is never stored as typed.
 */

/** The national categories, in the order the pages list them. */
export const NATIONAL_REFERRAL_SOURCE_CATEGORIES = [
  'Community mental health team',
  'Early intervention in psychosis',
  'Other secondary mental health service',
  'NHS Talking Therapies',
  'Primary care or GP',
  'Drug and alcohol service',
  'Self-referral',
  'Family, friend or carer',
  'Jobcentre Plus, DWP or employment service',
  'Voluntary or community organisation',
  'Housing service',
  'Criminal justice service',
  'Other',
] as const;
export type NationalReferralSourceCategory = (typeof NATIONAL_REFERRAL_SOURCE_CATEGORIES)[number];

/** Stored, as the source and as its category, for a value the service's list does not have. */
export const NOT_ON_SERVICE_LIST = "Not on the service's list";

/** The most sources a service may list: the template's cover sheet has a row for each. */
export const MOST_REFERRAL_SOURCES = 50;
/** The longest name of a source: a drop-down entry, not a note. */
export const LONGEST_REFERRAL_SOURCE_NAME = 60;

export interface ServiceReferralSource {
  readonly name: string;
  readonly category: NationalReferralSourceCategory;
}

export function isNationalReferralSourceCategory(
  value: string,
): value is NationalReferralSourceCategory {
  return (NATIONAL_REFERRAL_SOURCE_CATEGORIES as readonly string[]).includes(value);
}

/** A service's list, for matching values as typed: case, spacing and dashes aside, as lists are. */
export class ReferralSourceList {
  readonly #byKey: ReadonlyMap<string, ServiceReferralSource>;
  readonly #byName: ReadonlyMap<string, ServiceReferralSource>;

  constructor(readonly sources: readonly ServiceReferralSource[]) {
    this.#byKey = new Map(sources.map((source) => [listMatchKey(source.name), source]));
    this.#byName = new Map(sources.map((source) => [source.name, source]));
  }

  /** The service's source a value names, or undefined when the list has none. */
  match(typed: string): ServiceReferralSource | undefined {
    return this.#byKey.get(listMatchKey(typed));
  }

  /** The category of one of the list's own names; NOT_ON_SERVICE_LIST for anything else. */
  categoryOf(name: string): NationalReferralSourceCategory | typeof NOT_ON_SERVICE_LIST {
    return this.#byName.get(name)?.category ?? NOT_ON_SERVICE_LIST;
  }
}

export const NO_REFERRAL_SOURCES = new ReferralSourceList([]);

/** Why a list a service manager entered cannot be saved, each against the row it is on. */
export interface ReferralSourceProblem {
  /** 0-based row of the list as entered. */
  readonly row: number;
  readonly field: 'name' | 'category';
  readonly message: string;
}

/**
 * A list as entered (blank rows left out) → the list to keep, or what is wrong with it. Names
 * are trimmed; two names that would match the same value are one too many.
 */
export function checkReferralSources(
  entered: ReadonlyArray<{ readonly name: string; readonly category: string }>,
): { sources: ServiceReferralSource[] } | { problems: ReferralSourceProblem[] } {
  const problems: ReferralSourceProblem[] = [];
  const sources: ServiceReferralSource[] = [];
  const seen = new Set<string>();
  const reserved = new Set([listMatchKey(NOT_ON_SERVICE_LIST), listMatchKey('Not recorded')]);
  entered.forEach(({ name: typed, category }, row) => {
    const name = typed.trim().replace(/\s+/g, ' ');
    if (name === '' && category === '') return;
    const key = listMatchKey(name);
    if (name === '') {
      problems.push({ row, field: 'name', message: 'Enter the name of the referral source' });
    } else if (name.length > LONGEST_REFERRAL_SOURCE_NAME) {
      problems.push({
        row,
        field: 'name',
        message: `The name must be ${LONGEST_REFERRAL_SOURCE_NAME} characters or fewer`,
      });
    } else if (reserved.has(key)) {
      problems.push({
        row,
        field: 'name',
        message: 'That name is kept for values not on the list: choose another',
      });
    } else if (seen.has(key)) {
      problems.push({ row, field: 'name', message: 'This referral source is already listed' });
    }
    seen.add(key);
    if (!isNationalReferralSourceCategory(category)) {
      problems.push({ row, field: 'category', message: 'Choose the national category' });
    } else if (name !== '') {
      sources.push({ name, category });
    }
  });
  return problems.length > 0 ? { problems } : { sources };
}
