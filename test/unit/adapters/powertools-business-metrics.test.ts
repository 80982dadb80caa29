import { afterEach, describe, expect, it, vi } from 'vitest';
import { PowertoolsBusinessMetrics } from '../../../lambdas/adapters/metrics/powertools-business-metrics';

/** The EMF documents written to stdout, parsed. */
function emitted(write: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
  return write.mock.calls.map((call) => JSON.parse(String(call[0])) as Record<string, unknown>);
}

describe('Class: PowertoolsBusinessMetrics', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes each event at once as one EMF document with its dimensions', () => {
    // Prepare
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const metrics = new PowertoolsBusinessMetrics();

    // Act
    metrics.runFinished('FAILURE');
    metrics.duplicateDeliveryRefused();

    // Assess
    const [failed, duplicate] = emitted(write);
    expect(write).toHaveBeenCalledTimes(2);
    expect(failed).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Countersign',
            Dimensions: [['service', 'status']],
            Metrics: [{ Name: 'RunsFinished', Unit: 'Count' }],
          },
        ],
      },
      service: 'countersign',
      status: 'FAILURE',
      RunsFinished: 1,
    });
    expect(duplicate).toMatchObject({ service: 'countersign', DuplicateDeliveriesRefused: 1 });
    expect(duplicate).not.toHaveProperty('status');
  });
});
