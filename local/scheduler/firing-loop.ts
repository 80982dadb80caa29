/**
 * Finding what has come due and firing it: on a timer once started, or a step at a time through
 * `runDue()` for tests that move a fake clock. Only occurrences after `checkedThrough` are fired, so
 * nothing is fired twice and nothing missed while a schedule was away or disabled is made up.
 */
import type { Clock } from '../../lambdas/core/ports';
import { isLastOccurrence, occurrencesBetween } from '../../lambdas/core/schedules';
import { byScheduledTime, type Deliveries, type Delivery, newDelivery } from './deliveries';
import { checkedThroughAt, type StoredSchedule } from './stored-schedule';

export interface FiringLoopProps {
  readonly clock: Clock;
  /** The emulator's schedules by key; the loop advances and deletes them in place. */
  readonly schedules: Map<string, StoredSchedule>;
  readonly deliveries: Deliveries;
  /** Keeps the schedules after the loop changed them. */
  readonly save: () => void;
  /** Errors the loop swallowed: an unreadable schedule, a failed save, a timer pass that threw. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** How often `start()` looks for due occurrences; EventBridge itself fires within the minute. */
const TICK_MS = 250;

export class FiringLoop {
  private timer: NodeJS.Timeout | undefined;
  /** runDue calls run one after another, so an occurrence is never taken twice. */
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly props: FiringLoopProps) {}

  /** Fires every occurrence that has come due since the last call, and every retry that is due. */
  runDue(): Promise<void> {
    const run = this.running.then(() => this.fireDue());
    this.running = run.catch(() => undefined);
    return run;
  }

  /** Fires due occurrences every TICK_MS until `stop()`; the timer does not keep the process alive. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.runDue().catch((error: unknown) => this.props.onError?.(error));
    }, TICK_MS);
    this.timer.unref();
  }

  /** Stops the timer and waits for the invocations under way. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * Takes every due occurrence and updates the schedules first (synchronously, so a command arriving
   * while targets are being invoked sees the new state), then invokes the targets in time order.
   */
  private async fireDue(): Promise<void> {
    const { schedules, deliveries: queue } = this.props;
    const now = this.props.clock.now().getTime();
    const deliveries: Delivery[] = queue.takeDueRetries(now);

    let changed = false;
    for (const [key, stored] of schedules) {
      if (stored.state !== 'ENABLED') continue;
      let occurrences: number[];
      try {
        occurrences = occurrencesBetween(stored, Date.parse(stored.checkedThrough), now);
      } catch (error) {
        // One unreadable schedule (say, a hand-edited file) must not stop the others.
        this.props.onError?.(error);
        continue;
      }
      stored.checkedThrough = checkedThroughAt(now, stored.checkedThrough);
      const last = occurrences.at(-1);
      if (last === undefined) continue;
      changed = true;
      stored.lastFired = new Date(last).toISOString();
      deliveries.push(...occurrences.map((occurrence) => newDelivery(stored, occurrence)));
      if (stored.actionAfterCompletion === 'DELETE' && isLastOccurrence(stored, last)) schedules.delete(key);
    }
    if (changed) this.saveReporting();

    deliveries.sort(byScheduledTime);
    for (const delivery of deliveries) await queue.attempt(delivery);
  }

  private saveReporting(): void {
    try {
      this.props.save();
    } catch (error) {
      this.props.onError?.(error);
    }
  }
}
