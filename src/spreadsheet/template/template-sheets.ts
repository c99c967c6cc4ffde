/** The template's sheet names: the reader expects the cover and lists beside the data. */
export const TEMPLATE_SHEETS = {
  cover: 'About this template',
  data: 'Referrals',
  lists: 'Lists',
} as const;
