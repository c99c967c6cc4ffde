/**
 * The value lists of the standard spreadsheet (docs/SPREADSHEET.md, "Lists"). A value not in its list is
 * kept as OTHER_NOT_RECOGNISED with a warning.
 */

export const OTHER_NOT_RECOGNISED = 'Other / not recognised';

export const LISTS = {
  G: {
    name: 'Gender',
    values: [
      'Male',
      'Female',
      'Non-binary',
      'Trans male',
      'Trans female',
      'Other',
      'Prefer not to say',
    ],
  },
  E: {
    name: 'Ethnicity',
    values: [
      'Asian or Asian British - Bangladeshi',
      'Asian or Asian British - Chinese',
      'Asian or Asian British - Indian',
      'Asian or Asian British - Pakistani',
      'Asian or Asian British - Any other',
      'Black or Black British - African',
      'Black or Black British - Caribbean',
      'Black or Black British - Any other',
      'Mixed - White and Asian',
      'Mixed - White and Black African',
      'Mixed - White and Black Caribbean',
      'Mixed - Any other mixed background',
      'Other ethnic group - Arab',
      'Any other ethnic group',
      'White - British',
      'White - Irish',
      'White - Gypsy or Irish Traveller',
      'White - Any other White background',
      'Prefer not to say',
    ],
  },
  B: {
    name: 'Work related benefits',
    values: [
      'ESA - Support Group',
      'ESA - Work Related Activity Group',
      'ESA - Other',
      'Incapacity Benefit',
      'Income Support',
      'Incapacity Benefit and Income Support',
      "Jobseeker's Allowance",
      'Universal Credit',
      'Universal Credit - Limited Capability for Work',
      'Universal Credit - Limited Capability for Work and Work Related Activity',
      'None',
      'Prefer not to say',
    ],
  },
  R: {
    name: 'Employment status at referral',
    values: [
      'Unemployed - seeking work',
      'Unemployed - not seeking work (economically inactive)',
      'Employed - off work sick',
      'Employed - at work, job at risk',
      'Employed - seeking a different job',
      'Not known',
    ],
  },
  S: {
    name: 'Substance group',
    values: [
      'Opiates',
      'Opiates and crack cocaine',
      'Non-opiates only',
      'Non-opiates and alcohol',
      'Alcohol only',
      'Not applicable',
    ],
  },
  C: {
    name: 'Caseload status',
    values: [
      'Referred - not yet engaged',
      'Active - pre-employment',
      'Active - in work support',
      'On hold',
      'Discharged',
    ],
  },
  D: {
    name: 'Reason for discharge',
    values: [
      'Employed - support no longer needed',
      'Completed support - not in work',
      'Disengaged',
      'Declined further support',
      'Moved out of area',
      'Transferred to another service',
      'Health deteriorated',
      'Deceased',
      'Other',
    ],
  },
  J: {
    name: 'Job sector',
    values: [
      'Manufacturing',
      'Electricity, gas and water supply',
      'Construction',
      'Wholesale and retail',
      'Hotels and restaurants',
      'Transport and communication',
      'Financial services',
      'Other business services',
      'Public administration',
      'Education',
      'Health and social work',
      'Other community services',
      'Other',
    ],
  },
  K: {
    name: 'Occupation (SOC major group)',
    values: [
      'Managers, directors and senior officials',
      'Professional occupations',
      'Associate professional and technical occupations',
      'Administrative and secretarial occupations',
      'Skilled trades occupations',
      'Caring, leisure and other service occupations',
      'Sales and customer service occupations',
      'Process, plant and machine operatives',
      'Elementary occupations',
    ],
  },
} as const satisfies Record<string, { name: string; values: readonly string[] }>;

export type ListId = keyof typeof LISTS;

/** The employment statuses at referral that make a client "out of work" (the IPS caseload). */
export const OUT_OF_WORK_STATUSES: readonly string[] = LISTS.R.values.slice(0, 2);
/** The statuses that make a client "in work" (job retention and in-work support). */
export const IN_WORK_STATUSES: readonly string[] = LISTS.R.values.slice(2, 5);
export const DISCHARGED_STATUS = 'Discharged';

/** Case-insensitive, and "-", "–" and "—" alike (docs/SPREADSHEET.md); spaces squeezed. */
export function listMatchKey(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .replace(/\s*-\s*/g, ' - ');
}

const lookupByList = new Map<ListId, Map<string, string>>(
  (Object.keys(LISTS) as ListId[]).map((id) => [
    id,
    new Map(LISTS[id].values.map((value) => [listMatchKey(value), value])),
  ]),
);

/** The list's own spelling of `value`, or undefined when it is not in the list. */
export function matchListValue(listId: ListId, value: string): string | undefined {
  return lookupByList.get(listId)?.get(listMatchKey(value));
}
