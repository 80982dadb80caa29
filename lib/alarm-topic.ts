import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledgeRule } from './nag';

export interface AlarmTopicProps {
  /** An existing topic to notify (e.g. the team's on-call topic), by ARN. */
  readonly topicArn?: string | undefined;
  /** An address to e-mail; a topic is created for it (the address must confirm the subscription). */
  readonly email?: string | undefined;
}

/**
 * Where the alarms go, from what a deployment names: an existing SNS topic, an e-mail address (a new
 * topic with that subscription), or both. With neither there are no actions, and so no alarms.
 */
export class AlarmTopic extends Construct {
  readonly topic: ITopic | undefined;
  readonly actions: readonly IAlarmAction[];

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    if (props.topicArn === undefined && props.email === undefined) {
      this.topic = undefined;
      this.actions = [];
      return;
    }
    if (props.topicArn !== undefined) {
      this.topic = Topic.fromTopicArn(this, 'Existing', props.topicArn);
      if (props.email !== undefined) this.topic.addSubscription(new EmailSubscription(props.email));
    } else {
      const topic = new Topic(this, 'Topic', { displayName: 'Countersign alarms', enforceSSL: true });
      topic.addSubscription(new EmailSubscription(props.email as string));
      acknowledgeRule(
        topic,
        'AwsSolutions-SNS2',
        'Alarm notifications carry alarm names and states, nothing secret; a customer-managed KMS key ' +
          'would cost $1 a month against a stack that costs nothing idle.',
      );
      this.topic = topic;
    }
    this.actions = [new SnsAction(this.topic)];
  }
}
