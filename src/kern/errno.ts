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
export const EXDEV = 18;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const EMFILE = 24;
export const ENOTTY = 25;
export const ESPIPE = 29;
export const EMLINK = 31;
export const EPIPE = 32;
export const EAGAIN = 35;
export const EWOULDBLOCK = EAGAIN;
export const EINPROGRESS = 36;
export const EALREADY = 37;
export const ENOTSOCK = 38;
export const EDESTADDRREQ = 39;
export const ENOPROTOOPT = 42;
export const EPROTONOSUPPORT = 43;
export const EOPNOTSUPP = 45;
export const EAFNOSUPPORT = 47;
export const EADDRINUSE = 48;
export const EADDRNOTAVAIL = 49;
export const ECONNABORTED = 53;
export const ECONNRESET = 54;
export const ENOBUFS = 55;
export const EISCONN = 56;
export const ENOTCONN = 57;
export const ETIMEDOUT = 60;
export const ECONNREFUSED = 61;
export const ENAMETOOLONG = 63;
export const ENOTEMPTY = 66;
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
  [EXDEV]: 'EXDEV',
  [ENOTDIR]: 'ENOTDIR',
  [EISDIR]: 'EISDIR',
  [EINVAL]: 'EINVAL',
  [EMFILE]: 'EMFILE',
  [ENOTTY]: 'ENOTTY',
  [ESPIPE]: 'ESPIPE',
  [EMLINK]: 'EMLINK',
  [EPIPE]: 'EPIPE',
  [EAGAIN]: 'EAGAIN',
  [EINPROGRESS]: 'EINPROGRESS',
  [EALREADY]: 'EALREADY',
  [ENOTSOCK]: 'ENOTSOCK',
  [EDESTADDRREQ]: 'EDESTADDRREQ',
  [ENOPROTOOPT]: 'ENOPROTOOPT',
  [EPROTONOSUPPORT]: 'EPROTONOSUPPORT',
  [EOPNOTSUPP]: 'EOPNOTSUPP',
  [EAFNOSUPPORT]: 'EAFNOSUPPORT',
  [EADDRINUSE]: 'EADDRINUSE',
  [EADDRNOTAVAIL]: 'EADDRNOTAVAIL',
  [ECONNABORTED]: 'ECONNABORTED',
  [ECONNRESET]: 'ECONNRESET',
  [ENOBUFS]: 'ENOBUFS',
  [EISCONN]: 'EISCONN',
  [ENOTCONN]: 'ENOTCONN',
  [ETIMEDOUT]: 'ETIMEDOUT',
  [ECONNREFUSED]: 'ECONNREFUSED',
  [ENAMETOOLONG]: 'ENAMETOOLONG',
  [ENOTEMPTY]: 'ENOTEMPTY',
  [ENOSYS]: 'ENOSYS',
  [ERESTART]: 'ERESTART',
  [EJUSTRETURN]: 'EJUSTRETURN',
};

export function errno_name(e: number): string {
  return NAMES[e] ?? `errno ${e}`;
}
