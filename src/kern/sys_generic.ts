/*
 * sys_generic.c: the read and write paths every descriptor shares, before the file's own
 * fo_read / fo_write.
 *
 *   dofileread(k, fp, nbytes, nonblock, offset)    EBADF unless opened for reading
 *   dofilewrite(k, fp, data, nonblock, offset)     EBADF unless opened for writing; a
 *       transfer cut short by EAGAIN, EINTR or ERESTART returns what was moved; EPIPE posts
 *       SIGPIPE to the writer
 * `nonblock` is a per-call O_NONBLOCK (kqsim's { nonblock } option) on top of the file's
 * FNONBLOCK; `offset` is pread/pwrite's (null: the file's own offset, which then moves).
 */
import type { KGen } from '../machine/machine.ts';
import { EAGAIN, EBADF, EINTR, EPIPE, ERESTART } from './errno.ts';
import { psignal, SIGPIPE } from './kern_sig.ts';
import { curlwp } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import { type File, FNONBLOCK, FREAD, FWRITE } from './proc.ts';

function nonblocking(fp: File, asked: boolean): boolean {
  return asked || (fp.f_flag & FNONBLOCK) !== 0;
}

export function* dofileread(k: Kernel, fp: File, nbytes: number, nonblock: boolean, offset: number | null): KGen<{ error: number; data: string }> {
  if ((fp.f_flag & FREAD) === 0) return { error: EBADF, data: '' };
  return yield* fp.f_ops.fo_read(k, fp, nbytes, nonblocking(fp, nonblock), offset);
}

export function* dofilewrite(k: Kernel, fp: File, data: string, nonblock: boolean, offset: number | null): KGen<{ error: number; written: number }> {
  if ((fp.f_flag & FWRITE) === 0) return { error: EBADF, written: 0 };
  const r = yield* fp.f_ops.fo_write(k, fp, data, nonblocking(fp, nonblock), offset);
  if (r.error !== 0 && r.written > 0 && (r.error === EAGAIN || r.error === EINTR || r.error === ERESTART)) return { error: 0, written: r.written };
  if (r.error === EPIPE) yield* psignal(k, curlwp(k).l_proc, SIGPIPE);
  return r;
}
