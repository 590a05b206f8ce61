/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSEC_MODULE_H
#define NTPSEC_MODULE_H

#include <stdbool.h>

#include <stdint.h>

#include "keyfile.h"
#include "phc.h"
#include "prefix.h"
#include "../wire/ntp_wire.h"
#include "../wire/nts_wire.h"

/*
 * Requests that change the ntpsec module, for the daemon, the tool and the
 * test helpers: one function per netlink command.  Each returns a
 * genl_result (GENL_OK is 0), having printed why it failed.
 */
bool module_present(void);
int module_attach(int fd);
int module_set_state(const struct ntp_server_state *st);
int module_acl_flush(void);
int module_acl_add(const struct prefix *p, uint8_t action);
int module_acl_del(const struct prefix *p);
int module_acl_default(uint8_t action);
struct module_ratelimit {
	uint32_t flags;		/* NTPSEC_RL_F_* */
	int8_t interval;
	uint32_t burst;
	uint8_t leak;
	uint32_t table_size;
};
int module_set_ratelimit(const struct module_ratelimit *rl);
int module_set_key(const struct ntp_key *key);
int module_del_key(uint32_t id);
int module_set_phc_map(const struct phc_map *map);
/* Replaces the module's NTS master keys (mks->key[0] seals); n 0: none. */
int module_set_nts_keys(const struct nts_master_keys *mks);

#endif
