import type { BusinessMetrics } from '../../core/ports';
import { METRIC } from './metric-names';

/**
 * Business metrics kept as counters in memory, under the same names and dimensions CloudWatch
 * gets: local mode (which has no CloudWatch) and the tests, which read them with {@link count}.
 */
export class CountingBusinessMetrics implements BusinessMetrics {
  private readonly counts = new Map<string, number>();

  /** The count of a metric, e.g. `count('RunsFinished', { status: 'FAILURE' })`. */
  count(name: string, dimensions: Readonly<Record<string, string>> = {}): number {
    return this.counts.get(key(name, dimensions)) ?? 0;
  }

  /** Every counter, keyed `Name` or `Name{dimension=value}`. */
  snapshot(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.counts);
  }

  runStarted(): void {
    this.add(METRIC.runsStarted);
  }

  runFinished(status: 'SUCCESS' | 'FAILURE' | 'REVOKED'): void {
    this.add(METRIC.runsFinished, { status });
  }

  duplicateDeliveryRefused(): void {
    this.add(METRIC.duplicateDeliveriesRefused);
  }

  scheduleRepaired(): void {
    this.add(METRIC.schedulesRepaired);
  }

  approvalRequested(): void {
    this.add(METRIC.approvalsRequested);
  }

  approvalDecided(decision: 'approved' | 'denied'): void {
    this.add(METRIC.approvalsDecided, { decision });
  }

  private add(name: string, dimensions: Readonly<Record<string, string>> = {}): void {
    const k = key(name, dimensions);
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }
}

function key(name: string, dimensions: Readonly<Record<string, string>>): string {
  const parts = Object.entries(dimensions).map(([dimension, value]) => `${dimension}=${value}`);
  return parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
}
