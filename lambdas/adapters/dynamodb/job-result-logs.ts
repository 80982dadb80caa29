/**
 * Logs live in the job result's item (single-item writes only), so they are bounded by lines and by
 * bytes: core's MAX_LOG_LINES × MAX_LOG_MESSAGE_LENGTH alone would allow ~2 MB, five times DynamoDB's
 * 400 KB item limit. The last line slot and a little of the byte budget are kept for the one notice
 * that says the log was cut.
 */
import { MAX_LOG_LINES, MAX_LOG_MESSAGE_LENGTH } from '../../core/job-results';
import type { LogLine } from '../../core/jobs';

/** Leaves room in the item for the job's input, its output (core caps it at 128 KiB) and the rest. */
export const MAX_LOG_BYTES = 160 * 1024;
const NOTICE_RESERVE_BYTES = 512;
/** Lines other than the truncation notice. */
export const LOG_LINE_BUDGET = MAX_LOG_LINES - 1;
export const LOG_BYTE_BUDGET = MAX_LOG_BYTES - NOTICE_RESERVE_BYTES;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ELLIPSIS = '…';

export interface LogState {
  readonly count: number;
  readonly bytes: number;
}

export interface LogAppend extends LogState {
  /** What to append: the lines that fit, then the notice if some did not. */
  readonly lines: readonly LogLine[];
  readonly truncated: boolean;
}

/** Messages are cut to MAX_LOG_MESSAGE_LENGTH and made valid UTF-16 (DynamoDB refuses lone surrogates). */
export function normaliseLogLine(line: LogLine): LogLine {
  let message = line.message.replace(LONE_SURROGATE, '\uFFFD');
  if (message.length > MAX_LOG_MESSAGE_LENGTH) {
    let cut = MAX_LOG_MESSAGE_LENGTH - ELLIPSIS.length;
    const code = message.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    message = message.slice(0, cut) + ELLIPSIS;
  }
  return { level: line.level, message, time: line.time };
}

/** DynamoDB's item size counts attribute names and values; 3 bytes stand in for each element's overhead. */
export function logLineBytes(line: LogLine): number {
  return Buffer.byteLength(`levelmessagetime${line.level}${line.message}${line.time}`, 'utf8') + 3;
}

export function totalLogBytes(lines: readonly LogLine[]): number {
  return lines.reduce((sum, line) => sum + logLineBytes(line), 0);
}

/** Which of `lines` (already normalised) fit after `state`, plus the notice when some do not. */
export function fitLogs(state: LogState, lines: readonly LogLine[]): LogAppend {
  const kept: LogLine[] = [];
  let { count, bytes } = state;
  for (const line of lines) {
    const size = logLineBytes(line);
    if (count + 1 > LOG_LINE_BUDGET || bytes + size > LOG_BYTE_BUDGET) {
      const notice: LogLine = {
        level: 'warning',
        message:
          `Log truncated: a job result keeps at most ${MAX_LOG_LINES} lines and ${MAX_LOG_BYTES / 1024} KiB ` +
          'of log; later lines were dropped.',
        time: line.time,
      };
      kept.push(notice);
      return { lines: kept, count: count + 1, bytes: bytes + logLineBytes(notice), truncated: true };
    }
    kept.push(line);
    count += 1;
    bytes += size;
  }
  return { lines: kept, count, bytes, truncated: false };
}
