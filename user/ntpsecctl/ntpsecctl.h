/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECCTL_H
#define NTPSECCTL_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Exit codes, distinct so that scripts can tell what went wrong.  Documented
 * in ntpsecctl(8).
 */
enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_FAILURE = 1,		/* the request failed for another reason */
	CTL_EXIT_USAGE = 2,		/* bad arguments */
	CTL_EXIT_NO_MODULE = 3,		/* the ntpsec module is not loaded */
	CTL_EXIT_PERMISSION = 4,	/* needs CAP_NET_ADMIN */
	CTL_EXIT_NO_DAEMON = 5,		/* ntpsecd is not running */
	CTL_EXIT_VERSION = 6,		/* netlink family version mismatch */
};

struct ctl_options {
	bool json;
};

struct ctl_command {
	const char *name;
	const char *args;	/* for the usage text */
	const char *help;
	int (*run)(const struct ctl_options *opts, int argc, char **argv);
};

/* The module's answer to NTPSEC_CMD_GET_STATUS. */
struct module_status {
	char version[32];
	uint32_t proto_version;
	uint32_t sockets;
	uint32_t flags;
};

int ctl_read_status(struct module_status *st);

struct module_ratelimit;
int ctl_read_ratelimit(struct module_ratelimit *c);

int ctl_cmd_clients(const struct ctl_options *opts, int argc, char **argv);
int ctl_cmd_acl(const struct ctl_options *opts, int argc, char **argv);
int ctl_cmd_keys(const struct ctl_options *opts, int argc, char **argv);
int ctl_cmd_ratelimit(const struct ctl_options *opts, int argc, char **argv);
int ctl_cmd_sources(const struct ctl_options *opts, int argc, char **argv);
int ctl_cmd_tracking(const struct ctl_options *opts, int argc, char **argv);
int ctl_cmd_nts(const struct ctl_options *opts, int argc, char **argv);
/* The parts of "nts" that ask ntpsecd (daemon.c). */
int ctl_nts_daemon(const struct ctl_options *opts);
int ctl_nts_rotate(const struct ctl_options *opts);
int ctl_cmd_stats(const struct ctl_options *opts, int argc, char **argv);
int ctl_cmd_status(const struct ctl_options *opts, int argc, char **argv);
int ctl_cmd_version(const struct ctl_options *opts, int argc, char **argv);

int ctl_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif
