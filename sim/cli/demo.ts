/*
 * `kqsim demo` (what `npm start` runs): a guided tour. One short narrated run of
 * nic-softnet, with a heading before each idea as it first appears in the trace (kqueue, a
 * sleep in kevent, an interrupt, a deferral, a knote activated, the event returned) and the
 * reason it happened (the same explanations teaching mode gives), then the commands to try
 * next.
 *
 *   demo_tour(out)        run the tour; resolves to the exit code
 *   register_demo(prog)   add the command
 */

import type { Writable } from 'node:stream';
import type { Command } from '@commander-js/extra-typings';
import { build_parse } from '../../src/builds.ts';
import { i386 } from '../../src/machine/platform.ts';
import type { TraceEvent } from '../../src/trace.ts';
import { run_scenario } from '../run/runner.ts';
import { scenario_load } from '../scenario.ts';
import { is_deferral } from '../view/deferral.ts';
import { narrate_event, outcome_line } from '../view/narrate.ts';
import { teach_points } from '../view/teach.ts';

interface Chapter {
  readonly title: string;
  match(ev: TraceEvent): boolean;
}

const CHAPTERS: readonly Chapter[] = [
  {
    title: 'kqueue(2): the server makes an event queue, then asks kevent(2) to watch its socket (EVFILT_READ).',
    match: (ev) => ev.kind === 'syscall' && ev.name === 'kqueue',
  },
  {
    title: 'Nothing is readable yet, so kqueue_scan puts the server to sleep on the kqueue.',
    match: (ev) => ev.kind === 'sleep',
  },
  {
    title: 'An interrupt: a datagram reaches nic0, which raises its line at IPL_NET.',
    match: (ev) => ev.kind === 'device',
  },
  {
    title: 'A deferral: the hardware handler only queues the packet; the rest waits for a soft interrupt.',
    match: is_deferral,
  },
  {
    title: 'The knote: udp_input -> sorwakeup -> knote() runs the filter, which finds the socket readable.',
    match: (ev) => ev.kind === 'knote' && ev.op === 'activate',
  },
  {
    title: 'kevent returns the event to the server, which reads the datagram.',
    match: (ev) => ev.kind === 'sysret' && ev.name === 'kevent' && ev.ret > 0,
  },
];

const NEXT = [
  'Try next:',
  '  npx kqsim list                                     what can be simulated',
  '  npx kqsim run nic-softnet --teach                  predict each step before it is shown',
  '  npx kqsim run nic-softnet --seed 7                 let the packet arrive somewhere else',
  '  npx kqsim run nic-softnet --format html --out run.html',
  '                                                     step through it in a browser (offline page)',
  '  npx kqsim run nic-softnet --format perfetto --out trace.json',
  '                                                     open it in ui.perfetto.dev or chrome://tracing',
  '  npx kqsim diff oneshot-clear-disable --build netbsd-2.0 --vs netbsd-2.0+mutant-oneshot-requeue',
  '                                                     two kernel builds on one schedule: where they differ',
  '  npx kqsim run nic-softnet --build netbsd-2.0+mutant-lost-wakeup --schedule kq2:nic-softnet:0*10.1',
  '                                                     a broken kernel loses the wakeup',
];

export async function demo_tour(out: Writable): Promise<number> {
  const say = (s: string) => out.write(`${s}\n`);
  const scenario = await scenario_load('nic-softnet');
  const r = run_scenario({ scenario, build: build_parse('netbsd-2.0'), platform: i386 });
  say('kqsim: a tour of the BSD kernel event subsystem, on a simulated NetBSD 2.0 (i386).');
  say('A process waits in kevent(2) for a UDP datagram; the network card delivers one. Each line is');
  say('one thing the kernel did: step, tick, context (a process, an interrupt or idle) @ the cpl');
  say('(the interrupt priority level: what may interrupt it), then what happened and why.');
  const why = new Map(teach_points(r.events, i386).map((t) => [t.index, t.explain]));
  const shown = new Set<Chapter>();
  for (const [i, ev] of r.events.entries()) {
    const chapter = CHAPTERS.find((c) => !shown.has(c) && c.match(ev));
    if (chapter) {
      shown.add(chapter);
      say('');
      say(`== ${shown.size}. ${chapter.title}`);
      const reason = why.get(i);
      if (reason) say(`   why: ${reason}`);
    }
    const line = narrate_event(ev, { platform: i386 });
    if (line !== null) say(line);
  }
  say('');
  say(outcome_line(r.outcome, r.steps, r.ticks));
  say(`schedule: ${r.schedule}   (replay it with: npx kqsim replay nic-softnet --schedule ${r.schedule})`);
  say('');
  for (const l of NEXT) say(l);
  return r.outcome.kind === 'done' ? 0 : 1;
}

export function register_demo(prog: Command): void {
  prog
    .command('demo')
    .description('a guided tour: a short narrated run, then what to try next (npm start)')
    .action(async () => {
      process.exitCode = await demo_tour(process.stdout);
    });
}
