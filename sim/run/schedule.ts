/*
 * Schedules: the compact printable form of every decision a run's chooser made, so the run
 * can be replayed exactly.
 *
 *   kq2:<scenario>:<choices>
 *
 * <choices> lists the option index taken at each point that had more than one option, in
 * order, separated by '.', with `v*n` for n repeats of v. Trailing zeros are left out: a
 * replay takes option 0 (the default) once the list runs out. `kq2:pipe-read:` is the run
 * where nothing is disturbed. A schedule replays on the scenario, build, platform and
 * busy-tick bound (`--max-ticks-per-run`) it was recorded on.
 *
 * kq2 (issue 10): choice points inside interrupt handlers and the clock ticking while the
 * cpu is busy add options, so a kq1 index no longer names the same option; kq1 schedules
 * are refused with a line that says so.
 */

export const SCHEDULE_VERSION = 'kq2';

/** Older versions, with why they can no longer be replayed. */
const RETIRED: Readonly<Record<string, string>> = {
  kq1: 'recorded before interrupts could nest inside handlers and the clock could tick while the cpu is busy, so its option indices now name other options',
};

/** The bounds a schedule string is read within (said in the errors that enforce them). */
export const SCHEDULE_INDEX_MAX = 9999;
export const SCHEDULE_REPEAT_MAX = 9_999_999;
export const SCHEDULE_CHOICES_MAX = 10_000_000;

export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

export function schedule_encode(scenario: string, choices: readonly number[]): string {
  let end = choices.length;
  while (end > 0 && choices[end - 1] === 0) end--;
  const tokens: string[] = [];
  for (let i = 0; i < end; ) {
    const v = choices[i] as number;
    let n = 1;
    while (i + n < end && choices[i + n] === v) n++;
    tokens.push(n > 1 ? `${v}*${n}` : `${v}`);
    i += n;
  }
  return `${SCHEDULE_VERSION}:${scenario}:${tokens.join('.')}`;
}

export interface DecodedSchedule {
  readonly scenario: string;
  readonly choices: readonly number[];
}

/** Parse a schedule string; throws ScheduleError naming what is wrong and where. */
export function schedule_decode(text: string): DecodedSchedule {
  const s = text.trim();
  const first = s.indexOf(':');
  const last = s.lastIndexOf(':');
  if (first < 0 || first === last) {
    throw new ScheduleError(`malformed schedule '${text}': expected ${SCHEDULE_VERSION}:<scenario>:<choices>`);
  }
  const version = s.slice(0, first);
  const retired = RETIRED[version];
  if (retired !== undefined) {
    throw new ScheduleError(`a ${version} schedule cannot be replayed: ${retired}; record it again with this kqsim (it reads ${SCHEDULE_VERSION})`);
  }
  if (version !== SCHEDULE_VERSION) {
    throw new ScheduleError(`schedule version '${version}' is not supported (this kqsim reads ${SCHEDULE_VERSION})`);
  }
  const scenario = s.slice(first + 1, last);
  const body = s.slice(last + 1);
  const choices: number[] = [];
  if (body !== '') {
    body.split('.').forEach((tok, i) => {
      const m = /^(\d+)(?:\*(\d+))?$/.exec(tok);
      const bounds = `an index from 0 to ${SCHEDULE_INDEX_MAX}, optionally *<count> with a count from 1 to ${SCHEDULE_REPEAT_MAX}`;
      if (!m) throw new ScheduleError(`malformed schedule: token ${i + 1} '${tok}' is not <index> or <index>*<count> (${bounds})`);
      const v = Number(m[1]);
      const n = m[2] === undefined ? 1 : Number(m[2]);
      if (v > SCHEDULE_INDEX_MAX || n < 1 || n > SCHEDULE_REPEAT_MAX)
        throw new ScheduleError(`malformed schedule: token ${i + 1} '${tok}' is out of bounds (${bounds})`);
      if (choices.length + n > SCHEDULE_CHOICES_MAX) {
        throw new ScheduleError(`malformed schedule: it holds more than ${SCHEDULE_CHOICES_MAX} choices, the most a schedule may`);
      }
      for (let j = 0; j < n; j++) choices.push(v);
    });
  }
  return { scenario, choices };
}
