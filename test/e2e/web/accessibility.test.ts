import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axe,
  browserMissing,
  createUserToken,
  launchBrowser,
  openPage,
  screenshot,
  seriousOrCritical,
  startWebServer,
  type TestServer,
  type WatchedPage,
} from './browser';

/**
 * Every main page, with data in it, through axe-core (0 serious or critical violations) and into a
 * screenshot (test-output/screenshots/). Also: the page works from the keyboard alone.
 */
describe.skipIf(browserMissing)('Accessibility of the web page', () => {
  let server: TestServer;
  let browser: Browser;
  let watched: WatchedPage;
  let pending: string;
  let result: string;
  const findings: Record<string, number> = {};

  beforeAll(async () => {
    [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
    const requester = await createUserToken(server, 'erin', ['view', 'run']);
    const run = await server.api.post('/api/extras/jobs/local/example/SlowCountdown/run/', {
      data: { seconds: 1 },
    });
    result = run.body.job_result.id;
    await server.api.waitForResult(result);
    const request = await server.api.post(
      '/api/extras/jobs/local/example/RotateCredentials/run/',
      {
        data: { service: 'api-gateway' },
        schedule: {
          name: 'rotate gateway',
          interval: 'daily',
          start_time: '2030-01-01T06:00:00Z',
          time_zone: 'Asia/Tokyo',
        },
      },
      requester,
    );
    pending = request.body.scheduled_job.id;
    watched = await openPage(browser, server.url);
  });

  afterAll(async () => {
    await watched?.close();
    await browser?.close();
    await server?.close();
  });

  async function check(page: Page, name: string, ready: () => Promise<unknown>) {
    await ready();
    const violations = await axe(page);
    findings[name] = violations.length;
    await screenshot(page, name);
    expect(seriousOrCritical(violations), name).toEqual([]);
  }

  it('is usable from the keyboard alone: sign in, skip to content, follow links, visible focus', async () => {
    const { page } = watched;
    await page.goto('/jobs');
    await check(page, 'sign-in', () => page.getByLabel('API token').waitFor());
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('token');
    await page.keyboard.type('e2e-admin-token-0123456789');
    await page.keyboard.press('Enter');
    await page.getByTestId('username').waitFor();
    expect(new URL(page.url()).pathname).toBe('/jobs');

    await page.reload();
    await page.getByTestId('username').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Jobs');
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    // Enter on a focused link follows it, and focus moves to the new page's heading.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Approval queue' }).waitFor();
    await expect.poll(() => page.evaluate('document.activeElement.tagName')).toBe('H1');
  });

  const pages: [name: string, path: () => string, ready: (page: Page) => Promise<unknown>][] = [
    ['jobs', () => '/jobs', (page) => page.getByRole('list', { name: 'Job catalogue' }).waitFor()],
    ['run-form', () => '/jobs/local/example/AddNumbers', (page) => page.getByLabel('Numbers').waitFor()],
    ['approval-queue', () => '/approvals', (page) => page.getByTestId('request').first().waitFor()],
    ['scheduled-jobs', () => '/scheduled-jobs', (page) => page.getByRole('table').waitFor()],
    [
      'scheduled-job',
      () => `/scheduled-jobs/${pending}`,
      (page) => page.getByRole('heading', { name: 'History' }).waitFor(),
    ],
    ['job-results', () => '/job-results', (page) => page.getByRole('table').waitFor()],
    ['job-result', () => `/job-results/${result}`, (page) => page.getByTestId('logs').waitFor()],
    ['administration', () => '/admin', (page) => page.getByRole('table').waitFor()],
    ['administration-user', () => '/admin/users/erin', (page) => page.getByRole('table').waitFor()],
  ];

  for (const [name, path, ready] of pages) {
    it(`has no serious or critical axe violation on ${name}`, async () => {
      const { page } = watched;
      await page.goto(path());
      await check(page, name, () => ready(page));
    });
  }

  it('has no serious or critical axe violation with every schedule field and the preview shown', async () => {
    const { page } = watched;
    await page.goto('/jobs/local/example/AddNumbers');
    await page.getByLabel('Schedule type').selectOption('daily');
    await check(page, 'run-form-daily', () => page.getByTestId('next-runs').waitFor());
  });

  it('has no serious or critical axe violation in a confirmation dialog', async () => {
    const { page } = watched;
    await page.goto(`/scheduled-jobs/${pending}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await check(page, 'delete-dialog', () => page.getByRole('dialog').waitFor());
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('would report a violation: the check itself finds one on a page built to fail it', async () => {
    const scratch = await openPage(browser, server.url);
    try {
      await scratch.page.setContent('<main><img src="data:,"><button></button></main>');
      const found = seriousOrCritical(await axe(scratch.page));
      expect(found.some((line) => line.includes('image-alt'))).toBe(true);
      expect(found.some((line) => line.includes('button-name'))).toBe(true);
    } finally {
      await scratch.close();
    }
  });

  it('wrote nothing to the console', () => {
    console.log(`axe violations of any impact, per page: ${JSON.stringify(findings)}`);
    expect(watched.problems).toEqual([]);
    expect(watched.clientErrors).toEqual([]);
  });
});
