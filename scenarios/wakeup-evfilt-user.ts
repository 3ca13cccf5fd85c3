/*
 * wakeup-evfilt-user: the modern answer, EVFILT_USER (FreeBSD 8, NetBSD 10): a user event
 * triggered by kevent(NOTE_TRIGGER) carrying a 24-bit word in fflags.
 */
import { wakeupScenario } from './lib/wakeup.ts';

export default wakeupScenario(
  'user',
  'EVFILT_USER: a second thread triggers a user event on the busy server (netbsd-modern)',
  `The server thread registers EVFILT_USER ident 1 with EV_CLEAR next to four UDP sockets.
The second thread calls kevent with NOTE_TRIGGER|NOTE_FFCOPY and the message code in the
low 24 bits of fflags; filt_usertouch stores the code and triggers the knote, which is
queued like any event. No descriptor, no bytes through a buffer.`,
);
