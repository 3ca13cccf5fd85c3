/*
 * wakeup-compare: the same workload, with the wake-up mechanism found at run time as a
 * portable program would: EVFILT_USER, else the ktickle ioctl, else a pipe. Run it on
 * several builds with `kqsim compare wakeup-compare --builds ...`.
 */
import { wakeupScenario } from './lib/wakeup.ts';

export default wakeupScenario(
  'probe',
  'the wake-up workload with the mechanism probed at run time (for kqsim compare)',
  `The server probes for a wake-up mechanism: EV_ADD of EVFILT_USER (netbsd-modern), else the
KTICKLE ioctl (ENOTTY without ktickle; a probing tickle is consumed by a poll), else a
pipe. Then a second thread wakes it with a message while datagrams arrive.`,
);
