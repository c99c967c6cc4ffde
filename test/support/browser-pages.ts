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
