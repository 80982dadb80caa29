import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { WorkflowRun, WorkflowStarter } from '../../core/ports';
import { toWorkflowInput } from '../../workflow/run-job-workflow';

/**
 * Starts the run workflow with the job result id as the execution name: Step Functions refuses a
 * second execution of the same name, so a retried start can never run the job twice.
 */
export class StepFunctionsWorkflowStarter implements WorkflowStarter {
  constructor(private readonly props: { readonly client: SFNClient; readonly stateMachineArn: string }) {}

  async startRun(request: WorkflowRun): Promise<string> {
    try {
      const started = await this.props.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.props.stateMachineArn,
          name: request.jobResultId,
          input: JSON.stringify(toWorkflowInput(request)),
        }),
      );
      return started.executionArn ?? this.executionArn(request.jobResultId);
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return this.executionArn(request.jobResultId);
      throw error;
    }
  }

  private executionArn(name: string): string {
    return `${this.props.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }
}
