/**
 * Browser tests drive Debian's Chromium (no browser download) with playwright-core against the
 * real local server, with the page's own CSP in force.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { LocalOptions } from '../../../local/composition';
import { ensureWebBuild } from '../../../local/web-build';
import { ADMIN_TOKEN, startTestServer } from '../../support/local-server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Outside CI a machine without Chromium skips these tests; in CI (`CI=true`) they must run. */
export const browserMissing = !existsSync(CHROMIUM) && !process.env.CI;

/** Screenshots of each main page, written by every run (gitignored; the README names it). */
export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', '..', 'test-output', 'screenshots');

export const TIME_ZONE = 'Europe/Berlin';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

export async function startWebServer(options: LocalOptions = {}): Promise<TestServer> {
  await ensureWebBuild();
  return startTestServer({ ...options, webRoot: join(import.meta.dirname, '..', '..', '..', 'web', 'dist') });
}

/** The real clock, which a test can move ahead (a start time passes without waiting for it). */
export class MovableClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/**
 * A page whose console is watched. The network lines Chromium logs for 4xx answers are kept apart:
 * a test that provokes one (a validation error) may expect it; anything else is a problem.
 */
export interface WatchedPage {
  readonly page: Page;
  /** Console errors and warnings, and uncaught exceptions, other than 4xx network lines. */
  readonly problems: string[];
  /** "Failed to load resource: … 4xx" lines. */
  readonly clientErrors: string[];
  close(): Promise<void>;
}

export async function openPage(browser: Browser, baseUrl: string): Promise<WatchedPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    timezoneId: TIME_ZONE,
    locale: 'en-GB',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const clientErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    const text = `${message.type()}: ${message.text()}`;
    if (/status of 4\d\d/.test(text)) clientErrors.push(text);
    else problems.push(text);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return { page, problems, clientErrors, close: () => context.close() };
}

export async function signIn(page: Page, token = ADMIN_TOKEN, path = '/jobs'): Promise<void> {
  await page.goto(path);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('username').waitFor();
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

/** axe-core, evaluated in the page (not injected as a <script>, which the page's CSP refuses). */
export async function axe(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await (
      globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }
    ).axe.run();
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map((node) => ({ target: node.target })),
    }));
  });
}

export function seriousOrCritical(violations: readonly AxeViolation[]): string[] {
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} at ${JSON.stringify(violation.nodes.map((n) => n.target))}`,
    );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** An API token for a new user with the given permissions, made through the API as admin. */
export async function createUserToken(
  server: TestServer,
  username: string,
  permissions: string[],
): Promise<string> {
  const user = await server.api.post('/api/users/users/', { username, permissions });
  if (user.status !== 201) throw new Error(`User ${username} not created: ${JSON.stringify(user.body)}`);
  const token = await server.api.post('/api/users/tokens/', { user: username });
  if (token.status !== 201) throw new Error(`Token not created: ${JSON.stringify(token.body)}`);
  return token.body.key as string;
}
