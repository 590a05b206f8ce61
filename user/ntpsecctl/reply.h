/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * reply.h - the module's replies decoded into the tool's small model, apart
 * from the netlink transport and from printing, so that the decoding can be
 * unit-tested and fuzzed on message buffers (fuzz/fuzz_ctl_reply.c).  Every
 * decoder takes the attributes genl_parse_reply() checked against the reply
 * policy, fills its struct or returns -1; nothing is half-filled that a
 * caller would print.
 */
#ifndef NTPSECCTL_REPLY_H
#define NTPSECCTL_REPLY_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/attr.h>

#include "module.h"
#include "ntpsecctl.h"
#include "prefix.h"

struct module_stats {
	uint64_t ctr[NTPSEC_CTR_MAX];
	uint64_t latency[NTPSEC_LATENCY_BUCKETS];
	uint64_t latency_sum_ns;
	bool have_latency_sum;	/* modules before 0.2 do not send it */
	/* receive stamp to actual transmit stamp (interleaved mode's view) */
	uint64_t wire_latency[NTPSEC_LATENCY_BUCKETS];
	uint64_t wire_latency_sum_ns;
	bool have_wire_latency;	/* nor these */
};

struct ctl_acl {
	uint8_t default_action;		/* enum ntpsec_acl_action */
	unsigned int n;
	struct {
		struct prefix prefix;
		uint8_t action;
	} rules[NTPSEC_ACL_MAX_RULES];
};

/* One message of the GET_KEYS dump. */
struct ctl_key {
	uint32_t id;
	uint8_t type;			/* enum ntpsec_key_type */
};

int ctl_decode_status(struct nlattr **attrs, struct module_status *st);
int ctl_decode_stats(struct nlattr **attrs, struct module_stats *st);
int ctl_decode_acl(struct nlattr **attrs, struct ctl_acl *acl);
int ctl_decode_key(struct nlattr **attrs, struct ctl_key *key);
int ctl_decode_ratelimit(struct nlattr **attrs, struct module_ratelimit *rl);

#endif
