/*
 * vfs_lookup.c: namei, reduced to what the in-memory file system needs. Every process's
 * current and root directory is the file system's root, so "foo/bar" and "/foo/bar" name
 * the same file; there are no symbolic links or mount points.
 *
 *   namei(k, path, cred)   { dip, name, ip }: the directory holding the last component, its
 *                          name there, and the inode it names (null if there is none, for a
 *                          caller that creates it). Errors: ENOENT (an empty path or a
 *                          missing directory on the way), ENOTDIR (a component on the way
 *                          is not a directory), EACCES (no search permission on the way),
 *                          ENAMETOOLONG (a component over NAME_MAX or a path over PATH_MAX)
 */
import { EACCES, ENAMETOOLONG, ENOENT, ENOTDIR } from './errno.ts';
import type { Kernel } from './kernel.ts';
import type { Cred } from './proc.ts';
import { type Inode, ufs_access, ufs_root, VEXEC } from './ufs_vnops.ts';

export const NAME_MAX = 255;
export const PATH_MAX = 1024;

export interface Nameidata {
  readonly dip: Inode;
  /** The last component ("." for the root itself). */
  readonly name: string;
  readonly ip: Inode | null;
}

function lookup(dir: Inode, name: string): Inode | null {
  if (name === '.') return dir;
  if (name === '..') return dir.i_parent;
  return dir.i_entries.get(name) ?? null;
}

export function namei(k: Kernel, path: string, cred: Cred): Nameidata | number {
  if (path === '') return ENOENT;
  if (path.length >= PATH_MAX) return ENAMETOOLONG;
  const parts = path.split('/').filter((c) => c !== '');
  const root = ufs_root(k);
  if (parts.length === 0) return { dip: root, name: '.', ip: root };
  let dir = root;
  for (const [i, name] of parts.entries()) {
    if (name.length > NAME_MAX) return ENAMETOOLONG;
    if (dir.i_type !== 'VDIR') return ENOTDIR;
    if (ufs_access(dir, VEXEC, cred) !== 0) return EACCES;
    const ip = lookup(dir, name);
    if (i === parts.length - 1) return { dip: dir, name, ip };
    if (!ip) return ENOENT;
    dir = ip;
  }
  return ENOENT;
}
