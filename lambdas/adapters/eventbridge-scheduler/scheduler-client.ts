import { randomUUID } from 'node:crypto';
import type {
  CreateScheduleInput,
  CreateScheduleOutput,
  DeleteScheduleInput,
  DeleteScheduleOutput,
  GetScheduleInput,
  GetScheduleOutput,
  UpdateScheduleInput,
  UpdateScheduleOutput,
} from '@aws-sdk/client-scheduler';
import {
  AwsCommand,
  type AwsRequest,
  AwsServiceClient,
  type ServiceClientOptions,
  type ServiceProtocol,
} from '../aws/aws-client';

/** EventBridge Scheduler's schedule calls, as the SDK names and shapes them. */
export class CreateScheduleCommand extends AwsCommand<CreateScheduleInput, CreateScheduleOutput> {
  readonly operation = 'CreateSchedule';
}
export class UpdateScheduleCommand extends AwsCommand<UpdateScheduleInput, UpdateScheduleOutput> {
  readonly operation = 'UpdateSchedule';
}
export class DeleteScheduleCommand extends AwsCommand<DeleteScheduleInput, DeleteScheduleOutput> {
  readonly operation = 'DeleteSchedule';
}
export class GetScheduleCommand extends AwsCommand<GetScheduleInput, GetScheduleOutput> {
  readonly operation = 'GetSchedule';
}

const DATES = ['StartDate', 'EndDate', 'CreationDate', 'LastModificationDate'] as const;

/**
 * Scheduler speaks `restJson1`: the schedule's name in the path, the group in the query for reads
 * and deletes, the rest as a JSON body with dates as epoch seconds. A write without a ClientToken
 * gets a fresh one, as the SDK fills it in (it makes a retried create or update idempotent).
 */
const restJson: ServiceProtocol = {
  toRequest(command): AwsRequest {
    const {
      Name: name,
      GroupName: groupName,
      ...rest
    } = command.input as { Name: string } & Record<string, unknown>;
    const path = `/schedules/${encodeURIComponent(name)}`;
    const group: Record<string, string> = groupName === undefined ? {} : { groupName: String(groupName) };
    switch (command.operation) {
      case 'CreateSchedule':
      case 'UpdateSchedule': {
        const body: Record<string, unknown> = {
          ClientToken: randomUUID(),
          ...rest,
          ...(groupName === undefined ? {} : { GroupName: groupName }),
        };
        for (const member of DATES) {
          const date = body[member];
          if (date instanceof Date) body[member] = date.getTime() / 1000;
        }
        return {
          method: command.operation === 'CreateSchedule' ? 'POST' : 'PUT',
          path,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        };
      }
      case 'DeleteSchedule':
        return {
          method: 'DELETE',
          path,
          query: { ...group, clientToken: String(rest.ClientToken ?? randomUUID()) },
        };
      case 'GetSchedule':
        return { method: 'GET', path, query: group };
      default:
        throw new Error(`The Scheduler client does not send ${command.operation}.`);
    }
  },
  fromResponse(_command, json) {
    const output: Record<string, unknown> = { ...(json as Record<string, unknown>) };
    for (const member of DATES) {
      if (typeof output[member] === 'number') output[member] = new Date((output[member] as number) * 1000);
    }
    return output;
  },
};

export function createSchedulerClient(options: ServiceClientOptions): AwsServiceClient {
  return new AwsServiceClient({ ...options, service: 'scheduler', serviceId: 'SCHEDULER' }, restJson);
}
