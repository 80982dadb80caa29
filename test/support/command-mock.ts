/**
 * A stand-in for an AWS service behind the adapters' `CommandSender`: records every command sent and
 * answers as told per command class. Shaped like the parts of aws-sdk-client-mock the tests used
 * (`on(Command).resolves/rejects/rejectsOnce/callsFake`, `commandCalls`, `calls`, `reset`), now
 * that the adapters send their own commands (lambdas/adapters/aws/aws-client.ts). The requests those
 * commands become on the wire are held against the SDK's in test/unit/adapters/aws-wire.test.ts.
 */
import type { AwsCommand, CommandSender } from '../../lambdas/adapters/aws/aws-client';

type AnyCommand = AwsCommand<object, unknown>;
type CommandClass<Input extends object, Output> = new (input: Input) => AwsCommand<Input, Output>;
type Answer = (input: object) => unknown;

interface Behaviour<Input extends object, Output> {
  resolves(output: Partial<Output>): Behaviour<Input, Output>;
  resolvesOnce(output: Partial<Output>): Behaviour<Input, Output>;
  rejects(error: Error): Behaviour<Input, Output>;
  rejectsOnce(error: Error): Behaviour<Input, Output>;
  callsFake(fake: (input: Input) => Partial<Output>): Behaviour<Input, Output>;
}

interface Recorded<Input> {
  readonly args: readonly [{ readonly input: Input }];
}

export interface CommandMock {
  readonly client: CommandSender;
  on<Input extends object, Output>(command: CommandClass<Input, Output>): Behaviour<Input, Output>;
  commandCalls<Input extends object, Output>(command: CommandClass<Input, Output>): Recorded<Input>[];
  calls(): Recorded<object>[];
  reset(): void;
}

export function mockCommands(): CommandMock {
  const sent: AnyCommand[] = [];
  const behaviours = new Map<unknown, { once: Answer[]; always?: Answer }>();

  const client: CommandSender = {
    async send<Output>(command: AwsCommand<object, Output>): Promise<Output> {
      sent.push(command);
      const behaviour = behaviours.get(command.constructor);
      const answer = behaviour?.once.shift() ?? behaviour?.always;
      // Like aws-sdk-client-mock: a command nobody told the mock about answers undefined.
      return (answer ? answer(command.input) : undefined) as Output;
    },
  };

  return {
    client,
    on<Input extends object, Output>(command: CommandClass<Input, Output>) {
      const behaviour = behaviours.get(command) ?? { once: [] };
      behaviours.set(command, behaviour);
      const api: Behaviour<Input, Output> = {
        resolves: (output) => {
          behaviour.always = () => output;
          return api;
        },
        resolvesOnce: (output) => {
          behaviour.once.push(() => output);
          return api;
        },
        rejects: (error) => {
          behaviour.always = () => {
            throw error;
          };
          return api;
        },
        rejectsOnce: (error) => {
          behaviour.once.push(() => {
            throw error;
          });
          return api;
        },
        callsFake: (fake) => {
          behaviour.always = (input) => fake(input as Input);
          return api;
        },
      };
      return api;
    },
    commandCalls<Input extends object, Output>(command: CommandClass<Input, Output>) {
      return sent
        .filter((each) => each instanceof command)
        .map((each) => ({ args: [{ input: each.input as Input }] as const }));
    },
    calls: () => sent.map((each) => ({ args: [{ input: each.input }] as const })),
    reset: () => {
      sent.length = 0;
      behaviours.clear();
    },
  };
}
