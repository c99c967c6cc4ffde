import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { TEST_PASSWORD } from './test-web.ts';

/**
 * The browser tests' Chromium (Debian's: never a downloaded one) and their page objects, with
 * axe-core's WCAG 2.2 AA rules run on each page state a journey passes through.
 */
export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface AxeApi {
  run(options: object): Promise<{
    violations: Array<{ id: string; nodes: Array<{ target: string[] }> }>;
  }>;
}

/** What a page shows when printed, read in the page. */
interface PrintedPage {
  readonly linkAddresses: string[];
  readonly controls: string[];
  readonly header: string[];
  readonly overflow: number;
}

/** Page objects: what a person does on each page, by its labels. */
export class Pages {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
    readonly checked: string[],
  ) {}

  async open(path: string) {
    await this.page.goto(`${this.baseUrl}${path}`);
  }

  /** Runs axe on the page as it is now; any violation fails the test with its rule and nodes. */
  async checkAccessibility(state: string) {
    await this.page.addScriptTag({ content: AXE_SOURCE });
    const violations = await this.page.evaluate(async (tags) => {
      // In the page: axe.run with options only checks the whole document.
      const axe = (globalThis as unknown as { axe: AxeApi }).axe;
      const result = await axe.run({ runOnly: { type: 'tag', values: tags } });
      return result.violations.map(
        (violation) =>
          `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
      );
    }, WCAG_TAGS);
    assert.deepEqual(violations, [], `axe on ${state}`);
    this.checked.push(state);
  }

  /**
   * Prints the page as Chromium would to A4 and checks what a board report needs: no link
   * addresses, no controls or navigation, the print header, nothing wider than the paper, and
   * every PDF page A4 in the orientation asked for. Returns the print header's text.
   */
  async checkPrint(state: string, orientation: 'portrait' | 'landscape'): Promise<string> {
    const { page } = this;
    const screen = page.viewportSize();
    // A4 less app.css's 15 mm margins, at 96 px to the inch.
    const paperWidth = Math.floor(((orientation === 'portrait' ? 180 : 267) / 25.4) * 96);
    await page.setViewportSize({ width: paperWidth, height: 1000 });
    await page.emulateMedia({ media: 'print' });
    try {
      // In the page (a string: these tests are type-checked without the DOM's types).
      const printed = await page.evaluate<PrintedPage>(`(() => {
        const visible = (element) => element.offsetParent !== null;
        return {
          linkAddresses: [...document.querySelectorAll('a')]
            .map((link) => getComputedStyle(link, '::after').content)
            .filter((content) => content.includes('Link')),
          controls: [
            ...document.querySelectorAll(
              'header, footer, nav, form[method="get"], button, .nhsuk-button, details',
            ),
          ]
            .filter(visible)
            .map((element) => element.outerHTML.slice(0, 80)),
          header: [...document.querySelectorAll('.app-print-header')]
            .filter(visible)
            .map((element) => element.innerText),
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        };
      })()`);
      assert.deepEqual(printed.linkAddresses, [], `link addresses printed on ${state}`);
      assert.deepEqual(printed.controls, [], `controls printed on ${state}`);
      assert.equal(printed.header.length, 1, `one print header on ${state}`);
      assert.ok(printed.overflow <= 0, `${state} is ${printed.overflow}px wider than the paper`);
      await this.checkAccessibility(`${state}, as printed`);
      const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
      const sizes = new Set(
        [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map(
          ([, width = '', height = '']) =>
            `${Math.round(Number(width))}×${Math.round(Number(height))}`,
        ),
      );
      assert.deepEqual(
        [...sizes],
        [orientation === 'portrait' ? '595×842' : '842×595'],
        `A4 ${orientation} pages for ${state}`,
      );
      return printed.header[0] ?? '';
    } finally {
      await page.emulateMedia({ media: 'screen' });
      if (screen) await page.setViewportSize(screen);
    }
  }

  async heading() {
    return (await this.page.locator('h1').first().textContent())?.trim();
  }

  async signIn(email: string, password = TEST_PASSWORD) {
    await this.open('/sign-in');
    await this.page.getByLabel('Email address').fill(email);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  async signOut() {
    await this.page.getByRole('button', { name: 'Sign out', exact: true }).click();
  }
}
