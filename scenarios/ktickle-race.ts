/*
 * ktickle-race: a busy server thread in kevent and a second thread that tickles the
 * kqueue once. Nothing here scripts when the tickle lands relative to the datagrams: the
 * schedule decides. On netbsd-4.0+ktickle-v1 some schedules tickle while datagrams are
 * queued, and the scan returns EINTR over them (tickle-eintr-only-when-idle fails).
 */
import { wakeupScenario } from './lib/wakeup.ts';

export default wakeupScenario(
  'ktickle',
  'a second thread tickles a busy server thread in kevent (run on netbsd-4.0+ktickle-v1 or -v2)',
  `A server thread waits in kevent on four UDP sockets while eight datagrams arrive over
ticks 0-3. A second thread of the same process puts a message in a shared mailbox and
tickles the kqueue (the ktickle ioctl): kqueue_scan returns EINTR if nothing is queued, and
a return with real events silently consumes the tickle, so the server also checks the
mailbox after every return. Whether the tickle meets queued datagrams is up to the schedule.`,
);
