import type { WorkflowRun, WorkflowStarter } from '../../core/ports';
import { occurrenceExecution, toWorkflowInput } from '../../workflow/run-job-workflow';
import { type CommandSender, isServiceError } from '../aws/aws-client';
import { StartExecutionCommand } from './sfn-client';

/**
 * Starts the run workflow with the job result id as the execution name: Step Functions refuses a
 * second execution of the same name, so a retried start can never run the job twice.
 */
export class StepFunctionsWorkflowStarter implements WorkflowStarter {
  constructor(private readonly props: { readonly client: CommandSender; readonly stateMachineArn: string }) {}

  startRun(request: WorkflowRun): Promise<string> {
    return this.start(request.jobResultId, toWorkflowInput(request));
  }

  startOccurrence(occurrence: {
    readonly scheduledJobId: string;
    readonly scheduledTime: string;
  }): Promise<string> {
    const { name, input } = occurrenceExecution(occurrence);
    return this.start(name, input);
  }

  private async start(name: string, input: object): Promise<string> {
    try {
      const started = await this.props.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.props.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
      return started.executionArn ?? this.executionArn(name);
    } catch (error) {
      if (isServiceError(error, 'ExecutionAlreadyExists')) return this.executionArn(name);
      throw error;
    }
  }

  private executionArn(name: string): string {
    return `${this.props.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }
}
