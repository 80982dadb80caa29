/**
 * One server per data directory. dynalite's LevelDB refuses a second opener only deep inside, with
 * "Database is closed"; this says plainly who holds the directory. The same file tells the next start
 * whether the last one stopped cleanly: a file left by a process that is gone means it was killed.
 */
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE_NAME = 'countersign.pid';

/** Another live process holds the data directory. */
export class DataDirectoryInUseError extends Error {
  constructor(
    readonly directory: string,
    readonly pid: number | undefined,
  ) {
    super(
      `The data directory ${directory} is in use by another running Countersign server` +
        `${pid === undefined ? '' : ` (PID ${pid})`}. Stop that server first, or give this one its own ` +
        'directory with COUNTERSIGN_DATA_DIR.',
    );
    this.name = 'DataDirectoryInUseError';
  }
}

export interface DataDirectoryLock {
  /** The previous server using this directory stopped without releasing it (a crash or kill -9). */
  readonly previousStopWasUnclean: boolean;
  release(): void;
}

/** Takes the directory (which must exist) for this process, or throws `DataDirectoryInUseError`. */
export function lockDataDirectory(directory: string): DataDirectoryLock {
  const file = join(directory, LOCK_FILE_NAME);
  let previousStopWasUnclean = false;
  try {
    closeSync(writeExclusive(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = readPid(file);
    if (holder !== undefined && isAlive(holder) && isNode(holder)) {
      throw new DataDirectoryInUseError(directory, holder);
    }
    // Left by a process that no longer runs: take it over (write then rename, never half a file).
    previousStopWasUnclean = true;
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${process.pid}\n`);
    renameSync(temp, file);
  }
  return {
    previousStopWasUnclean,
    release: () => {
      if (readPid(file) === process.pid) unlinkSync(file);
    },
  };

  function writeExclusive(path: string): number {
    const fd = openSync(path, 'wx');
    writeFileSync(fd, `${process.pid}\n`);
    return fd;
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * After a reboot a dead server's PID may belong to an unrelated program; where /proc tells, only a
 * Node process counts as the holder.
 */
function isNode(pid: number): boolean {
  try {
    return /node|tsx/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which still holds the directory.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
