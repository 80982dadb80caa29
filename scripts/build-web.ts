/** `npm run build`: the web page to web/dist. `--if-stale` skips it when the build is newer than its sources. */
import { buildWeb, ensureWebBuild, WEB_DIST } from '../local/web-build';

const ifStale = process.argv.includes('--if-stale');
try {
  if (ifStale) {
    const outcome = await ensureWebBuild();
    console.log(
      outcome === 'built' ? `Built the web page into ${WEB_DIST}.` : 'The web page build is up to date.',
    );
  } else {
    await buildWeb();
    console.log(`Built the web page into ${WEB_DIST}.`);
  }
} catch (error) {
  console.error(`The web page did not build: ${(error as Error).message}`);
  process.exit(1);
}
