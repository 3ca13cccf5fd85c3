/*
 * A serial line: com(4) and the tty layer, enough for EVFILT_READ on a terminal.
 *
 *   comintr  (IPL_SERIAL)     the UART interrupt: drain the receive FIFO into a ring and
 *                             schedule softserial, as com(4) does to keep the hard
 *                             interrupt short
 *   comsoft  (IPL_SOFTSERIAL) pass each character to the line discipline at spltty:
 *                             ttyinput appends to t_rawq, ttwakeup notifies t_rsel's klist
 *   tty_attach(k, events), sys_open_tty(k)
 * The line is in raw (non-canonical) mode: every character is readable at once.
 */
import type { DeviceEvent, KGen } from '../machine/machine.ts';
import { spltty, splx } from '../machine/spl.ts';
import { EAGAIN, EMFILE, ENOTTY } from './errno.ts';
import { EVFILT_READ, EVFILT_WRITE } from './event_h.ts';
import { fd_avail, fdalloc, file_create } from './kern_descrip.ts';
import { type Filterops, type Knote, knote, kqfilter_unsupported } from './kern_event.ts';
import { curlwp, ltsleep, wakeup } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import type { File, Fileops, WaitChannel } from './proc.ts';

export interface TtyState extends WaitChannel {
  t_rawq: string;
  t_rsel: Knote[];
  t_wsel: Knote[];
  /**
   * com0's line-event klist, posted from comintr at IPL_SERIAL (above splvm) on each
   * receive interrupt. Only in-kernel kcont listeners (kcont_listener.ts) attach here.
   */
  sc_klist: Knote[];
}

export function tty_attach(k: Kernel, events: readonly DeviceEvent[]): TtyState {
  const tp: TtyState = { t_rawq: '', t_rsel: [], t_wsel: [], sc_klist: [], chanName: 'tty00 rawq' };
  const com0 = k.m.device_attach('com0', 'serial', events);
  const fifo: string[] = [];
  k.m.intr_establish('serial', () => comintr(k, tp, com0.ring, fifo));
  k.m.intr_establish('softserial', () => comsoft(k, tp, fifo));
  return tp;
}

/* Nothing outranks IPL_SERIAL, so draining the UART needs no preemption point. */
function* comintr(k: Kernel, tp: TtyState, ring: unknown[], fifo: string[]): KGen {
  k.m.touch('com0 fifo');
  while (ring.length > 0) fifo.push(ring.shift() as string);
  k.m.softintr_schedule('softserial');
  yield* knote(k, tp.sc_klist, 0);
}

/*
 * com.c's com_rxsoft loop at IPL_SOFTSERIAL: each chunk of the receive ring goes to the line
 * discipline, ttyinput, which appends to t_rawq and calls ttwakeup (wakeup and the read
 * klist's KNOTE) at spltty, then splx: that splx is the loop's preemption point.
 */
function* comsoft(k: Kernel, tp: TtyState, fifo: string[]): KGen {
  k.m.touch('com0 fifo');
  k.m.touch('chan', tp.chanName);
  for (let chunk = fifo.shift(); chunk !== undefined; chunk = fifo.shift()) {
    const s = spltty(k.m);
    tp.t_rawq += chunk;
    // ttwakeup
    wakeup(k, tp);
    yield* knote(k, tp.t_rsel, 0);
    yield* splx(k.m, s, 'comsoft:splx');
  }
}

function* ttread(k: Kernel, fp: File, nbytes: number, nonblock: boolean): KGen<{ error: number; data: string }> {
  const tp = fp.f_data as TtyState;
  for (;;) {
    k.m.touch('chan', tp.chanName);
    const nospl = k.build.has('mutant-ttread-nospl');
    const s = nospl ? k.m.cpl : spltty(k.m);
    if (tp.t_rawq.length > 0) {
      const rawq = tp.t_rawq;
      if (nospl) {
        // Outside spltty: comsoft may append between this read of t_rawq and the update.
        yield 'ttread:rawq-read';
        k.m.touch('chan', tp.chanName);
      }
      const data = rawq.slice(0, nbytes);
      tp.t_rawq = rawq.slice(data.length);
      yield* splx(k.m, s, 'ttread:splx');
      return { error: 0, data };
    }
    if (nonblock) {
      yield* splx(k.m, s, 'ttread:splx');
      return { error: EAGAIN, data: '' };
    }
    const error = yield* ltsleep(k, tp, true, 'ttyin', 0);
    yield* splx(k.m, s, 'ttread:splx');
    if (error) return { error, data: '' };
  }
}

function klist_of(fp: File, filter: number): Knote[] {
  const tp = fp.f_data as TtyState;
  return filter === EVFILT_READ ? tp.t_rsel : tp.t_wsel;
}

function filt_ttydetach(_k: Kernel, kn: Knote): void {
  const list = klist_of(kn.kn_fp as File, kn.kn_kevent.filter);
  list.splice(list.indexOf(kn), 1);
}

function* filt_ttyread(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  kn.kn_kevent.data = ((kn.kn_fp as File).f_data as TtyState).t_rawq.length;
  return kn.kn_kevent.data > 0;
}

/* Output is not modelled: the output queue is always empty, so the line is writable. */
function* filt_ttywrite(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  kn.kn_kevent.data = 0;
  return true;
}

const ttyread_filtops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_ttydetach, f_event: filt_ttyread };
const ttywrite_filtops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_ttydetach, f_event: filt_ttywrite };

function ttkqfilter(k: Kernel, fp: File, kn: Knote): number {
  if (kn.kn_kevent.filter === EVFILT_READ) kn.kn_fop = ttyread_filtops;
  else if (kn.kn_kevent.filter === EVFILT_WRITE) kn.kn_fop = ttywrite_filtops;
  else return kqfilter_unsupported(k);
  klist_of(fp, kn.kn_kevent.filter).unshift(kn);
  return 0;
}

const ttyops: Fileops = {
  fo_read: ttread,
  *fo_write(_k, _fp, data) {
    return { error: 0, written: data.length };
  },
  fo_kqfilter: ttkqfilter,
  *fo_ioctl() {
    return ENOTTY;
  },
  *fo_close() {
    return 0;
  },
};

export function* sys_open_tty(k: Kernel): KGen<{ error: number; fd: number }> {
  if (!fd_avail(curlwp(k).l_proc, 1)) return { error: EMFILE, fd: -1 };
  const fp = file_create(k, 'tty', ttyops, k.tty, 'tty00');
  const fd = fdalloc(curlwp(k).l_proc, fp);
  yield 'sys_open:done';
  return { error: 0, fd };
}
