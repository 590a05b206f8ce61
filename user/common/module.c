// SPDX-License-Identifier: BSD-2-Clause
/*
 * Building the module's change requests.  The module's own checks are the
 * authority; these functions only translate.
 */

#include "config.h"


#include "genl.h"
#include "module.h"

bool module_present(void)
{
	struct genl_request req = { .cmd = NTPSEC_CMD_GET_STATUS, .quiet = true };

	return genl_transact(&req) == GENL_OK;
}

static int put_fd(struct nl_msg *msg, void *arg)
{
	return nla_put_u32(msg, NTPSEC_A_SOCKET_FD, (uint32_t)*(int *)arg) ?
	       -NLE_NOMEM : 0;
}

int module_attach(int fd)
{
	struct genl_request req = {
		.cmd = NTPSEC_CMD_ATTACH_SOCKET, .build = put_fd, .arg = &fd,
	};

	return genl_transact(&req);
}

static int put_state(struct nl_msg *msg, void *arg)
{
	const struct ntp_server_state *st = arg;

	if (nla_put_u8(msg, NTPSEC_A_STATE_LEAP, st->leap) ||
	    nla_put_u8(msg, NTPSEC_A_STATE_STRATUM, st->stratum) ||
	    nla_put_s8(msg, NTPSEC_A_STATE_PRECISION, st->precision) ||
	    nla_put_u32(msg, NTPSEC_A_STATE_ROOT_DELAY, st->root_delay) ||
	    nla_put_u32(msg, NTPSEC_A_STATE_ROOT_DISPERSION,
			st->root_dispersion) ||
	    nla_put_u32(msg, NTPSEC_A_STATE_REFID, st->refid) ||
	    nla_put_u64(msg, NTPSEC_A_STATE_REFTIME, st->reftime))
		return -NLE_NOMEM;
	return 0;
}

int module_set_state(const struct ntp_server_state *st)
{
	struct genl_request req = {
		.cmd = NTPSEC_CMD_SET_STATE, .build = put_state,
		.arg = (void *)st,
	};

	return genl_transact(&req);
}

struct acl_args {
	const struct prefix *prefix;
	uint8_t action;
};

static int put_action(struct nl_msg *msg, void *arg)
{
	const struct acl_args *a = arg;

	return nla_put_u8(msg, NTPSEC_A_ACL_ACTION, a->action) ? -NLE_NOMEM : 0;
}

static int put_prefix(struct nl_msg *msg, void *arg)
{
	const struct acl_args *a = arg;

	if (nla_put(msg, NTPSEC_A_ACL_ADDR, (int)prefix_addr_len(a->prefix),
		    a->prefix->addr) ||
	    nla_put_u8(msg, NTPSEC_A_ACL_PREFIX_LEN, a->prefix->len))
		return -NLE_NOMEM;
	return 0;
}

static int put_rule(struct nl_msg *msg, void *arg)
{
	return put_prefix(msg, arg) ?: put_action(msg, arg);
}

static int acl_request(uint8_t cmd, genl_build_fn build,
		       const struct prefix *p, uint8_t action)
{
	struct acl_args a = { .prefix = p, .action = action };
	struct genl_request req = { .cmd = cmd, .build = build, .arg = &a };

	return genl_transact(&req);
}

int module_acl_flush(void)
{
	return acl_request(NTPSEC_CMD_ACL_FLUSH, NULL, NULL, 0);
}

int module_acl_add(const struct prefix *p, uint8_t action)
{
	return acl_request(NTPSEC_CMD_ACL_ADD, put_rule, p, action);
}

int module_acl_del(const struct prefix *p)
{
	return acl_request(NTPSEC_CMD_ACL_DEL, put_prefix, p, 0);
}

int module_acl_default(uint8_t action)
{
	return acl_request(NTPSEC_CMD_ACL_DEFAULT, put_action, NULL, action);
}

