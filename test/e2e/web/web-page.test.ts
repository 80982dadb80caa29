import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserMissing,
  createUserToken,
  launchBrowser,
  openPage,
  signIn,
  startWebServer,
  type TestServer,
  type WatchedPage,
} from './browser';

describe.skipIf(browserMissing)('Web page', () => {
  let server: TestServer;
  let browser: Browser;
  let watched: WatchedPage;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startWebServer(), launchBrowser()]);
    watched = await openPage(browser, server.url);
    await signIn(watched.page);
  });

  afterAll(async () => {
    await watched?.close();
    await browser?.close();
    await server?.close();
  });

  describe('Serving', () => {
    it('answers every page address with the page, and keeps unknown /api/ paths JSON 404s', async () => {
      // Prepare
      const deepLink = await fetch(`${server.url}/scheduled-jobs/some-id?x=1`);
      const api = await server.api.get('/api/no-such-thing/');
      const missingAsset = await fetch(`${server.url}/assets/missing.js`);

      // Assess
      expect(deepLink.status).toBe(200);
      expect(deepLink.headers.get('content-type')).toContain('text/html');
      expect(deepLink.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await deepLink.text()).toContain('<div id="app">');
      expect(api.status).toBe(404);
      expect(api.body).toEqual({ detail: 'Not found.' });
      expect(missingAsset.status).toBe(404);
    });

    it('opens a deep link after a reload, signed in, on the same page', async () => {
      const { page } = watched;
      await page.goto('/job-results?status=SUCCESS');
      await page.reload();
      await expect(page.getByRole('heading', { level: 1, name: 'Job results' }).textContent()).resolves.toBe(
        'Job results',
      );
      expect(await page.getByLabel('Status').inputValue()).toBe('SUCCESS');
    });
  });

  describe('Sign-in', () => {
    it('refuses a wrong token on the form, and shows the name of the signed-in user', async () => {
      // Prepare
      const fresh = await openPage(browser, server.url);
      try {
        // Act
        await fresh.page.goto('/approvals');
        await fresh.page.getByLabel('API token').fill('not-a-real-token');
        await fresh.page.getByRole('button', { name: 'Sign in' }).click();

        // Assess
        await fresh.page.getByText('That token was refused: Invalid token.').waitFor();
        await fresh.page.getByLabel('API token').fill('e2e-admin-token-0123456789');
        await fresh.page.getByRole('button', { name: 'Sign in' }).click();
        await fresh.page.getByRole('heading', { level: 1, name: 'Approval queue' }).waitFor();
        expect(await fresh.page.getByTestId('username').textContent()).toBe('admin');
        expect(fresh.problems).toEqual([]);
      } finally {
        await fresh.close();
      }
    });

    it('sends a user whose token was revoked back to sign-in with the reason, and signs out', async () => {
      // Prepare
      const key = await createUserToken(server, 'revoked-user', ['view']);
      const fresh = await openPage(browser, server.url);
      try {
        await signIn(fresh.page, key);
        const tokens = await server.api.get('/api/users/tokens/?user=revoked-user');

        // Act
        await server.api.request('DELETE', `/api/users/tokens/${tokens.body.results[0].id}/`);
        await fresh.page.getByRole('link', { name: 'Job results' }).click();

        // Assess
        await fresh.page.getByText('You were signed out: Invalid token.').waitFor();
        expect(new URL(fresh.page.url()).pathname).toBe('/sign-in');
        expect(await fresh.page.evaluate("sessionStorage.getItem('countersign.token')")).toBeNull();
        expect(fresh.problems).toEqual([]);
      } finally {
        await fresh.close();
      }
    });

    it('forgets the token on sign-out', async () => {
      const fresh = await openPage(browser, server.url);
      try {
        await signIn(fresh.page);
        await fresh.page.getByRole('button', { name: 'Sign out' }).click();
        await fresh.page.getByLabel('API token').waitFor();
        await fresh.page.goto('/jobs');
        await fresh.page.getByLabel('API token').waitFor();
        expect(await fresh.page.evaluate('sessionStorage.length')).toBe(0);
      } finally {
        await fresh.close();
      }
    });
  });

  describe('Jobs', () => {
    it('searches the catalogue and shows each job with its flags and description', async () => {
      const { page } = watched;
      await page.goto('/jobs');
      await page.getByLabel('Search jobs').fill('rotate');
      const cards = page
        .getByRole('list', { name: 'Job catalogue' })
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading') });
      await expect.poll(() => cards.count()).toBe(1);
      const card = cards.first();
      expect(await card.getByRole('heading').textContent()).toBe('Rotate credentials');
      expect(await card.getByRole('list', { name: 'Flags' }).textContent()).toContain('Approval required');
      expect(await card.getByRole('list', { name: 'Flags' }).textContent()).toContain('Dry run supported');
      expect(await card.textContent()).toContain('Pretends to rotate a service credential.');
      await page.getByLabel('Search jobs').fill('no such job anywhere');
      await page.getByText('No job matches').waitFor();
    });

    it('runs a job and watches it reach SUCCESS with its logs', async () => {
      const { page } = watched;
      await page.goto('/jobs/local/example/SlowCountdown');
      await page.getByLabel('Seconds').fill('2');
      await page.getByRole('button', { name: 'Run now' }).click();
      await page.waitForURL(/\/job-results\/[0-9a-f-]+$/);
      // Seen running first, then finished, on the same page without a reload.
      await page
        .getByTestId('result-status')
        .getByText(/Pending|Running/)
        .waitFor();
      await page.getByTestId('result-status').getByText('Success').waitFor({ timeout: 15_000 });
      const logs = page.getByTestId('logs');
      await logs.getByText('Lift-off.').waitFor();
      expect(await logs.textContent()).toContain('2 seconds to go.');
      expect(await page.getByText('"counted": 2').count()).toBe(1);
    });

    it('starts a dry run from the form of a job that supports one, without waiting for approval', async () => {
      const { page } = watched;
      await page.goto('/jobs/local/example/RotateCredentials');
      await page.getByLabel('Service').fill('vault');
      await page.getByLabel(/Dry run/).check();
      expect(await page.getByLabel('Schedule type').isDisabled()).toBe(true);
      await page.getByRole('button', { name: 'Start dry run' }).click();
      await page.waitForURL(/\/job-results\/[0-9a-f-]+$/);
      await page.getByRole('heading', { level: 1, name: 'Rotate credentials (dry run)' }).waitFor();
      await page.getByTestId('logs').getByText('Dry run: would rotate the credential of vault.').waitFor();
    });

    it('shows the API validation messages beside their fields', async () => {
      const { page } = watched;
      await page.goto('/jobs/local/example/AddNumbers');
      await page.getByLabel('Numbers').fill('1\nlots');
      await page.getByRole('button', { name: 'Run now' }).click();
      const field = page.locator('#var-numbers');
      await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
      expect(await page.locator(`#${describedBy.split(' ').at(-1)}`).textContent()).toMatch(
        /expected number/,
      );
      // A provoked 400 is the only network error on the page.
      expect(watched.clientErrors.every((line) => /status of 400/.test(line))).toBe(true);
    });

    it('offers a job with sensitive variables only "immediately", saying why', async () => {
      const { page } = watched;
      await page.goto('/jobs/local/example/GreetWithSecret');
      const type = page.getByLabel('Schedule type');
      expect(await type.isDisabled()).toBe(true);
      expect(await type.locator('option').allTextContents()).toEqual(['Immediately']);
      expect(
        await page.getByText('This job has sensitive variables, so it can only run immediately').count(),
      ).toBe(1);
    });
  });

  describe('Scheduling', () => {
    it('shows only the fields a schedule type needs, previews the next runs in another zone, and lands on the scheduled job', async () => {
      const { page } = watched;
      await page.goto('/jobs/local/example/MyJobWithNoVars');
      expect(await page.getByLabel('Schedule name').count()).toBe(0);

      // The zone picker starts at the browser's zone.
      await page.getByLabel('Schedule type').selectOption('daily');
      expect(await page.getByLabel('Time zone').inputValue()).toBe('Europe/Berlin');
      expect(await page.getByLabel('Crontab').count()).toBe(0);
      await page.getByLabel('Schedule name').fill('Morning in New York');
      await page.getByLabel('Time zone').selectOption('America/New_York');
      await page.getByLabel('Start time').fill('2030-03-08T09:00');
      const runs = page.getByTestId('next-runs').getByRole('listitem');
      // Across the DST change of 10 March 2030 it stays 09:00 in New York.
      await expect
        .poll(() => runs.allTextContents())
        .toEqual([
          expect.stringMatching(/8 Mar 2030.*09:00:00 GMT-5/),
          expect.stringMatching(/9 Mar 2030.*09:00:00 GMT-5/),
          expect.stringMatching(/10 Mar 2030.*09:00:00 GMT-4/),
          expect.stringMatching(/11 Mar 2030.*09:00:00 GMT-4/),
          expect.stringMatching(/12 Mar 2030.*09:00:00 GMT-4/),
        ]);

      await page.getByLabel('Schedule type').selectOption('custom');
      expect(await page.getByLabel('Start time').count()).toBe(0);
      await page.getByLabel('Crontab').fill('*/15 9-17 * * 1-5');
      await expect.poll(() => runs.count()).toBe(5);
      await page.getByLabel('Schedule type').selectOption('daily');
      await page.getByLabel('Start time').fill('2030-03-08T09:00');

      await page.getByRole('button', { name: 'Schedule' }).click();
      await page.waitForURL(/\/scheduled-jobs\/[0-9a-f-]+\?submitted=1$/);
      await page.getByRole('heading', { level: 1, name: 'Morning in New York' }).waitFor();
      expect(await page.getByText('Your schedule was recorded.').count()).toBe(1);
    });

    it('pauses, resumes and, after confirming, deletes a scheduled job', async () => {
      const { page } = watched;
      const created = await server.api.post('/api/extras/jobs/local/example/MyJobWithNoVars/run/', {
        schedule: { name: 'to pause', interval: 'hourly', start_time: '2030-01-01T00:00:00Z' },
      });
      await page.goto(`/scheduled-jobs/${created.body.scheduled_job.id}`);
      await page.getByRole('button', { name: 'Pause' }).click();
      await expect.poll(() => page.getByTestId('enabled-state').textContent()).toBe('Paused');
      await page.getByRole('button', { name: 'Resume' }).click();
      await expect.poll(() => page.getByTestId('enabled-state').textContent()).toBe('Active');

      await page.getByRole('button', { name: 'Delete' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete this scheduled job?' });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect(await dialog.isVisible()).toBe(false);
      expect(
        (await server.api.get(`/api/extras/scheduled-jobs/${created.body.scheduled_job.id}/`)).status,
      ).toBe(200);
      await page.getByRole('button', { name: 'Delete' }).click();
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await page
        .getByText(/deleted/i)
        .first()
        .waitFor();
      expect(
        (await server.api.get(`/api/extras/scheduled-jobs/${created.body.scheduled_job.id}/`)).status,
      ).not.toBe(200);
    });

    it('filters the scheduled jobs', async () => {
      const { page } = watched;
      await server.api.post('/api/extras/jobs/local/example/AddNumbers/run/', {
        data: { numbers: [1] },
        schedule: { name: 'numbers weekly', interval: 'weekly', start_time: '2030-01-01T00:00:00Z' },
      });
      await page.goto('/scheduled-jobs');
      await page.getByLabel('Job', { exact: true }).selectOption('local/example/AddNumbers');
      await expect.poll(() => page.getByRole('table').getByRole('row').count()).toBe(2);
      expect(await page.getByRole('table').textContent()).toContain('numbers weekly');
      expect(new URL(page.url()).searchParams.get('job')).toBe('local/example/AddNumbers');
    });
  });

  describe('Job results', () => {
    it('lists results filtered by status and opens one with its error', async () => {
      const { page } = watched;
      const run = await server.api.post('/api/extras/jobs/local/example/AlwaysFails/run/', {});
      await server.api.waitForResult(run.body.job_result.id);
      await page.goto('/job-results');
      await page.getByLabel('Status').selectOption('FAILURE');
      const rows = page.getByRole('table').getByRole('row');
      await expect
        .poll(async () => (await rows.allTextContents()).slice(1).every((row) => row.includes('Failure')))
        .toBe(true);
      await page.getByRole('link', { name: 'Always fails' }).first().click();
      await page.getByText('This job always fails.').first().waitFor();
      expect(await page.getByTestId('logs').textContent()).toContain('About to fail on purpose.');
    });
  });

  describe('Administration', () => {
    it('creates a user and a token whose key is shown once, and revokes it after confirming', async () => {
      const { page } = watched;
      await page.goto('/admin');
      await page.getByLabel('Username').fill('dora');
      await page.getByLabel('Permissions').fill('view\nrun:local/example/*');
      await page.getByRole('button', { name: 'Add user' }).click();
      await page.getByRole('link', { name: 'Give them a token' }).click();
      await page.getByRole('heading', { level: 1, name: 'dora' }).waitFor();
      await page.getByText('run:local/example/*').waitFor();

      await page.getByLabel('Description').fill('laptop');
      await page.getByRole('button', { name: 'Create token' }).click();
      const key = await page.getByLabel('New key').inputValue();
      expect(key).toMatch(/^[0-9a-f]{40}$/);
      expect((await server.api.get('/api/users/me/', key)).body.username).toBe('dora');
      await page.getByRole('button', { name: 'Copy' }).click();

      await page.getByRole('button', { name: /Revoke token/ }).click();
      await page
        .getByRole('dialog', { name: 'Revoke this token?' })
        .getByRole('button', { name: 'Revoke' })
        .click();
      await page.getByText('dora has no token.').waitFor();
      expect((await server.api.get('/api/users/me/', key)).status).toBe(401);
    });
  });

  it('wrote nothing to the console but the 4xx answers the tests provoked', () => {
    expect(watched.problems).toEqual([]);
  });
});
