/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ntpconf.h - ntpsecd's configuration: NTPsec's ntp.conf syntax (a documented
 * subset, see ntp.conf(5)) plus the kernel module's own directives.
 *
 * struct config is plain data: fixed-size arrays with the limits below and
 * no pointers, so a loaded configuration can be copied, kept next to the one
 * in force and compared with memcmp (config_defaults() zeroes every byte,
 * padding included, before it sets anything).  A reload parses into a new
 * struct and swaps only when the whole file was valid.
 */
#ifndef NTPSECD_NTPCONF_H
#define NTPSECD_NTPCONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "prefix.h"

#define CONFIG_LINE_MAX		1024	/* characters, without the newline */
#define CONFIG_FILE_MAX		(1024 * 1024)	/* octets per file */
#define CONFIG_INCLUDE_DEPTH	5	/* nested includefile levels */
#define CONFIG_MAX_SERVERS	64	/* server and pool lines together */
#define CONFIG_MAX_RESTRICTS	256	/* NTPSEC_ACL_MAX_RULES */
#define CONFIG_MAX_HWTS		16	/* hwtimestamp interfaces */
#define CONFIG_MAX_INTERFACES	16	/* interface (nic) rules */
#define CONFIG_HOST_MAX		254	/* a DNS name of 253, and the NUL */
#define CONFIG_PATH_MAX		512	/* with the NUL */
#define CONFIG_FILENAME_MAX	256	/* a file name (NAME_MAX), with NUL */
#define CONFIG_IFNAME_MAX	16	/* IFNAMSIZ, with the NUL */
#define CONFIG_KEYID_MAX	65535	/* ntpd's key id range is 1..65535 */

#define CONFIG_POLL_MIN		0
#define CONFIG_POLL_MAX		17
#define CONFIG_NTP_PORT		123

/* Server and pool lines. */
enum config_server_flag {
	CONFIG_SERVER_POOL	= 1U << 0,	/* "pool", not "server" */
	CONFIG_SERVER_IBURST	= 1U << 1,
	CONFIG_SERVER_BURST	= 1U << 2,
	CONFIG_SERVER_PREFER	= 1U << 3,
	CONFIG_SERVER_NOSELECT	= 1U << 4,
	CONFIG_SERVER_NTS	= 1U << 5,
	CONFIG_SERVER_IPV4	= 1U << 6,	/* -4: resolve to IPv4 only */
	CONFIG_SERVER_IPV6	= 1U << 7,	/* -6: resolve to IPv6 only */
};

struct config_server {
	char host[CONFIG_HOST_MAX];	/* as written, without brackets */
	uint8_t addr[16];	/* when host is a literal; IPv4 first 4 */
	uint8_t family;		/* AF_INET, AF_INET6 (literal), 0 (name) */
	uint8_t minpoll;	/* log2 s, default 6 */
	uint8_t maxpoll;	/* log2 s, default 10 */
	uint8_t version;	/* 1..4, default 4 */
	uint16_t port;		/* default 123 */
	uint16_t key;		/* symmetric key id, 0: none */
	uint32_t flags;		/* enum config_server_flag */
};

/* restrict flags; ntpd's names.  NOPEER, NOTRAP, NOEPEER change nothing. */
enum config_restrict_flag {
	CONFIG_RESTRICT_IGNORE		= 1U << 0,
	CONFIG_RESTRICT_NOQUERY		= 1U << 1,
	CONFIG_RESTRICT_NOMODIFY	= 1U << 2,
	CONFIG_RESTRICT_NOSERVE		= 1U << 3,
	CONFIG_RESTRICT_LIMITED		= 1U << 4,
	CONFIG_RESTRICT_KOD		= 1U << 5,
	CONFIG_RESTRICT_NOPEER		= 1U << 6,
	CONFIG_RESTRICT_NOTRAP		= 1U << 7,
	CONFIG_RESTRICT_NOEPEER		= 1U << 8,
	/* "restrict source": the entry applies to upstream servers' addresses */
	CONFIG_RESTRICT_SOURCE		= 1U << 9,
};

/*
 * One entry per distinct prefix, in the order first written: a second line
 * for the same prefix adds its flags, as ntpd merges them.  "default" is
 * the two entries 0.0.0.0/0 and ::/0.  The source entry has prefix.family 0.
 */
struct config_restrict {
	struct prefix prefix;
	uint32_t flags;		/* enum config_restrict_flag */
};

enum config_stat {
	CONFIG_STAT_LOOPSTATS,
	CONFIG_STAT_PEERSTATS,
	CONFIG_STAT_CLOCKSTATS,
	CONFIG_STAT_RAWSTATS,
	CONFIG_STAT_SYSSTATS,
	CONFIG_STAT_COUNT
};

enum config_filegen_type {
	CONFIG_FILEGEN_DAY,	/* ntpd's default */
	CONFIG_FILEGEN_NONE,
	CONFIG_FILEGEN_WEEK,
	CONFIG_FILEGEN_MONTH,
	CONFIG_FILEGEN_YEAR,
	CONFIG_FILEGEN_AGE,
};

