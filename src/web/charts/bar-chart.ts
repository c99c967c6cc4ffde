import * as echarts from 'echarts';

/** NHS.UK colours, distinguishable in greyscale print: blue, dark grey, aqua green. */
const SERIES_COLOURS = ['#005eb8', '#425563', '#00a499', '#ffb81c'];

/**
 * Text size in the chart's own units: app.css never draws a chart narrower than 540 px (¾ of
 * WIDTH; it scrolls instead), so its text is never smaller than 12 px on screen.
 */
const FONT_SIZE = 16;
const WIDTH = 720;

export interface BarSeries {
  readonly name: string;
  readonly values: readonly number[];
  /** A line over the bars, for a reference such as a target's expected figure. */
  readonly line?: boolean;
}

/** A title drawn into the chart itself, for a download read away from its page. */
export interface ChartHeading {
  readonly text: string;
  readonly subtext: string;
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
  heading?: ChartHeading,
): string {
  const top = heading ? 64 : 0;
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: WIDTH,
    height: 360 + top,
  });
  try {
    chart.setOption({
      animation: false,
      aria: { enabled: false },
      color: SERIES_COLOURS,
      textStyle: { fontFamily: 'Frutiger W01, Arial, sans-serif', color: '#212b32' },
      ...(heading
        ? {
            title: {
              ...heading,
              left: 0,
              textStyle: { fontSize: 18, fontWeight: 'bold', color: '#212b32' },
              subtextStyle: { fontSize: 14, color: '#4c6272' },
            },
          }
        : {}),
      legend: { top, textStyle: { fontSize: FONT_SIZE } },
      grid: { left: 56, right: 16, top: top + 44, bottom: 72 },
      xAxis: {
        type: 'category',
        data: [...categories],
        axisLabel: { rotate: categories.length > 6 ? 30 : 0, fontSize: FONT_SIZE },
      },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: FONT_SIZE } },
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
