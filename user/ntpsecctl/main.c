// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsecctl - the administrator's tool for the ntpsec kernel module and the
 * ntpsecd daemon.  A table of subcommands, one file per subcommand group.
 */

#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ntpsecctl.h"

static const struct ctl_command commands[] = {
	{ "acl", "[SUBCOMMAND]", "list or change the access list", ctl_cmd_acl },
	{ "clients", "[N]", "the N busiest clients in the module's table",
	  ctl_cmd_clients },
	{ "keys", "[SUBCOMMAND]", "list, load or delete symmetric keys",
	  ctl_cmd_keys },
	{ "ratelimit", "[SUBCOMMAND]", "show or set per-source rate limiting",
	  ctl_cmd_ratelimit },
	{ "status", "", "show the module's version, sockets and server state",
	  ctl_cmd_status },
	{ "sources", "", "ntpsecd's upstream servers (control socket)",
	  ctl_cmd_sources },
	{ "tracking", "", "ntpsecd's system clock state (control socket)",
	  ctl_cmd_tracking },
	{ "nts", "[keys|rotate]", "NTS: ntpsecd's server, the module's keys, rotation",
	  ctl_cmd_nts },
	{ "stats", "", "show the module's counters and processing-time histogram",
	  ctl_cmd_stats },
	{ "version", "", "show the versions of this tool and of the module",
	  ctl_cmd_version },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: ntpsecctl [--json] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %-13s %s\n", commands[i].name,
			commands[i].args, commands[i].help);
	fprintf(out, "\noptions:\n"
		"  -j, --json     machine-readable output\n"
		"  -h, --help     this text\n"
		"  -V, --version  the tool's version\n");
}

int ctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ntpsecctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	return CTL_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_options opts = { 0 };
	size_t i;
	int c;

	/* "+": options after the subcommand belong to the subcommand. */
	while ((c = getopt_long(argc, argv, "+jhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'h':
			usage(stdout);
			return CTL_EXIT_OK;
		case 'V':
			printf("ntpsecctl %s\n", PACKAGE_VERSION);
			return CTL_EXIT_OK;
		default:
			usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return ctl_usage_error("no command given");

	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(argv[optind], commands[i].name))
			return commands[i].run(&opts, argc - optind,
					       argv + optind);
	return ctl_usage_error("unknown command '%s'", argv[optind]);
}
