import type { Period } from '../../dashboards/period.ts';
import { barChartSvg, type ChartHeading } from '../charts/bar-chart.ts';
import type { Section, SectionChart } from './dashboard-views.ts';
import { figuresTableHtml } from './figures-table.ts';

/** A file name of what was asked for, its scope and its period: a download says what it is. */
export function downloadName(what: string, period: Period): string {
  return `${what.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${period.from}-to-${period.to}`;
}

/** A chart away from its page (a download) carries its own title, scope and period. */
export function chartHeading(chart: SectionChart, periodLine: string, asAt: string): ChartHeading {
  return { text: chart.title, subtext: `${periodLine}. Figures as at ${asAt}.` };
}

/** A table with this many columns or fewer sits beside its chart on a wide screen. */
const BESIDE_CHART_COLUMNS = 4;

/**
 * The view's sections as the page draws them: each chart's SVG and what its downloads are
 * called, and each table's HTML.
 */
export function pageSections(
  sections: readonly Section[],
  shown: {
    readonly period: Period;
    readonly periodLine: string;
    readonly asAt: string;
    /** Where the nth chart downloads as SVG, when the period is one. */
    readonly svgHref: ((chart: number) => string) | null;
  },
) {
  let charts = 0;
  return sections.map((section, index) => {
    const caption = `${section.caption}, ${shown.period.label}`;
    const { chart } = section;
    return {
      heading: section.heading,
      // The (?) of a chart and its table: the rule of the figures it shows.
      rulesHref: `/help/figures#${section.rule}`,
      chart: chart
        ? {
            description: chart.description,
            svg: barChartSvg(chart.title, chart.categories, chart.series),
            download: {
              name: downloadName(chart.title, shown.period),
              ...chartHeading(chart, shown.periodLine, shown.asAt),
            },
            svgHref: shown.svgHref?.(charts++) ?? null,
          }
        : null,
      besideChart: section.head.length <= BESIDE_CHART_COLUMNS,
      caption,
      tableHtml:
        section.rows.length > 0 ? figuresTableHtml(section, `section-${index + 1}`, caption) : null,
    };
  });
}
