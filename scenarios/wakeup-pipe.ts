/*
 * wakeup-pipe: Bill Studenmund's alternative to ktickle (tech-kern, 2007-10-24): a pipe
 * registered in the kqueue, woken with one atomic write that also carries the message.
 */
import { wakeupScenario } from './lib/wakeup.ts';

export default wakeupScenario(
  'pipe',
  "Studenmund's pipe: a second thread wakes the busy server with one atomic write (any build)",
  `The server thread registers the read end of a pipe in its kqueue next to four UDP
sockets. The second thread writes "stop" to the pipe in one write(2): pipeselwakeup ->
knote() queues the pipe's knote behind whatever datagrams are already queued, and the
message travels with the wake-up. The server reads it when kevent returns the pipe.`,
);
