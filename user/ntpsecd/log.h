/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECD_LOG_H
#define NTPSECD_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* To stderr in the foreground, else syslog, or to -l/logfile FILE. */
void log_open(bool foreground, const char *logfile, int debug);
void log_msg(int priority, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