struct config_filegen {
	char file[CONFIG_FILENAME_MAX];	/* under statsdir; default the name */
	uint8_t type;			/* enum config_filegen_type */
	uint8_t nolink;			/* "nolink": no link to current file */
};

/* enable/disable; ntpd's meanings ("kernel" is the kernel PLL). */
enum config_system_flag {
	CONFIG_SYS_NTP		= 1U << 0,
	CONFIG_SYS_KERNEL	= 1U << 1,
	CONFIG_SYS_STATS	= 1U << 2,
	CONFIG_SYS_MONITOR	= 1U << 3,
	CONFIG_SYS_CALIBRATE	= 1U << 4,
};

/* The "kernel" directive: use ntpsec.ko's fast path. */
enum config_kernel_mode {
	CONFIG_KERNEL_AUTO,	/* when the module is loaded */
	CONFIG_KERNEL_ON,	/* required: fail without it */
	CONFIG_KERNEL_OFF,	/* answer from userspace only */
};

enum config_interface_action {
	CONFIG_IF_LISTEN,
	CONFIG_IF_IGNORE,
	CONFIG_IF_DROP,
};

enum config_interface_match {
	CONFIG_IF_ALL,
	CONFIG_IF_IPV4,
	CONFIG_IF_IPV6,
	CONFIG_IF_WILDCARD,
	CONFIG_IF_NAME,		/* name */
	CONFIG_IF_PREFIX,	/* prefix */
};

struct config_interface {
	struct prefix prefix;
	char name[CONFIG_IFNAME_MAX];
	uint8_t action;		/* enum config_interface_action */
	uint8_t match;		/* enum config_interface_match */
};

/* Seconds are kept in nanoseconds, so values compare and print exactly. */
struct config {
	uint32_t n_servers;
	struct config_server servers[CONFIG_MAX_SERVERS];

	uint32_t n_restricts;
	struct config_restrict restricts[CONFIG_MAX_RESTRICTS];

	char driftfile[CONFIG_PATH_MAX];	/* "" when not set */
	char leapfile[CONFIG_PATH_MAX];
	char keys[CONFIG_PATH_MAX];
	char logfile[CONFIG_PATH_MAX];
	char statsdir[CONFIG_PATH_MAX];

	/* trustedkey: bit N set when key N is trusted */
	uint64_t trusted[(CONFIG_KEYID_MAX + 1) / 64];
	uint16_t controlkey;		/* 0 when not set */

	uint32_t statistics;		/* bit per enum config_stat */
	struct config_filegen filegen[CONFIG_STAT_COUNT];

	struct {
		uint8_t minsane;	/* default 1 */
		uint8_t minclock;	/* default 3 */
		uint8_t maxclock;	/* default 10 */
		uint8_t orphan;		/* stratum; default 16, off */
		int64_t mindist_ns;	/* default 1 ms */
	} tos;

	struct {
		int64_t step_ns;	/* default 128 ms; 0: never step */
		int64_t panic_ns;	/* default 1000 s; 0: no panic check */
		int64_t stepout_ns;	/* default 900 s */
	} tinker;

	uint32_t system;		/* enum config_system_flag, enabled */

	struct {
		uint8_t enable;		/* NTS-KE server */
		char cert[CONFIG_PATH_MAX];
		char key[CONFIG_PATH_MAX];
		char cookie[CONFIG_PATH_MAX];
		char ca[CONFIG_PATH_MAX];
		uint32_t cookie_rotate;	/* seconds, 0: daily */
	} nts;

	uint8_t kernel;			/* enum config_kernel_mode */

	/* The module's per-source limiter (NTPSEC_CMD_SET_RATELIMIT). */
	struct {
		uint8_t enabled;	/* a ratelimit line was given */
		uint8_t kod;		/* RATE kiss-o'-death, not silence */
		int8_t interval;	/* log2 s, -10..12, default 3 */
		uint8_t leak;		/* 0..8, default 2 */
		uint32_t burst;		/* 1..1024, default 8 */
		uint32_t table;		/* 256..2^20, power of 2, 16384 */
	} ratelimit;

	uint32_t n_hwts;
	char hwts[CONFIG_MAX_HWTS][CONFIG_IFNAME_MAX];

	uint32_t n_interfaces;
	struct config_interface interfaces[CONFIG_MAX_INTERFACES];
};

/* Every byte zeroed, then ntpd's defaults and the module's. */
void config_defaults(struct config *c);

/*
 * Parse a whole file (and what it includes).  Returns 0 with *out filled,
 * or -1 with *out untouched and "FILE:LINE: what is wrong" in err.
 */
int config_load(const char *path, struct config *out, char *err,
		size_t errlen);

/* The same from memory; name is for messages and relative includefiles. */
int config_parse_string(const char *text, const char *name,
			struct config *out, char *err, size_t errlen);

/* The effective configuration as ntp.conf text that parses back to *c. */
void config_dump(const struct config *c, FILE *f);

/* Whether key id is listed by trustedkey. */
static inline int config_key_trusted(const struct config *c, unsigned int id)
{
	return id <= CONFIG_KEYID_MAX &&
	       (c->trusted[id / 64] >> (id % 64) & 1);
}

#endif
