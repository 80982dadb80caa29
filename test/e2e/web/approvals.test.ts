import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserMissing,
  createUserToken,
  launchBrowser,
  MovableClock,
  openPage,
  signIn,
  startWebServer,
  type TestServer,
  type WatchedPage,
} from './browser';

const JOB = 'local/example/RotateCredentials';

/** Four eyes in two browsers: alice requests, bob decides, each signed in with their own token. */
describe.skipIf(browserMissing)('Approvals in the web page', () => {
  let server: TestServer;
  let browser: Browser;
  let alice: WatchedPage;
  let bob: WatchedPage;
  let aliceToken: string;
  const clock = new MovableClock();

  beforeAll(async () => {
    [server, browser] = await Promise.all([startWebServer({ clock }), launchBrowser()]);
    const permissions = ['view', 'run', 'approve'];
    aliceToken = await createUserToken(server, 'alice', permissions);
    const bobToken = await createUserToken(server, 'bob', permissions);
    [alice, bob] = await Promise.all([openPage(browser, server.url), openPage(browser, server.url)]);
    await Promise.all([signIn(alice.page, aliceToken), signIn(bob.page, bobToken)]);
  });

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await browser?.close();
    await server?.close();
  });

  /** A request by alice through the API (the page's own request flow has its own test). */
  async function requestAsAlice(service: string, schedule?: unknown): Promise<string> {
    const response = await server.api.post(
      `/api/extras/jobs/${JOB}/run/`,
      { data: { service }, ...(schedule ? { schedule } : {}) },
      aliceToken,
    );
    expect(response.status).toBe(201);
    return response.body.scheduled_job.id;
  }

  function card(page: Page, name: RegExp | string) {
    return page.getByTestId('request').filter({ has: page.getByRole('heading', { name }) });
  }

  async function scheduledJob(id: string) {
    return (await server.api.get(`/api/extras/scheduled-jobs/${id}/`)).body;
  }

  it('lets alice request an approval-required job and shows her it awaits approval', async () => {
    const { page } = alice;
    await page.goto(`/jobs/${JOB}`);
    await page.getByText('This job needs approval').waitFor();
    await page.getByLabel('Service').fill('billing-db');
    await page.getByRole('button', { name: 'Request approval' }).click();
    await page.waitForURL(/\/scheduled-jobs\/[0-9a-f-]+\?submitted=1$/);
    await page.getByText('Your request was recorded and awaits approval by another user.').waitFor();
    const id = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    expect((await scheduledJob(id)).approval_status).toBe('pending');
    // Nothing ran: approval comes first, even for "immediately".
    const results = await server.api.get(`/api/extras/job-results/?scheduled_job=${id}`);
    expect(results.body.results).toEqual([]);
  });

  it('shows alice her own request with approve disabled and the reason, and counts it in the navigation', async () => {
    const { page } = alice;
    await page.goto('/approvals');
    const own = card(page, /billing-db|Rotate credentials requested by alice/).first();
    await own.waitFor();
    expect(await own.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
    expect(await own.getByTestId('own-reason').textContent()).toContain(
      'You cannot approve your own job request!',
    );
    const describedBy = await own.getByRole('button', { name: 'Approve' }).getAttribute('aria-describedby');
    expect(await page.locator(`#${describedBy}`).textContent()).toContain(
      'You cannot approve your own job request!',
    );
    await expect.poll(() => page.getByTestId('queue-count').textContent()).toBe('1 pending');
  });

  it('lets bob approve a request whose start time has passed only after confirming, with force', async () => {
    const id = await requestAsAlice('payments', {
      name: 'rotate payments at noon',
      interval: 'future',
      start_time: new Date(clock.now().getTime() + 60 * 60_000).toISOString(),
    });
    clock.advance(2 * 60 * 60_000);
    const { page } = bob;
    await page.goto('/approvals');
    const item = card(page, 'rotate payments at noon');
    await item.getByText('(has passed)').waitFor();
    await item.getByRole('button', { name: 'Approve' }).click();
    const dialog = page.getByRole('dialog', { name: 'Start time has passed' });
    await dialog.waitFor();

    // Cancelling approves nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await scheduledJob(id)).approval_status).toBe('pending');

    await item.getByLabel('Comment (optional)').fill('Rotate it now, please.');
    await item.getByRole('button', { name: 'Approve' }).click();
    await dialog.getByRole('button', { name: 'Approve and run now' }).click();
    await page.getByTestId('outcome').filter({ hasText: 'Approved “rotate payments at noon”' }).waitFor();
    // Decided requests leave the queue without a reload, and the count in the navigation follows.
    expect(await item.count()).toBe(0);
    const pending = (await server.api.get('/api/extras/scheduled-jobs/?approval_status=pending')).body.results
      .length;
    await expect.poll(() => page.getByTestId('queue-count').textContent()).toBe(`${pending} pending`);

    const approved = await scheduledJob(id);
    expect(approved.approval_status).toBe('approved');
    expect(approved.approved_by_user).toBe('bob');
    expect(approved.decision_comment).toBe('Rotate it now, please.');
    // Forced, it runs straight away rather than at a time that has gone.
    await expect
      .poll(
        async () =>
          (await server.api.get(`/api/extras/job-results/?scheduled_job=${id}`)).body.results[0]?.status,
        {
          timeout: 15_000,
        },
      )
      .toBe('SUCCESS');
  });

  it("lets bob approve alice's run-now request as it stands", async () => {
    const [first] = (await server.api.get('/api/extras/scheduled-jobs/?approval_status=pending')).body
      .results;
    expect(first.interval).toBe('immediately');
    const { page } = bob;
    await page.goto('/approvals');
    await card(page, first.name).getByRole('button', { name: 'Approve' }).click();
    await page
      .getByTestId('outcome')
      .filter({ hasText: `Approved “${first.name}”` })
      .waitFor();
    expect((await scheduledJob(first.id)).approval_status).toBe('approved');
    await expect
      .poll(
        async () =>
          (await server.api.get(`/api/extras/job-results/?scheduled_job=${first.id}`)).body.results[0]
            ?.status,
        {
          timeout: 15_000,
        },
      )
      .toBe('SUCCESS');
  });

  it('lets bob approve a future request without a confirmation', async () => {
    const id = await requestAsAlice('cache', {
      name: 'rotate cache in 2030',
      interval: 'future',
      start_time: '2030-06-01T08:00:00Z',
    });
    const { page } = bob;
    await page.goto('/approvals');
    await card(page, 'rotate cache in 2030').getByRole('button', { name: 'Approve' }).click();
    await page.getByTestId('outcome').filter({ hasText: 'Approved “rotate cache in 2030”' }).waitFor();
    expect(await page.getByRole('dialog').isVisible()).toBe(false);
    expect((await scheduledJob(id)).approval_status).toBe('approved');
  });

  it('lets bob deny a request with a comment, which then shows in its history', async () => {
    const id = await requestAsAlice('ledger', {
      name: 'rotate ledger',
      interval: 'future',
      start_time: '2030-06-01T08:00:00Z',
    });
    const { page } = bob;
    await page.goto('/approvals');
    const item = card(page, 'rotate ledger');
    await item.getByLabel('Comment (optional)').fill('Not during the freeze.');
    await item.getByRole('button', { name: 'Deny' }).click();
    await page.getByTestId('outcome').filter({ hasText: 'Denied “rotate ledger”' }).waitFor();
    expect(await item.count()).toBe(0);

    const denied = await scheduledJob(id);
    expect(denied.approval_status).toBe('denied');
    expect(denied.decided_by_user).toBe('bob');
    expect(denied.decision_comment).toBe('Not during the freeze.');

    await page.goto(`/scheduled-jobs/${id}`);
    const history = page.getByTestId('history');
    await history.waitFor();
    expect(await history.textContent()).toMatch(
      /Requested by alice.*Denied by bob.*“Not during the freeze\.”/s,
    );
  });

  it('lets bob dry-run a request, opens the dry-run result, and leaves the request pending', async () => {
    const id = await requestAsAlice('search-index', {
      name: 'rotate search',
      interval: 'future',
      start_time: '2030-06-01T08:00:00Z',
    });
    const { page } = bob;
    await page.goto('/approvals');
    await card(page, 'rotate search').getByRole('button', { name: 'Dry run' }).click();
    await page.waitForURL(/\/job-results\/[0-9a-f-]+$/);
    await page.getByRole('heading', { level: 1, name: 'Rotate credentials (dry run)' }).waitFor();
    await page.getByTestId('result-status').getByText('Success').waitFor({ timeout: 15_000 });
    await page
      .getByTestId('logs')
      .getByText('Dry run: would rotate the credential of search-index.')
      .waitFor();
    expect(await page.getByText('Run by').locator('xpath=following-sibling::dd[1]').textContent()).toBe(
      'bob',
    );
    expect((await scheduledJob(id)).approval_status).toBe('pending');
  });

  it('wrote nothing to either console', () => {
    expect(alice.problems).toEqual([]);
    expect(bob.problems).toEqual([]);
    expect([...alice.clientErrors, ...bob.clientErrors]).toEqual([]);
  });
});
