// SPDX-License-Identifier: BSD-2-Clause
/*
 * Daemon mode and the pid file (see daemonize.h).
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemonize.h"

int daemonize_start(void)
{
	int p[2], null;
	unsigned char status = 1;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		/* The parent: the daemon's word, or its death (EOF), decides. */
		close(p[1]);
		if (read(p[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(p[0]);
	if (setsid() < 0 || chdir("/"))
		return -1;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return -1;
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	if (null > STDERR_FILENO)
		close(null);
	return p[1];
}

void daemonize_done(int fd, int status)
{
	unsigned char s = (unsigned char)(status ? status : 0);

	if (fd < 0)
		return;
	if (write(fd, &s, 1) != 1) {
		/* The parent is gone: nobody to tell. */
	}
	close(fd);
}

/* The pid in @path if that process is alive and is an ntpsecd. */
static pid_t running_pid(const char *path)
{
	char comm_path[64], comm[32] = "";
	FILE *f = fopen(path, "r");
	int pid = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 0 || pid == getpid() || (kill(pid, 0) && errno == ESRCH))
		return 0;
	snprintf(comm_path, sizeof(comm_path), "/proc/%d/comm", pid);
	f = fopen(comm_path, "r");
	if (!f)
		return 0;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = 0;
	fclose(f);
	return strncmp(comm, "ntpsecd", 7) ? 0 : pid;
}

int pidfile_write(const char *path)
{
	char tmp[4096];
	FILE *f;

	if (running_pid(path))
		return -EEXIST;
	/* Whole or not at all: a reader never sees a half-written pid. */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", (int)getpid());
	if (fclose(f) || rename(tmp, path)) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}
