/*
 * Invariants of socket buffers (uipc_socket.c), which softnet fills while processes read:
 * the byte count agrees with the data, and no reader sleeps through data.
 *
 *   sockbuf-count-matches-data  no-sleep-on-ready-socket
 *
 * test/mutants.test.ts shows each firing on the mutant written for it.
 */
import type { Kernel } from '../../src/kern/kernel.ts';
import type { Proc } from '../../src/kern/proc.ts';
import { Sockbuf, type Socket } from '../../src/kern/uipc_socket.ts';
import type { Invariant } from './invariant.ts';

const NO_SOCKETS: readonly Socket[] = [];
const has_socket = (p: Proc) => p.p_fd.fd_ofiles.some((fp) => fp?.f_type === 'socket');

/** The sockets open in some process, in process and descriptor order. */
function open_sockets(k: Kernel): readonly Socket[] {
  // Checked at every step: most scenarios have no socket, so find that out without allocating.
  if (!k.procs.some(has_socket)) return NO_SOCKETS;
  const out: Socket[] = [];
  for (const p of k.procs)
    for (const fp of p.p_fd.fd_ofiles) if (fp?.f_type === 'socket' && !out.includes(fp.f_data as Socket)) out.push(fp.f_data as Socket);
  return out;
}

const sockbufCountMatchesData: Invariant = {
  name: 'sockbuf-count-matches-data',
  description: "a socket buffer's sb_cc equals the bytes it holds",
  watch: (k) => ({
    afterStep() {
      for (const so of open_sockets(k)) {
        for (const sb of [so.so_rcv, so.so_snd]) {
          const bytes = sb.records.reduce((n, r) => n + r.length, 0);
          if (bytes !== sb.sb_cc) return `${sb.chanName}: sb_cc is ${sb.sb_cc} but it holds ${bytes} byte(s)`;
        }
      }
      return null;
    },
  }),
};

/*
 * Once the cpu idles, nobody sleeps in soreceive on a receive buffer that has data: the
 * protocol's append is followed by sorwakeup, which wakes a reader that set sb_wait.
 */
const noSleepOnReadySocket: Invariant = {
  name: 'no-sleep-on-ready-socket',
  description: 'a datagram appended while a process sleeps in read(2) on the socket wakes it',
  watch: (k) => ({
    afterStep() {
      if (!k.m.isIdle()) return null;
      for (const l of k.sleepq) {
        const sb = l.l_wchan;
        if (sb instanceof Sockbuf && l.l_wmesg === 'netio' && sb.sb_cc > 0) {
          return `${l.thread.name} sleeps in read on ${sb.chanName} although it holds ${sb.sb_cc} byte(s), and the cpu is idle`;
        }
      }
      return null;
    },
  }),
};

export const SOCKET_INVARIANTS: readonly Invariant[] = [sockbufCountMatchesData, noSleepOnReadySocket];
