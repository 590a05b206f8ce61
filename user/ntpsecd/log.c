// SPDX-License-Identifier: BSD-2-Clause
/*
 * Logging: syslog for a daemon, stderr in the foreground, a file when the
 * configuration or -l names one (lines timestamped as ntpd's are).
 */

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static bool to_syslog;
static FILE *logfile;
static int debug_level;

void log_open(bool foreground, const char *path, int debug)
{
	debug_level = debug;
	if (path) {
		logfile = fopen(path, "a");
		if (logfile) {
			setvbuf(logfile, NULL, _IOLBF, 0);
			return;
		}
		fprintf(stderr, "ntpsecd: cannot open log file %s; using %s\n",
			path, foreground ? "stderr" : "syslog");
	}
	if (!foreground) {
		openlog("ntpsecd", LOG_PID, LOG_DAEMON);
		to_syslog = true;
	}
}

void log_msg(int priority, const char *fmt, ...)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
	};
	char when[32];
	struct tm tm;
	time_t now;
	va_list ap;
	FILE *out;

	if (priority == LOG_DEBUG && !debug_level)
		return;
	va_start(ap, fmt);
	if (to_syslog) {
		vsyslog(priority, fmt, ap);
		va_end(ap);
		return;
	}
	out = logfile ? logfile : stderr;
	now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", gmtime_r(&now, &tm));
	fprintf(out, "%s ntpsecd[%s]: ", when, names[priority & 7]);
	vfprintf(out, fmt, ap);
	fputc('\n', out);
	va_end(ap);
}