static int put_rl(struct nl_msg *msg, void *arg)
{
	const struct module_ratelimit *a = arg;

	if (nla_put_u32(msg, NTPSEC_A_RL_FLAGS, a->flags) ||
	    nla_put_s8(msg, NTPSEC_A_RL_INTERVAL, a->interval) ||
	    nla_put_u32(msg, NTPSEC_A_RL_BURST, a->burst) ||
	    nla_put_u8(msg, NTPSEC_A_RL_LEAK, a->leak) ||
	    nla_put_u32(msg, NTPSEC_A_RL_TABLE_SIZE, a->table_size))
		return -NLE_NOMEM;
	return 0;
}

int module_set_ratelimit(const struct module_ratelimit *rl)
{
	struct genl_request req = {
		.cmd = NTPSEC_CMD_SET_RATELIMIT, .build = put_rl,
		.arg = (void *)rl,
	};

	return genl_transact(&req);
}

static int put_key(struct nl_msg *msg, void *arg)
{
	const struct ntp_key *k = arg;

	if (nla_put_u32(msg, NTPSEC_A_KEY_ID, k->id) ||
	    nla_put_u8(msg, NTPSEC_A_KEY_TYPE, k->type) ||
	    nla_put(msg, NTPSEC_A_KEY_SECRET, k->len, k->secret))
		return -NLE_NOMEM;
	return 0;
}

int module_set_key(const struct ntp_key *key)
{
	struct genl_request req = {
		.cmd = NTPSEC_CMD_SET_KEY, .build = put_key, .arg = (void *)key,
	};

	return genl_transact(&req);
}

static int put_key_id(struct nl_msg *msg, void *arg)
{
	return nla_put_u32(msg, NTPSEC_A_KEY_ID, *(uint32_t *)arg) ? -NLE_NOMEM : 0;
}

int module_del_key(uint32_t id)
{
	struct genl_request req = {
		.cmd = NTPSEC_CMD_DEL_KEY, .build = put_key_id, .arg = &id,
	};

	return genl_transact(&req);
}

static int put_phc(struct nl_msg *msg, void *arg)
{
	const struct phc_map *m = arg;

	if (nla_put_u32(msg, NTPSEC_A_PHC_IFINDEX, (uint32_t)m->ifindex) ||
	    nla_put_s64(msg, NTPSEC_A_PHC_TIME_NS, m->phc_ns) ||
	    nla_put_s64(msg, NTPSEC_A_PHC_UTC_NS, m->utc_ns) ||
	    nla_put_s64(msg, NTPSEC_A_PHC_FREQ, m->freq))
		return -NLE_NOMEM;
	return 0;
}

int module_set_phc_map(const struct phc_map *map)
{
	struct genl_request req = {
		.cmd = NTPSEC_CMD_SET_PHC_MAP, .build = put_phc,
		.arg = (void *)map,
	};

	return genl_transact(&req);
}

static int put_nts_keys(struct nl_msg *msg, void *arg)
{
	const struct nts_master_keys *mks = arg;
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(msg, NTPSEC_A_NTS_KEYS);
	if (!nest)
		return -NLE_NOMEM;
	for (i = 0; i < mks->n; i++) {
		struct nlattr *one = nla_nest_start(msg, NTPSEC_A_NTS_KEY);

		if (!one ||
		    nla_put_u32(msg, NTPSEC_A_NTS_KEY_ID, mks->key[i].id) ||
		    nla_put(msg, NTPSEC_A_NTS_KEY_SECRET, NTS_KEY_LEN,
			    mks->key[i].key))
			return -NLE_NOMEM;
		nla_nest_end(msg, one);
	}
	nla_nest_end(msg, nest);
	return 0;
}

int module_set_nts_keys(const struct nts_master_keys *mks)
{
	struct genl_request req = {
		.cmd = NTPSEC_CMD_SET_NTS_KEYS, .build = put_nts_keys,
		.arg = (void *)mks,
	};

	return genl_transact(&req);
}
