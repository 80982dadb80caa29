import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { WorkflowRun, WorkflowStarter } from '../../core/ports';
import { occurrenceResultId } from '../../core/scheduled-runs';
import { type ScheduledWorkflowInput, toWorkflowInput } from '../../workflow/run-job-workflow';

/**
 * Starts the run workflow with the job result id as the execution name: Step Functions refuses a
 * second execution of the same name, so a retried start can never run the job twice.
 */
export class StepFunctionsWorkflowStarter implements WorkflowStarter {
  constructor(private readonly props: { readonly client: SFNClient; readonly stateMachineArn: string }) {}

  startRun(request: WorkflowRun): Promise<string> {
    return this.start(request.jobResultId, toWorkflowInput(request));
  }

  /** Named after the occurrence's job result, so a repeated start is the same execution. */
  startOccurrence(occurrence: {
    readonly scheduledJobId: string;
    readonly scheduledTime: string;
  }): Promise<string> {
    const input: ScheduledWorkflowInput = {
      scheduled_job_id: occurrence.scheduledJobId,
      scheduled_time: occurrence.scheduledTime,
    };
    return this.start(occurrenceResultId(occurrence.scheduledJobId, occurrence.scheduledTime), input);
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
      if (error instanceof ExecutionAlreadyExists) return this.executionArn(name);
      throw error;
    }
  }

  private executionArn(name: string): string {
    return `${this.props.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }
}
