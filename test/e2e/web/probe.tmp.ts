import '../../../local/polyfills';
import { createUserToken, launchBrowser, openPage, signIn, startWebServer } from './browser';

const server = await startWebServer();
const browser = await launchBrowser();
const w = await openPage(browser, server.url);
const p = w.page;
p.on('response', (r) => {
  if (r.status() >= 400) console.log('RESP', r.status(), r.request().method(), r.url());
});
try {
  const key = await createUserToken(server, 'alice', ['view', 'run', 'approve']);
  await signIn(p, key);
  await p.goto('/jobs/local/example/RotateCredentials');
  await p.waitForTimeout(1500);
  console.log((await p.locator('main').textContent())?.slice(0, 600));
} catch (e) {
  console.log('ERR', e);
}
console.log('problems', w.problems, w.clientErrors);
await browser.close();
await server.close();
