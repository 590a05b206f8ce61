// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_ctl_reply.c - libFuzzer target for ntpsecctl's reading of the
 * module's netlink replies: the input is one whole message (nlmsghdr,
 * genlmsghdr, attributes), as genl_transact() hands it over, parsed by
 * genl_parse_reply() and given to every decoder of reply.c in turn (the
 * attribute numbers are one space, so any message can reach any decoder).
 * libFuzzer's exactly sized copy lets ASan see any read past the message
 * in our code; libnl's nla_get_*() are not instrumented, so the target also
 * checks that no attribute a decoder reads is shorter than its type (the
 * uapi header's), which is what would make nla_get_u32() read past it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genl.h"
#include "reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Octets the decoders read from each attribute, as the uapi types say. */
static const unsigned int read_len[NTPSEC_A_MAX + 1] = {
	[NTPSEC_A_STATUS_MODULE_VERSION] = 1,
	[NTPSEC_A_STATUS_PROTO_VERSION] = 4,
	[NTPSEC_A_STATUS_SOCKETS] = 4,
	[NTPSEC_A_STATUS_FLAGS] = 4,
	[NTPSEC_A_ACL_ACTION] = 1,
	[NTPSEC_A_RL_FLAGS] = 4,
	[NTPSEC_A_RL_INTERVAL] = 1,
	[NTPSEC_A_RL_BURST] = 4,
	[NTPSEC_A_RL_LEAK] = 1,
	[NTPSEC_A_RL_TABLE_SIZE] = 4,
	[NTPSEC_A_KEY_ID] = 4,
	[NTPSEC_A_KEY_TYPE] = 1,
};

static void check_lengths(struct nlattr **attrs)
{
	unsigned int i;

	for (i = 0; i <= NTPSEC_A_MAX; i++) {
		if (attrs[i] && nla_len(attrs[i]) < (int)read_len[i]) {
			fprintf(stderr, "attribute %u of %d octets reached the decoders\n",
				i, nla_len(attrs[i]));
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl_acl acl;
	struct nlattr *attrs[NTPSEC_A_MAX + 1];
	struct module_ratelimit rl;
	struct module_status st;
	struct module_stats stats;
	struct ctl_key key;
	unsigned int i;
	uint8_t *msg;

	/* The message must be 4-aligned, as a receive buffer is. */
	msg = malloc(size ? size : 1);
	if (!msg)
		return 0;
	memcpy(msg, data, size);
	if (genl_parse_reply(msg, size, attrs)) {
		free(msg);
		return 0;
	}
	check_lengths(attrs);
	ctl_decode_status(attrs, &st);
	ctl_decode_stats(attrs, &stats);
	ctl_decode_key(attrs, &key);
	ctl_decode_ratelimit(attrs, &rl);
	if (!ctl_decode_acl(attrs, &acl)) {
		if (acl.n > NTPSEC_ACL_MAX_RULES)
			abort();
		for (i = 0; i < acl.n; i++)
			if (acl.rules[i].prefix.len >
			    8 * prefix_addr_len(&acl.rules[i].prefix))
				abort();
	}
	free(msg);
	return 0;
}
