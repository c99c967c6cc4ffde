import * as echarts from 'echarts';

/** NHS.UK colours, distinguishable in greyscale print: blue, dark grey, aqua green. */
const SERIES_COLOURS = ['#005eb8', '#425563', '#00a499', '#ffb81c'];

export interface BarSeries {
  readonly name: string;
  readonly values: readonly number[];
  /** A line over the bars, for a reference such as a target's expected figure. */
  readonly line?: boolean;
}

/**
 * A grouped bar chart rendered to SVG on the server: readable with JavaScript off, printable and
 * exportable. Every chart sits beside a table of the same numbers, which is its accessible form,
 * so the SVG itself is hidden from screen readers.
 */
export function barChartSvg(
  title: string,
  categories: readonly string[],
  series: readonly BarSeries[],
): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 720, height: 320 });
  try {
    chart.setOption({
      animation: false,
      aria: { enabled: false },
      color: SERIES_COLOURS,
      textStyle: { fontFamily: 'Frutiger W01, Arial, sans-serif', color: '#212b32' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 56 },
      xAxis: {
        type: 'category',
        data: [...categories],
        axisLabel: { rotate: categories.length > 6 ? 30 : 0 },
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: series.map((each) => ({
        type: each.line ? 'line' : 'bar',
        name: each.name,
        data: [...each.values],
      })),
    });
    const svg = chart.renderToSVGString();
    return svg.replace(
      '<svg ',
      `<svg aria-hidden="true" focusable="false" data-chart-title="${escapeAttribute(title)}" `,
    );
  } finally {
    chart.dispose();
  }
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
