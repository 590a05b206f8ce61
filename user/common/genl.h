/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * genl.h - generic netlink requests to the ntpsec module, shared by
 * ntpsecctl, ntpsecd and the test helpers.
 */
#ifndef NTPSEC_GENL_H
#define NTPSEC_GENL_H

#include <stdbool.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <linux/ntpsec.h>

/*
 * Outcomes of a request.  The values are ntpsecctl's exit codes (see
 * ntpsecctl(8)), so the tool can return them as they are.
 */
enum genl_result {
	GENL_OK = 0,
	GENL_FAILED = 1,	/* the message printed says why */
	GENL_NO_MODULE = 3,	/* the ntpsec module is not loaded */
	GENL_PERMISSION = 4,	/* needs CAP_NET_ADMIN */
	GENL_VERSION = 6,	/* netlink family version mismatch */
};

/* Called once per reply message with its attributes indexed by type. */
typedef int (*genl_parse_fn)(struct nlattr **attrs, void *arg);
/* Adds the request's attributes; may be NULL for requests without any. */
typedef int (*genl_build_fn)(struct nl_msg *msg, void *arg);

struct genl_request {
	unsigned char cmd;
	int flags;			/* extra NLM_F_* flags, e.g. NLM_F_DUMP */
	genl_build_fn build;
	genl_parse_fn parse;		/* may be NULL for commands without reply */
	void *arg;
	bool quiet;			/* say nothing if the module is absent */
};

/*
 * The attributes of one reply message in buf[0..len), indexed by type.
 * Returns 0, or a negative libnl error for a truncated or malformed message.
 */
int genl_parse_reply(const void *buf, size_t len, struct nlattr **attrs);

/*
 * Sends one request to the ntpsec family in the caller's network namespace
 * and feeds each reply to req->parse.  Returns a genl_result (or what parse
 * returned), having printed a message a person understands on failure.
 */
int genl_transact(const struct genl_request *req);

#endif
