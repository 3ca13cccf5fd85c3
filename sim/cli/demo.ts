/*
 * `kqsim demo` (what `npm start` runs): the guided tour of sim/view/tour.ts. On a terminal it
 * goes chapter by chapter (Enter, Space or Right for the next, q or Esc to quit) in colour
 * (picocolors, which honours NO_COLOR and FORCE_COLOR); into a pipe or a file it prints it
 * all at once, without colour, and exits.
 *
 *   demo_tour(io)          run the tour; resolves to the exit code
 *   register_demo(prog)    add the command
 */
import type { Readable, Writable } from 'node:stream';
import type { Command } from '@commander-js/extra-typings';
import pc from 'picocolors';
import { build_parse } from '../../src/builds.ts';
import { i386 } from '../../src/machine/platform.ts';
import { run_scenario } from '../run/runner.ts';
import { scenario_load } from '../scenario.ts';
import { type TourLine, tour_pages } from '../view/tour.ts';
import { command_help, EXIT } from './args.ts';

export interface TourIO {
  readonly out: Writable & { readonly isTTY?: boolean };
  readonly input?: Readable & { readonly isTTY?: boolean; setRawMode?(on: boolean): unknown };
  /** Pause after each chapter (default: input and output are both terminals). */
  readonly interactive?: boolean;
  /** Colour (default: the output is a terminal that supports it). */
  readonly color?: boolean;
}

type Colors = ReturnType<typeof pc.createColors>;

function styled(c: Colors, l: TourLine): string {
  switch (l.kind) {
    case 'title':
    case 'heading':
      return l.kind === 'heading' ? c.bold(c.cyan(l.text)) : c.bold(l.text);
    case 'why':
      return c.yellow(l.text);
    case 'note':
      return c.magenta(l.text);
    case 'outcome':
      return c.bold(l.text.startsWith('outcome: ok') ? c.green(l.text) : c.red(l.text));
    case 'schedule':
      return c.dim(l.text);
    case 'event': {
      const [step, tick, where, text] = l.cols;
      const ctx = l.ev.ctx;
      const who = ctx.startsWith('intr ') ? c.red(where) : ctx === 'idle' ? c.dim(where) : c.blue(where);
      return `${c.dim(step)} ${c.dim(tick)} ${who} ${l.ev.kind === 'log' ? c.green(text) : text}`;
    }
    default:
      return l.text;
  }
}

type Key = 'next' | 'quit' | 'interrupt' | 'eof';

/** The next key press on a terminal in raw mode (or the end of the input). */
function key(input: Readable): Promise<Key> {
  return new Promise((done) => {
    const finish = (k: Key) => {
      input.off('data', onData);
      input.off('end', onEnd);
      done(k);
    };
    const onData = (chunk: Buffer | string) => {
      const s = chunk.toString();
      if (s === '\x03') finish('interrupt');
      else if (s === 'q' || s === 'Q' || s === '\x1b' || s === '\x04') finish('quit');
      else if (s === '\r' || s === '\n' || s === ' ' || s === 'n' || s === '\x1b[C' || s === '\x1b[B') finish('next');
    };
    const onEnd = () => finish('eof');
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}

export async function demo_tour(io: TourIO): Promise<number> {
  const { out, input } = io;
  const interactive = io.interactive ?? (out.isTTY === true && input?.isTTY === true);
  const c = pc.createColors(io.color ?? (out.isTTY === true && pc.isColorSupported));
  const scenario = await scenario_load('nic-softnet');
  const r = run_scenario({ scenario, build: build_parse('netbsd-2.0'), platform: i386 });
  const pages = tour_pages(r, i386);
  if (interactive && input) input.setRawMode?.(true);
  let paused = interactive && input !== undefined;
  try {
    for (const [n, page] of pages.entries()) {
      if (n > 0) out.write('\n');
      for (const l of page) out.write(`${styled(c, l)}\n`);
      if (!paused || n === pages.length - 1) continue;
      const last = n === pages.length - 2;
      out.write(
        c.dim(
          `  -- ${n === 0 ? 'Enter to start' : last ? 'Enter for the end' : `chapter ${n} of ${pages.length - 2}: Enter for the next`}, q to quit --`,
        ),
      );
      const k = await key(input as Readable);
      out.write('\r\x1b[K');
      if (k === 'eof') paused = false;
      if (k === 'quit' || k === 'interrupt') {
        out.write(`${c.dim('(tour stopped: npx kqsim demo starts it again)')}\n`);
        return k === 'interrupt' ? 130 : 0;
      }
    }
  } finally {
    if (interactive && input) {
      input.setRawMode?.(false);
      input.pause();
    }
  }
  return r.outcome.kind === 'done' ? 0 : 1;
}

export function register_demo(prog: Command): void {
  const cmd = prog
    .command('demo')
    .description('a guided tour: a short narrated run chapter by chapter, then what to try next (npm start)')
    .action(async () => {
      process.exitCode = await demo_tour({ out: process.stdout, input: process.stdin });
    });
  command_help(cmd, {
    examples: [
      ['npm start', 'the tour, on a terminal: Enter for the next chapter, q to quit'],
      ['kqsim demo | less', 'all of it at once, without colour'],
    ],
    exits: { 0: 'the tour ran (or you quit it)', 2: EXIT.input, 130: EXIT.interrupted },
  });
}
