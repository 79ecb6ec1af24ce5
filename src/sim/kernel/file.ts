/**
 * The process's file descriptor table over open file descriptions (fs/file.c, include/linux/fdtable.h).
 *
 * An fd is an index into `proc.fds`; each slot holds an open-file id or -1. `fdAlloc` returns the
 * lowest free fd (alloc_fd → find_next_zero_bit), so a closed 4 is reused by the next open or accept.
 * Allocation fails with EMFILE at the RLIMIT_NOFILE soft limit. Every fd maps to exactly one open file.
 * Installing and removing touch the slot and the file first (core.ts `touch`), so the step that does
 * it claims the change.
 */
import { touch } from '../core.js';
import type { Machine, OpenFile } from '../machine.js';

/** Lowest free fd, or -1 (EMFILE) at the limit. Mirrors fs/file.c alloc_fd. */
export function fdAlloc(m: Machine): number {
  const fds = m.proc.fds;
  for (let fd = m.proc.nextFd; fd < fds.length; fd++) if (fds[fd] === -1) return (m.proc.nextFd = fd);
  if (fds.length >= m.proc.nofile) return -1;
  fds.push(-1);
  m.proc.nextFd = fds.length - 1;
  return fds.length - 1;
}

/** Creates an open file description and installs it at a fresh fd (fd_install). */
export function fdInstall(m: Machine, fd: number, f: Omit<OpenFile, 'id' | 'off' | 'watchers'>): OpenFile {
  const file: OpenFile = { id: m.nextFile++, off: 0, watchers: [], ...f };
  touch(m, 'file', file.id);
  touch(m, 'fd', fd);
  m.files[file.id] = file;
  m.proc.fds[fd] = file.id;
  return file;
}

/** The open file at `fd`, or undefined (EBADF). */
export function fileAt(m: Machine, fd: number): OpenFile | undefined {
  const id = m.proc.fds[fd];
  return id === undefined || id < 0 ? undefined : m.files[id];
}

/** Removes the fd and its open file (close_fd + the final fput). Trailing free slots are trimmed. */
export function fdRemove(m: Machine, fd: number): void {
  const id = m.proc.fds[fd];
  touch(m, 'fd', fd);
  if (id !== undefined && id >= 0) {
    touch(m, 'file', id);
    delete m.files[id];
  }
  m.proc.fds[fd] = -1;
  if (fd < m.proc.nextFd) m.proc.nextFd = fd;
  while (m.proc.fds.length > 3 && m.proc.fds[m.proc.fds.length - 1] === -1) m.proc.fds.pop();
}

/** The fd that refers to a socket, or -1. */
export function fdOfSock(m: Machine, sockId: number): number {
  const fds = m.proc.fds;
  for (let fd = 0; fd < fds.length; fd++) {
    const f = fds[fd] >= 0 ? m.files[fds[fd]] : undefined;
    if (f && f.type === 'socket' && f.obj === sockId) return fd;
  }
  return -1;
}
