// SPDX-License-Identifier: BSD-2-Clause
/*
 * Secret files: see secretfile.h.  The check is on the open descriptor, so
 * what is checked is what is read (no window for a rename in between).
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "secretfile.h"

int secret_file_check(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen,
			 "%s: mode %04o lets the group or others read or change the secret keys in it; refused (chmod 600 %s)",
			 path, (unsigned int)(st.st_mode & 07777), path);
		return -1;
	}
	return 0;
}
