// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsecctl status: what the module in this network namespace is doing.
 */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "genl.h"
#include "ntpsecctl.h"
#include "reply.h"

static int parse_status(struct nlattr **attrs, void *arg)
{
	if (ctl_decode_status(attrs, arg)) {
		fprintf(stderr, "ntpsecctl: the module's status reply lacks attributes\n");
		return CTL_EXIT_FAILURE;
	}
	return CTL_EXIT_OK;
}

int ctl_read_status(struct module_status *st)
{
	struct genl_request req = {
		.cmd = NTPSEC_CMD_GET_STATUS,
		.parse = parse_status,
		.arg = st,
	};

	return genl_transact(&req);
}

static void print_status(const struct module_status *st, bool json)
{
	bool synced = st->flags & NTPSEC_STATUS_F_SYNCHRONIZED;
	bool nts_crypto = st->flags & NTPSEC_STATUS_F_NTS_CRYPTO;

	if (json) {
		/* The version string is the module's own, digits and dots. */
		printf("{\"module_version\":\"%s\",\"netlink_version\":%u,"
		       "\"sockets\":%u,\"synchronized\":%s,\"nts_crypto\":%s}\n",
		       st->version, st->proto_version, st->sockets,
		       synced ? "true" : "false", nts_crypto ? "true" : "false");
		return;
	}
	printf("module:           ntpsec %s (netlink version %u)\n",
	       st->version, st->proto_version);
	printf("attached sockets: %u\n", st->sockets);
	printf("server state:     %s\n",
	       synced ? "synchronized" : "unsynchronized (answers LI=3)");
	printf("NTS crypto:       %s\n", nts_crypto ?
	       "AES-SIV-CMAC-256 ready (RFC 5297 vectors passed at load)" :
	       "unavailable (see the kernel log)");
}

int ctl_cmd_status(const struct ctl_options *opts, int argc, char **argv)
{
	struct module_status st = { 0 };
	int ret;

	(void)argv;
	if (argc > 1)
		return ctl_usage_error("status takes no arguments");
	ret = ctl_read_status(&st);
	if (ret == CTL_EXIT_OK)
		print_status(&st, opts->json);
	return ret;
}
