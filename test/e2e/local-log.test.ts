import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalLogLevel, LogFormat } from '../../local/console-log';
import { startTestServer } from '../support/local-server';

let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serverLogging(logLevel: LocalLogLevel, logFormat: LogFormat = 'text') {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  server = await startTestServer({ logLevel, logFormat, logOutput: output });
  return { api: server.api, lines: () => text.split('\n').filter((line) => line !== '') };
}

describe('Local log', () => {
  it('logs a job failure at ERROR with its result id, so LOG_LEVEL=WARN shows it', async () => {
    const { api, lines } = await serverLogging('WARN');
    const run = await api.post('/api/extras/jobs/local/example/AlwaysFails/run/', {});
    const id = run.body.job_result.id as string;
    expect((await api.waitForResult(id)).status).toBe('FAILURE');
    expect(lines().filter((line) => line.includes(id) && /\bERROR\b/.test(line))).toHaveLength(1);
  });

  it('logs a refused request at INFO in one short line', async () => {
    const { api, lines } = await serverLogging('INFO');
    expect((await api.get('/api/extras/job-results/not-a-result/')).status).toBe(404);
    const refused = lines().filter((line) => line.includes('Request refused'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[api\] Request refused .*method=GET path=\/api\/extras\/job-results\/not-a-result\/ status=404/,
    );
    expect(refused[0]?.length).toBeLessThan(300);
  });

  it("keeps Powertools' JSON with LOG_FORMAT=json", async () => {
    const { api, lines } = await serverLogging('INFO', 'json');
    await api.get('/api/extras/job-results/not-a-result/');
    const refused = lines().find((line) => line.includes('Request refused'));
    expect(JSON.parse(refused ?? '')).toMatchObject({
      level: 'INFO',
      message: 'Request refused',
      status: 404,
    });
  });
});
