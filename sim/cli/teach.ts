/*
 * `kqsim run <scenario> --teach`: the narrated run, but before each interesting step it asks
 * what happens next (sim/view/teach.ts), reads the answer from stdin, then reveals and explains.
 * Answers are read line by line, so they can come from a pipe; at end of input the rest of
 * the run is revealed without asking.
 *
 *   teach_run(result, description, input, output)   run the dialogue; resolves to the score
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { platform_get } from '../../src/machine/platform.ts';
import type { RunResult } from '../run/runner.ts';
import { narrate_event, outcome_line } from '../view/narrate.ts';
import { safe_text } from '../view/safe_text.ts';
import { type TeachPoint, teach_points } from '../view/teach.ts';

export interface TeachScore {
  readonly asked: number;
  readonly right: number;
}

export async function teach_run(r: RunResult, description: string | undefined, input: Readable, output: Writable): Promise<TeachScore> {
  // Questions and explanations name the scenario's processes: every line is made safe.
  const say = (s: string) => output.write(`${safe_text(s)}\n`);
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const lines = rl[Symbol.asyncIterator]();
  let eof = false;
  const read = async (): Promise<string | null> => {
    if (eof) return null;
    const n = await lines.next();
    if (n.done) {
      eof = true;
      say('(end of input: the rest is revealed without asking)');
      return null;
    }
    return n.value.trim();
  };

  const h = r.header;
  say(`kqsim ${h.kqsim}: scenario ${h.scenario} on build ${h.build}, platform ${h.platform}, chooser ${h.chooser}`);
  for (const l of (description ?? '').trim().split('\n')) if (l.trim()) say(`  ${l.trim()}`);
  say('Teaching mode: before each interesting step you are asked what happens next.');
  say('Answer with the number of your choice (an empty line just reveals it).');
  say('');

  const platform = platform_get(h.platform);
  const points = new Map<number, TeachPoint>(teach_points(r.events, platform).map((t) => [t.index, t]));
  let asked = 0;
  let right = 0;
  for (const [i, ev] of r.events.entries()) {
    const t = points.get(i);
    if (t) {
      let pick: number | null = null;
      if (!eof) {
        say(`? ${t.question}`);
        for (const [k, o] of t.options.entries()) say(`    ${k + 1}) ${o}`);
        output.write(`  your answer [1-${t.options.length}]: `);
        const a = await read();
        // Echo a piped answer so the transcript reads like a session (a terminal echoes it).
        if (a !== null && !(input as { isTTY?: boolean }).isTTY) output.write(`${safe_text(a)}\n`);
        if (a !== null && /^\d+$/.test(a) && Number(a) >= 1 && Number(a) <= t.options.length) pick = Number(a) - 1;
        if (a !== null) asked++;
        if (pick === t.answer) right++;
      }
      const verdict = pick === null ? 'answer' : pick === t.answer ? 'right' : 'not quite';
      say(`  -> ${verdict}: ${t.options[t.answer]}`);
      say(`     why: ${t.explain}`);
    }
    const line = narrate_event(ev, platform ? { platform } : {});
    if (line !== null) say(line);
  }
  say(outcome_line(r.outcome, r.steps, r.ticks));
  if (asked > 0) say(`you predicted ${right} of ${asked} step(s) right`);
  say(`schedule: ${r.schedule}`);
  // A terminal's stdin stays open after the last question: let go of it so the process ends.
  rl.close();
  input.destroy();
  return { asked, right };
}
