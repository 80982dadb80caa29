/**
 * Local console output. The handlers log through Powertools, whose JSON lines suit CloudWatch; a
 * person at a terminal gets one short line per event instead (time, level, component, message,
 * ids), and `LOG_FORMAT=json` keeps Powertools' JSON.
 */
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { Logger } from '@aws-lambda-powertools/logger';

export type LogFormat = 'text' | 'json';
export type LocalLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

/** What Powertools adds to every line for Lambda; locally it says nothing. */
const LAMBDA_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
  'function',
]);

/** A logger for one local "function", writing to `output` in the chosen format. */
export function localLogger(
  name: string,
  options: { readonly logLevel: LocalLogLevel; readonly format: LogFormat; readonly output?: Writable },
): Logger {
  const logger = new Logger({
    serviceName: 'countersign',
    logLevel: options.logLevel,
    persistentKeys: { function: name },
  });
  const output = options.output ?? process.stdout;
  const stream = options.format === 'json' ? output : readableLines(output);
  const console = new Console({ stdout: stream, stderr: stream });
  // Powertools' own patch: `trace` logs without a stack trace, as in Lambda.
  console.trace = (message: unknown, ...rest: unknown[]) => console.log(message, ...rest);
  // Powertools has no option for its output stream; its `console` field is where it writes.
  (logger as unknown as { console: Console }).console = console;
  return logger;
}

/** Turns each Powertools JSON line written to it into one readable line on `output`. */
function readableLines(output: Writable): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') output.write(`${toReadableLine(line)}\n`);
      }
      callback();
    },
  });
}

export function toReadableLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof entry.timestamp === 'string' ? entry.timestamp.slice(11, 23) : '';
  const level = String(entry.level ?? '').padEnd(5);
  const component = typeof entry.function === 'string' ? entry.function.replace(/^countersign-/, '') : '';
  // Local execution ARNs differ only in their last part, which is the result id: say it once.
  const shortArn = (value: unknown) => (typeof value === 'string' ? value.replace(/^arn:.*:/, '') : value);
  const fields = Object.entries(entry)
    .filter(([key]) => !LAMBDA_KEYS.has(key))
    .map(([key, value]): [string, unknown] => [key, shortArn(value)])
    .filter(([key, value]) => !(key === 'execution' && value === entry.jobResultId))
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  return [time, level, component && `[${component}]`, String(entry.message ?? ''), ...fields]
    .filter((part) => part !== '')
    .join(' ');
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (value !== null && typeof value === 'object' && 'message' in value && 'name' in value) {
    // An error, as Powertools serializes it: its name and message; the stack stays in LOG_FORMAT=json.
    return JSON.stringify(
      `${String((value as { name: unknown }).name)}: ${String((value as { message: unknown }).message)}`,
    );
  }
  return JSON.stringify(value);
}
