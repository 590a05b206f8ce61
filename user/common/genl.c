// SPDX-License-Identifier: BSD-2-Clause
/*
 * Generic netlink plumbing shared by the programs: resolve the family, check its
 * version, send one request and turn every failure into a message a person
 * understands and a distinct exit code.
 */

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>

#include "genl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Messages name the program that failed, as the other tools' do. */
__attribute__((format(printf, 1, 2)))
static void genl_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

struct transact_state {
	const struct genl_request *req;
	int error;		/* negative errno from the kernel, or 0 */
	char extack[256];	/* the kernel's explanation, if it gave one */
	int parse_ret;
};

/* The kernel's NLMSGERR_ATTR_MSG, when extended acks are on. */
static void read_extack(const struct nlmsghdr *nlh, const struct nlmsgerr *err,
			char *buf, size_t len)
{
	const struct nlattr *attr;
	size_t offset = sizeof(*err);
	int remaining;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += err->msg.nlmsg_len - sizeof(err->msg);
	remaining = (int)nlmsg_datalen(nlh) - (int)offset;
	if (remaining <= 0)
		return;
	attr = (const struct nlattr *)((const char *)nlmsg_data(nlh) + offset);
	for (; nla_ok(attr, remaining); attr = nla_next(attr, &remaining)) {
		if (nla_type(attr) == NLMSGERR_ATTR_MSG && nla_len(attr) > 0) {
			snprintf(buf, len, "%.*s", nla_len(attr),
				 (const char *)nla_data(attr));
			return;
		}
	}
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct transact_state *st = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)err - 1;

	(void)nla;
	st->error = err->error;
	read_extack(nlh, err, st->extack, sizeof(st->extack));
	return NL_STOP;
}

/*
 * What the module sends, as the uapi header documents it.  libnl's
 * nla_get_u32() and friends read their width whatever the attribute's
 * length, so without a policy a short attribute from a broken or hostile
 * sender is read past its end; with it, the reply is refused whole.
 */
static const struct nla_policy reply_policy[NTPSEC_A_MAX + 1] = {
	[NTPSEC_A_STATUS_MODULE_VERSION] = { .type = NLA_STRING, .minlen = 1 },
	[NTPSEC_A_STATUS_PROTO_VERSION] = { .type = NLA_U32 },
	[NTPSEC_A_STATUS_SOCKETS] = { .type = NLA_U32 },
	[NTPSEC_A_STATUS_FLAGS] = { .type = NLA_U32 },
	[NTPSEC_A_STATE_LEAP] = { .type = NLA_U8 },
	[NTPSEC_A_STATE_STRATUM] = { .type = NLA_U8 },
	[NTPSEC_A_STATE_PRECISION] = { .type = NLA_U8 },
	[NTPSEC_A_STATE_ROOT_DELAY] = { .type = NLA_U32 },
	[NTPSEC_A_STATE_ROOT_DISPERSION] = { .type = NLA_U32 },
	[NTPSEC_A_STATE_REFID] = { .type = NLA_U32 },
	[NTPSEC_A_STATE_REFTIME] = { .type = NLA_U64 },
	[NTPSEC_A_STATS_COUNTERS] = { .type = NLA_NESTED },
	[NTPSEC_A_STATS_LATENCY] = { .type = NLA_NESTED },
	[NTPSEC_A_ACL_ACTION] = { .type = NLA_U8 },
	[NTPSEC_A_ACL_RULES] = { .type = NLA_NESTED },
	[NTPSEC_A_RL_FLAGS] = { .type = NLA_U32 },
	[NTPSEC_A_RL_INTERVAL] = { .type = NLA_U8 },
	[NTPSEC_A_RL_BURST] = { .type = NLA_U32 },
	[NTPSEC_A_RL_LEAK] = { .type = NLA_U8 },
	[NTPSEC_A_RL_TABLE_SIZE] = { .type = NLA_U32 },
	[NTPSEC_A_KEY_ID] = { .type = NLA_U32 },
	[NTPSEC_A_KEY_TYPE] = { .type = NLA_U8 },
	[NTPSEC_A_STATS_LATENCY_SUM] = { .type = NLA_U64 },
	[NTPSEC_A_CLIENT_ADDR] = { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 8 },
	[NTPSEC_A_CLIENT_REQUESTS] = { .type = NLA_U64 },
	[NTPSEC_A_CLIENT_LIMITED] = { .type = NLA_U64 },
	[NTPSEC_A_CLIENT_FIRST_AGE] = { .type = NLA_U64 },
	[NTPSEC_A_CLIENT_LAST_AGE] = { .type = NLA_U64 },
	[NTPSEC_A_NTS_KEYS] = { .type = NLA_NESTED },
	[NTPSEC_A_STATS_WIRE_LATENCY] = { .type = NLA_NESTED },
	[NTPSEC_A_STATS_WIRE_LATENCY_SUM] = { .type = NLA_U64 },
};

