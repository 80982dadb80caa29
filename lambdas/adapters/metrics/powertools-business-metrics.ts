import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BusinessMetrics } from '../../core/ports';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from './metric-names';

/**
 * Business metrics as CloudWatch embedded metric format: one JSON line on stdout per event, which
 * CloudWatch Logs turns into a metric without an API call (or its latency, or its IAM permission).
 * Each event is written at once rather than buffered to the end of the invocation, so a function
 * that times out or crashes after the write that counted still reports it, and an invocation that
 * counted nothing writes nothing.
 */
export class PowertoolsBusinessMetrics implements BusinessMetrics {
  private readonly metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

  runStarted(): void {
    this.count(METRIC.runsStarted);
  }

  runFinished(status: 'SUCCESS' | 'FAILURE' | 'REVOKED'): void {
    this.count(METRIC.runsFinished, { status });
  }

  duplicateDeliveryRefused(): void {
    this.count(METRIC.duplicateDeliveriesRefused);
  }

  scheduleRepaired(): void {
    this.count(METRIC.schedulesRepaired);
  }

  approvalRequested(): void {
    this.count(METRIC.approvalsRequested);
  }

  approvalDecided(decision: 'approved' | 'denied'): void {
    this.count(METRIC.approvalsDecided, { decision });
  }

  private count(name: string, dimensions: Readonly<Record<string, string>> = {}): void {
    const metric = this.metrics.singleMetric();
    for (const [dimension, value] of Object.entries(dimensions)) metric.addDimension(dimension, value);
    metric.addMetric(name, MetricUnit.Count, 1);
  }
}
