/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * secretfile.h - files that hold secrets (ntp.keys, NTS cookie keys) are
 * refused when anyone but their owner may read or change them, with a
 * message that says why and how to fix it, as ssh refuses a private key.
 */
#ifndef NTPSEC_SECRETFILE_H
#define NTPSEC_SECRETFILE_H

#include <stddef.h>

/*
 * 0 if the open file @fd (named @path in messages) is a regular file that
 * only its owner can read or write; else -1 with the reason in @err.
 */
int secret_file_check(int fd, const char *path, char *err, size_t errlen);

#endif
