/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECD_DAEMONIZE_H
#define NTPSECD_DAEMONIZE_H

/*
 * Becoming a daemon the way init systems expect of a forking service: the
 * process that was started waits until the daemon says it is ready (or
 * why not) and exits with that status, so "ntpsecd && echo started" and
 * systemd's Type=forking tell the truth; the daemon is a session leader
 * in /, its standard streams on /dev/null.
 */

/* Forks; returns in the daemon only (a pipe to the waiting parent), or -1. */
int daemonize_start(void);
/* Tells the parent: 0 ready (it exits 0), else it exits with @status. */
void daemonize_done(int fd, int status);

/*
 * Writes our pid to @path, refusing (-EEXIST) when it names a live
 * ntpsecd: two daemons would fight over the clock.  0 or -errno.
 */
int pidfile_write(const char *path);

#endif
