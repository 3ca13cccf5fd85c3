/*
 * designs-compare: one workload on every event design (scenarios/lib/designs.ts): three UDP
 * sockets, six datagrams from nic0 over ticks 2-4, two worker threads. Runs on netbsd-2.0
 * (kqueue), linux-kevent and dillon-2000; `kqsim compare designs-compare --builds
 * netbsd-2.0,linux-kevent,dillon-2000` measures each from its traces.
 */
import { defineScenario } from '../sim/scenario.ts';
import { DATAGRAMS, designs_workload, PORTS, THREADS } from './lib/designs.ts';

export default defineScenario({
  summary: 'one workload on kqueue, Linux kevent and Dillon 2000: N sockets, M datagrams from nic0, K waiting threads (kqsim compare)',
  description: `A server with ${PORTS.length} UDP sockets and ${THREADS} worker threads waiting on one queue
of the build's event design: kqueue (netbsd-2.0), /dev/kevent (linux-kevent) or Dillon's
kqueuectl/kevent (dillon-2000). ${DATAGRAMS.length} datagrams arrive from nic0 over ticks 2-4;
each worker waits, then reads every socket it was told about until EAGAIN.`,
  nic: DATAGRAMS,
  processes: [{ name: 'server', main: designs_workload }],
});
