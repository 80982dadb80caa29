/** The emulator's schedules on disk, so they survive a restart of the local server. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredSchedule } from './stored-schedule';

const STATE_FILE = 'schedules.json';
const STATE_VERSION = 1;

interface StateFile {
  readonly version: number;
  readonly schedules: readonly StoredSchedule[];
}

export class ScheduleFile {
  private readonly file: string;
  private tempFiles = 0;

  constructor(directory: string) {
    mkdirSync(directory, { recursive: true });
    this.file = join(directory, STATE_FILE);
  }

  /** The schedules last saved; none when nothing was saved yet. */
  load(): StoredSchedule[] {
    if (!existsSync(this.file)) return [];
    let state: StateFile;
    try {
      state = JSON.parse(readFileSync(this.file, 'utf8')) as StateFile;
    } catch (error) {
      throw new Error(`LocalScheduler cannot read ${this.file}; move it aside to start empty.`, {
        cause: error,
      });
    }
    if (state.version !== STATE_VERSION || !Array.isArray(state.schedules)) {
      throw new Error(`LocalScheduler does not understand ${this.file} (version ${String(state.version)}).`);
    }
    return [...state.schedules];
  }

  /** Written to a temporary file and renamed over the old one, so a crash never leaves half a file. */
  save(schedules: Iterable<StoredSchedule>): void {
    const state: StateFile = { version: STATE_VERSION, schedules: [...schedules] };
    this.tempFiles += 1;
    const temp = `${this.file}.${process.pid}.${this.tempFiles}.tmp`;
    writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(temp, this.file);
  }
}
