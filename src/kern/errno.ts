/*
 * errno values as NetBSD's sys/errno.h numbers them, plus the kernel-internal ERESTART and
 * EJUSTRETURN. A syscall returns 0 or one of these.
 */
export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EIO = 5;
export const ENXIO = 6;
export const EBADF = 9;
export const ECHILD = 10;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EEXIST = 17;
export const EINVAL = 22;
export const EMFILE = 24;
export const ENOTTY = 25;
export const EPIPE = 32;
export const EAGAIN = 35;
export const EWOULDBLOCK = EAGAIN;
export const ENOTSOCK = 38;
export const EADDRINUSE = 48;
export const ENOTCONN = 57;
export const ENAMETOOLONG = 63;
/** The syscall does not exist in this build (a design's own API replaces it). */
export const ENOSYS = 78;
/** Kernel-internal: restart the syscall (never seen by user code). */
export const ERESTART = -1;
/** Kernel-internal: return to user without touching the result registers. */
export const EJUSTRETURN = -2;

const NAMES: Readonly<Record<number, string>> = {
  0: '0',
  [EPERM]: 'EPERM',
  [ENOENT]: 'ENOENT',
  [ESRCH]: 'ESRCH',
  [EINTR]: 'EINTR',
  [EIO]: 'EIO',
  [ENXIO]: 'ENXIO',
  [EBADF]: 'EBADF',
  [ECHILD]: 'ECHILD',
  [ENOMEM]: 'ENOMEM',
  [EACCES]: 'EACCES',
  [EFAULT]: 'EFAULT',
  [EEXIST]: 'EEXIST',
  [EINVAL]: 'EINVAL',
  [EMFILE]: 'EMFILE',
  [ENOTTY]: 'ENOTTY',
  [EPIPE]: 'EPIPE',
  [EAGAIN]: 'EAGAIN',
  [ENOTSOCK]: 'ENOTSOCK',
  [EADDRINUSE]: 'EADDRINUSE',
  [ENOTCONN]: 'ENOTCONN',
  [ENAMETOOLONG]: 'ENAMETOOLONG',
  [ENOSYS]: 'ENOSYS',
  [ERESTART]: 'ERESTART',
  [EJUSTRETURN]: 'EJUSTRETURN',
};

export function errno_name(e: number): string {
  return NAMES[e] ?? `errno ${e}`;
}
