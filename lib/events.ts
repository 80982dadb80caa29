import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The deployment's event bus: `Approval Requested`, `Approval Decided` and `Job Run Finished`
 * (source `countersign`) for teams to route to e-mail or chat with their own EventBridge rules.
 * A bus of its own, so rules match Countersign's events only and its name is stable to point at.
 */
export class Events extends Construct {
  readonly bus: IEventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      description: 'Countersign: approval requested and decided, job run finished',
    });
  }

  /** `events:PutEvents` on this bus alone. */
  grantPut(grantee: IGrantable) {
    return this.bus.grantPutEventsTo(grantee);
  }

  /** What a function needs to put events on the bus. */
  environment(): Record<string, string> {
    return { EVENT_BUS_NAME: this.bus.eventBusName };
  }
}
