/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECCTL_GENL_H
#define NTPSECCTL_GENL_H

#include <netlink/msg.h>
#include <netlink/attr.h>
#include <linux/ntpsec.h>

/* Called once per reply message with its attributes indexed by type. */
typedef int (*ctl_genl_parse_fn)(struct nlattr **attrs, void *arg);
/* Adds the request's attributes; may be NULL for requests without any. */
typedef int (*ctl_genl_build_fn)(struct nl_msg *msg, void *arg);

struct ctl_genl_request {
	unsigned char cmd;
	int flags;			/* extra NLM_F_* flags, e.g. NLM_F_DUMP */
	ctl_genl_build_fn build;
	ctl_genl_parse_fn parse;
	void *arg;
};

/*
 * Sends one request to the ntpsec family in the caller's network namespace
 * and feeds each reply to req->parse.  Returns a CTL_EXIT_* code, having
 * printed a message a person understands on failure.
 */
int ctl_genl_transact(const struct ctl_genl_request *req);

#endif