int genl_parse_reply(const void *buf, size_t len, struct nlattr **attrs)
{
	const struct nlmsghdr *nlh = buf;

	if (len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN ||
	    nlh->nlmsg_len > len)
		return -NLE_MSG_TRUNC;
	return genlmsg_parse((struct nlmsghdr *)nlh, 0, attrs, NTPSEC_A_MAX,
			     reply_policy);
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct transact_state *st = arg;
	struct nlattr *attrs[NTPSEC_A_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int ret;

	ret = genl_parse_reply(nlh, nlh->nlmsg_len, attrs);
	if (ret < 0) {
		genl_err("malformed reply from the module: %s\n",
			nl_geterror(ret));
		st->parse_ret = GENL_FAILED;
		return NL_STOP;
	}
	if (st->req->parse)
		st->parse_ret = st->req->parse(attrs, st->req->arg);
	return st->parse_ret ? NL_STOP : NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_STOP;
}

static int report_kernel_error(const struct transact_state *st)
{
	const char *why = st->extack[0] ? st->extack : strerror(-st->error);

	if (st->error == -EPERM || st->error == -EACCES) {
		genl_err("permission denied: this needs CAP_NET_ADMIN (run as root)\n");
		return GENL_PERMISSION;
	}
	genl_err("the module refused the request: %s\n", why);
	return GENL_FAILED;
}

/* Resolves the family; on failure says why and returns an exit code. */
static int resolve_family(struct nl_sock *sk, int *family_id, bool quiet)
{
	struct nl_cache *cache = NULL;
	struct genl_family *family;
	unsigned int version;
	int ret;

	ret = genl_ctrl_alloc_cache(sk, &cache);
	if (ret < 0) {
		genl_err("cannot list generic netlink families: %s\n",
			nl_geterror(ret));
		return GENL_FAILED;
	}
	family = genl_ctrl_search_by_name(cache, NTPSEC_GENL_NAME);
	if (!family) {
		nl_cache_free(cache);
		if (!quiet)
			genl_err("the ntpsec kernel module is not loaded (try: modprobe ntpsec)\n");
		return GENL_NO_MODULE;
	}
	*family_id = genl_family_get_id(family);
	version = (unsigned int)genl_family_get_version(family);
	genl_family_put(family);
	nl_cache_free(cache);
	if (version != NTPSEC_GENL_VERSION) {
		genl_err("the module speaks netlink version %u, this tool speaks %d: install matching versions\n",
			version, NTPSEC_GENL_VERSION);
		return GENL_VERSION;
	}
	return GENL_OK;
}

static int send_request(struct nl_sock *sk, int family_id,
			const struct genl_request *req)
{
	struct nl_msg *msg;
	int ret;

	msg = nlmsg_alloc();
	if (!msg)
		return -NLE_NOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0,
			 NLM_F_REQUEST | NLM_F_ACK | req->flags, req->cmd,
			 NTPSEC_GENL_VERSION)) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	if (req->build) {
		ret = req->build(msg, req->arg);
		if (ret < 0) {
			nlmsg_free(msg);
			return ret;
		}
	}
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	return ret < 0 ? ret : 0;
}

int genl_transact(const struct genl_request *req)
{
	struct transact_state st = { .req = req };
	struct nl_sock *sk;
	int family_id, ret, one = 1;

	sk = nl_socket_alloc();
	if (!sk) {
		genl_err("out of memory\n");
		return GENL_FAILED;
	}
	ret = genl_connect(sk);
	if (ret < 0) {
		genl_err("cannot open a generic netlink socket: %s\n",
			nl_geterror(ret));
		ret = GENL_FAILED;
		goto out;
	}
	/* Best effort: older kernels simply give no explanation text. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));

	ret = resolve_family(sk, &family_id, req->quiet);
	if (ret != GENL_OK)
		goto out;

	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &st);
	nl_socket_modify_cb(sk, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &st);
	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, on_error, &st);

	ret = send_request(sk, family_id, req);
	if (ret < 0) {
		genl_err("cannot send the request: %s\n",
			nl_geterror(ret));
		ret = GENL_FAILED;
		goto out;
	}
	ret = nl_recvmsgs_default(sk);
	if (st.error) {
		ret = report_kernel_error(&st);
	} else if (st.parse_ret) {
		ret = st.parse_ret;
	} else if (ret < 0) {
		genl_err("no valid reply from the module: %s\n",
			nl_geterror(ret));
		ret = GENL_FAILED;
	} else {
		ret = GENL_OK;
	}
out:
	nl_socket_free(sk);
	return ret;
}
