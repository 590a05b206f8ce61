// SPDX-License-Identifier: BSD-2-Clause
/*
 * config.c - ntpsecd's ntp.conf parser.
 *
 * The text is read line by line into a scratch struct config; settings that
 * depend on each other across lines (tos limits, keys and trustedkey, NTS
 * certificate) are checked once the last line is read, and only then is
 * the result copied out.  So a bad file never yields half a configuration,
 * and every error names the file and line that caused it.
 */

#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ntpconf.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define NSEC_PER_SEC		1000000000LL
#define SECONDS_MAX		1000000000LL	/* keeps ns within int64_t */
#define MAX_TOKENS		(CONFIG_LINE_MAX / 2 + 1)
#define TRUSTEDKEYS_PER_LINE	16
#define MAX_DIR_ENTRIES		256	/* *.conf files per included dir */

/* One file being read; the chain of parents is the includefile stack. */
struct source {
	const char *name;
	struct source *parent;
	unsigned int line;
	unsigned int depth;
	bool has_id;		/* dev and ino are known (not a string) */
	dev_t dev;
	ino_t ino;
};

/* Where a setting was made, for the checks that run after the last line. */
struct where {
	char file[CONFIG_PATH_MAX];
	unsigned int line;
};

struct parser {
	struct config cfg;
	struct source *src;
	char *err;
	size_t errlen;
	struct where server_at[CONFIG_MAX_SERVERS];
	struct where tos_at;
	struct where controlkey_at;
	struct where nts_at;
};

/* The rest of a line, after the directive. */
struct args {
	char **v;
	int n;
	int i;
};

struct name_bit {
	const char *name;
	uint32_t bit;
};

static const struct name_bit server_flags[] = {
	{ "iburst", CONFIG_SERVER_IBURST },
	{ "burst", CONFIG_SERVER_BURST },
	{ "prefer", CONFIG_SERVER_PREFER },
	{ "noselect", CONFIG_SERVER_NOSELECT },
	{ "nts", CONFIG_SERVER_NTS },
};

/* NTPsec's, which an NTPsec user may have: say so rather than "unknown". */
static const char *const server_unsupported[] = {
	"true", "bias", "mode", "xleave", "autokey", "ttl", "preempt",
	"noval", "ca", "aead", "ask", "require", "subtype", "unit",
};

static const struct name_bit restrict_flags[] = {
	{ "ignore", CONFIG_RESTRICT_IGNORE },
	{ "noquery", CONFIG_RESTRICT_NOQUERY },
	{ "nomodify", CONFIG_RESTRICT_NOMODIFY },
	{ "noserve", CONFIG_RESTRICT_NOSERVE },
	{ "limited", CONFIG_RESTRICT_LIMITED },
	{ "kod", CONFIG_RESTRICT_KOD },
	{ "nopeer", CONFIG_RESTRICT_NOPEER },
	{ "notrap", CONFIG_RESTRICT_NOTRAP },
	{ "noepeer", CONFIG_RESTRICT_NOEPEER },
};

static const char *const restrict_unsupported[] = {
	"flake", "mssntp", "nomrulist", "notrust", "ntpport", "version",
	"interface", "serverresponse",
};

/* Indexed by enum config_stat. */
static const char *const stat_names[CONFIG_STAT_COUNT] = {
	"loopstats", "peerstats", "clockstats", "rawstats", "sysstats",
};

static const char *const stat_unsupported[] = {
	"protostats", "timingstats", "usestats", "cryptostats", "ntsstats",
	"ntskestats",
};

/* Indexed by enum config_filegen_type. */
static const char *const filegen_types[] = {
	"day", "none", "week", "month", "year", "age",
};

static const struct name_bit system_flags[] = {
	{ "ntp", CONFIG_SYS_NTP },
	{ "kernel", CONFIG_SYS_KERNEL },
	{ "stats", CONFIG_SYS_STATS },
	{ "monitor", CONFIG_SYS_MONITOR },
	{ "calibrate", CONFIG_SYS_CALIBRATE },
};

/* Indexed by enum config_kernel_mode. */
static const char *const kernel_modes[] = { "auto", "on", "off" };

/* Indexed by enum config_interface_action and config_interface_match. */
static const char *const if_actions[] = { "listen", "ignore", "drop" };
static const char *const if_classes[] = { "all", "ipv4", "ipv6", "wildcard" };

static const char *const tos_unsupported[] = {
	"ceiling", "floor", "cohort", "orphanwait", "maxdisp", "maxdist",
	"beacon", "bcpollbstep",
};

static const char *const tinker_unsupported[] = {
	"allan", "dispersion", "freq", "huffpuff", "stepback", "stepfwd",
	"tick",
};

static const char *const nts_unsupported[] = {
	"mintls", "maxtls", "tlsciphersuites", "tlsecdhcurves", "aead",
};

/* NTPsec's directives this daemon refuses, each said by name. */
static const char *const unsupported_directives[] = {
	"refclock", "fudge", "broadcast", "broadcastclient", "broadcastdelay",
	"manycastclient", "manycastserver", "multicastclient", "crypto",
	"requestkey", "unpeer", "unconfig", "unrestrict", "mru", "logconfig",
	"phone", "setvar", "reset", "rlimit", "nonvolatile",
	"leapsmearinterval", "mdnstries", "dscp", "pidfile", "saveconfigdir",
	"tick", "ntpsigndsocket", "end", "automax", "revoke", "calldelay",
	"ttl", "trap", "enablemode7",
};

/* ... and those whose job another directive does. */
static const struct {
	const char *name;
	const char *instead;
} replaced_directives[] = {
	{ "peer", "NTPsec reads peer as server: write server" },
	{ "discard", "use ratelimit" },
	{ "limit", "use ratelimit" },
};

static const struct name_bit *find_bit(const struct name_bit *t, size_t n,
				       const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].name, s))
			return &t[i];
	return NULL;
}

/* Index of s in l, or -1. */
static int find_name(const char *const *l, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(l[i], s))
			return (int)i;
	return -1;
}

/* Messages are cut to fit errlen; what fits of them is always there. */
static void append(struct parser *p, size_t *used, const char *fmt,
		   va_list ap) __attribute__((format(printf, 3, 0)));

static void append(struct parser *p, size_t *used, const char *fmt,
		   va_list ap)
{
	int n;

	if (!p->err || *used + 1 >= p->errlen)
		return;
	n = vsnprintf(p->err + *used, p->errlen - *used, fmt, ap);
	if (n > 0)
		*used += (size_t)n;
	if (*used >= p->errlen)
		*used = p->errlen - 1;
}

static void appendf(struct parser *p, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void appendf(struct parser *p, size_t *used, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append(p, used, fmt, ap);
	va_end(ap);
}

static int vfail(struct parser *p, const char *file, unsigned int line,
		 const struct source *chain, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

static int vfail(struct parser *p, const char *file, unsigned int line,
		 const struct source *chain, const char *fmt, va_list ap)
{
	size_t used = 0;

	if (p->err && p->errlen)
		p->err[0] = 0;
	if (line)
		appendf(p, &used, "%s:%u: ", file, line);
	else
		appendf(p, &used, "%s: ", file);
	append(p, &used, fmt, ap);
	for (; chain; chain = chain->parent)
		appendf(p, &used, " (included from %s:%u)", chain->name,
			chain->line);
	return -1;
}

/* An error in the line being read: "FILE:LINE: ..." and the include stack. */
static int fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, p->src->name, p->src->line, p->src->parent, fmt, ap);
	va_end(ap);
	return -1;
}

/* An error found after the last line, blamed on the line that caused it. */
static int fail_at(struct parser *p, const struct where *w,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail_at(struct parser *p, const struct where *w,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, w->file, w->line, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

static void remember(struct parser *p, struct where *w)
{
	snprintf(w->file, sizeof(w->file), "%s", p->src->name);
	w->line = p->src->line;
}

/* The unused tail is zeroed too, so equal settings compare equal. */
static int set_string(struct parser *p, const char *what, char *dst,
		      size_t size, const char *s)
{
	size_t n = strlen(s);

	if (!n)
		return fail(p, "%s is empty", what);
	if (n >= size)
		return fail(p, "%s is longer than %zu characters", what,
			    size - 1);
	memset(dst, 0, size);
	memcpy(dst, s, n);
	return 0;
}

static const char *next(struct args *a)
{
	return a->i < a->n ? a->v[a->i++] : NULL;
}

static int need(struct parser *p, struct args *a, const char *what,
		const char **val)
{
	*val = next(a);
	if (!*val)
		return fail(p, "%s needs a value", what);
	return 0;
}

/* Nothing may follow the arguments a directive takes. */
static int no_more(struct parser *p, struct args *a, const char *what)
{
	if (a->i < a->n)
		return fail(p, "%s: unexpected '%s'", what, a->v[a->i]);
	return 0;
}

/*
 * Decimal only: strtol alone would take "0x10", " 6" or "+6", and ntpd
 * users should get an error for "6x", not 6.
 */
static int parse_long(const char *s, long *v)
{
	const char *d = s[0] == '-' ? s + 1 : s;
	char *end;

	if (*d < '0' || *d > '9')
		return -1;
	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	return 0;
}

static int get_long(struct parser *p, const char *what, const char *s,
		    long min, long max, long *v)
{
	if (parse_long(s, v))
		return fail(p, "%s '%s' is not a number", what, s);
	if (*v < min || *v > max)
		return fail(p, "%s %s is out of range (%ld to %ld)", what, s,
			    min, max);
	return 0;
}

static int get_u8(struct parser *p, const char *what, const char *s,
		  long min, long max, uint8_t *v)
{
	long l;

	if (get_long(p, what, s, min, max, &l))
		return -1;
	*v = (uint8_t)l;
	return 0;
}

static int get_keyid(struct parser *p, const char *what, const char *s,
		     uint16_t *v)
{
	long l;

	if (get_long(p, what, s, 1, CONFIG_KEYID_MAX, &l))
		return -1;
	*v = (uint16_t)l;
	return 0;
}

/* "0.128", not "0.128000000": what a user would have written. */
static void format_seconds(char *buf, size_t len, int64_t ns)
{
	int n = snprintf(buf, len, "%lld.%09lld",
			 (long long)(ns / NSEC_PER_SEC),
			 (long long)(ns % NSEC_PER_SEC));

	if (n <= 0 || (size_t)n >= len)
		return;
	while (buf[n - 1] == '0')
		buf[--n] = 0;
	if (buf[n - 1] == '.')
		buf[n - 1] = 0;
}

/*
 * Seconds as "12", "0.128" or ".5", kept in nanoseconds so that values
 * compare and print back exactly (a double would not).
 */
static int get_seconds(struct parser *p, const char *what, const char *s,
		       int64_t max_ns, int64_t *ns)
{
	int64_t whole = 0, frac = 0, scale = NSEC_PER_SEC / 10;
	const char *c = s;
	bool digits = false, big = false;
	char max[32];

	format_seconds(max, sizeof(max), max_ns);
	if (*c == '-')
		return fail(p, "%s %s must not be negative", what, s);
	for (; *c >= '0' && *c <= '9'; c++, digits = true) {
		whole = whole * 10 + (*c - '0');
		if (whole > SECONDS_MAX) {
			big = true;
			whole = SECONDS_MAX + 1;
		}
	}
	if (*c == '.') {
		for (c++; *c >= '0' && *c <= '9'; c++, digits = true) {
			if (!scale && *c != '0')
				return fail(p, "%s %s is finer than a nanosecond",
					    what, s);
			frac += (*c - '0') * scale;
			scale /= 10;
		}
	}
	if (*c || !digits)
		return fail(p, "%s '%s' is not a number of seconds", what, s);
	*ns = whole * NSEC_PER_SEC + frac;
	if (big || *ns > max_ns)
		return fail(p, "%s %s is out of range (0 to %s)", what, s, max);
	return 0;
}

/* RFC 1123 host names: letters, digits, hyphens, dot-separated labels. */
static int check_hostname(struct parser *p, const char *what, const char *s)
{
	size_t n = strlen(s), label = 0, i;
	bool numeric = true;

	if (n > CONFIG_HOST_MAX - 1)
		return fail(p, "%s: host name '%.40s...' is longer than %d characters",
			    what, s, CONFIG_HOST_MAX - 1);
	if (n && s[n - 1] == '.')
		n--;			/* the root's dot */
	if (!n)
		return fail(p, "%s: empty host name", what);
	for (i = 0; i <= n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == n || c == '.') {
			if (!label)
				return fail(p, "%s: '%s' has an empty label",
					    what, s);
			if (s[i - 1] == '-')
				return fail(p, "%s: a label of '%s' ends with '-'",
					    what, s);
			label = 0;
			continue;
		}
		if (c == '-' && !label)
			return fail(p, "%s: a label of '%s' starts with '-'",
				    what, s);
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '-')
			return fail(p, "%s: '%s' is not a host name or address ('%c' is not allowed)",
				    what, s, c);
		if (++label > 63)
			return fail(p, "%s: '%.40s...' has a label longer than 63 characters",
				    what, s);
	}
	/* The last label of a name is never all digits: a bad IPv4 address. */
	for (i = n; i > 0 && s[i - 1] != '.'; i--)
		if (s[i - 1] < '0' || s[i - 1] > '9')
			numeric = false;
	if (numeric)
		return fail(p, "%s: '%s' is not a valid IPv4 address", what, s);
	return 0;
}

/*
 * HOST, HOST:PORT, [IPV6] or [IPV6]:PORT.  An IPv6 address without
 * brackets has several colons, so it cannot be read as HOST:PORT.
 */
static int parse_host(struct parser *p, const char *what, const char *tok,
		      struct config_server *s)
{
	char host[CONFIG_LINE_MAX + 1];
	uint8_t addr[16];
	const char *port = NULL, *colon = strchr(tok, ':');
	bool bracket = tok[0] == '[';
	long l;

	if (bracket) {
		const char *close = strchr(tok, ']');

		if (!close)
			return fail(p, "%s: '%s' has no closing ']'", what, tok);
		if (close[1] && close[1] != ':')
			return fail(p, "%s: unexpected '%s' after ']'", what,
				    close + 1);
		if (close[1])
			port = close + 2;
		snprintf(host, sizeof(host), "%.*s", (int)(close - tok - 1),
			 tok + 1);
	} else if (colon && !strchr(colon + 1, ':')) {
		port = colon + 1;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - tok), tok);
	} else {
		snprintf(host, sizeof(host), "%s", tok);
	}
	if (port && !*port)
		return fail(p, "%s: '%s' has no port after ':'", what, tok);
	if (port) {
		char opt[32];

		snprintf(opt, sizeof(opt), "%s port", what);
		if (get_long(p, opt, port, 1, 65535, &l))
			return -1;
		s->port = (uint16_t)l;
	}
	if (inet_pton(AF_INET6, host, addr) == 1) {
		s->family = AF_INET6;
		memcpy(s->addr, addr, 16);
	} else if (bracket) {
		return fail(p, "%s: '%s' in brackets is not an IPv6 address",
			    what, host);
	} else if (strchr(host, ':') || strchr(host, '%')) {
		return fail(p, "%s: '%s' is not a valid IPv6 address%s", what,
			    host, strchr(host, '%') ?
			    " (zone indexes are not supported)" : "");
	} else if (inet_pton(AF_INET, host, addr) == 1) {
		s->family = AF_INET;
		memcpy(s->addr, addr, 4);
	} else if (check_hostname(p, what, host)) {
		return -1;
	}
	if ((s->flags & CONFIG_SERVER_IPV4 && s->family == AF_INET6) ||
	    (s->flags & CONFIG_SERVER_IPV6 && s->family == AF_INET))
		return fail(p, "%s: %s is not an %s address", what, host,
			    s->flags & CONFIG_SERVER_IPV4 ? "IPv4" : "IPv6");
	/* check_hostname() bounds names; literals are shorter still. */
	memcpy(s->host, host, strlen(host) + 1);
	return 0;
}

static bool same_server(const struct config_server *a,
			const struct config_server *b)
{
	size_t la = strlen(a->host), lb = strlen(b->host);

	if (a->port != b->port || a->family != b->family)
		return false;
	if (a->family)
		return !memcmp(a->addr, b->addr, sizeof(a->addr));
	/* Names differ neither by case nor by the root's dot. */
	if (la && a->host[la - 1] == '.')
		la--;
	if (lb && b->host[lb - 1] == '.')
		lb--;
	return la == lb && !strncasecmp(a->host, b->host, la);
}

static int parse_server(struct parser *p, struct args *a)
{
	struct config *c = &p->cfg;
	const char *what = a->v[0], *tok, *val;
	struct config_server s;
	char opt[32];
	unsigned int i;

	memset(&s, 0, sizeof(s));
	s.minpoll = 6;
	s.maxpoll = 10;
	s.version = 4;
	s.port = CONFIG_NTP_PORT;
	if (!strcmp(what, "pool"))
		s.flags |= CONFIG_SERVER_POOL;
	tok = next(a);
	if (tok && (!strcmp(tok, "-4") || !strcmp(tok, "--ipv4"))) {
		s.flags |= CONFIG_SERVER_IPV4;
		tok = next(a);
	} else if (tok && (!strcmp(tok, "-6") || !strcmp(tok, "--ipv6"))) {
		s.flags |= CONFIG_SERVER_IPV6;
		tok = next(a);
	}
	if (!tok)
		return fail(p, "%s needs a host name or address", what);
	if (parse_host(p, what, tok, &s))
		return -1;

	while ((tok = next(a))) {
		const struct name_bit *nb = find_bit(server_flags,
						     ARRAY_SIZE(server_flags),
						     tok);

		snprintf(opt, sizeof(opt), "%s %.16s", what, tok);
		if (nb) {
			s.flags |= nb->bit;
		} else if (!strcmp(tok, "minpoll")) {
			if (need(p, a, opt, &val) ||
			    get_u8(p, opt, val, CONFIG_POLL_MIN, CONFIG_POLL_MAX,
				   &s.minpoll))
				return -1;
		} else if (!strcmp(tok, "maxpoll")) {
			if (need(p, a, opt, &val) ||
			    get_u8(p, opt, val, CONFIG_POLL_MIN, CONFIG_POLL_MAX,
				   &s.maxpoll))
				return -1;
		} else if (!strcmp(tok, "version")) {
			if (need(p, a, opt, &val) ||
			    get_u8(p, opt, val, 1, 4, &s.version))
				return -1;
		} else if (!strcmp(tok, "key")) {
			if (need(p, a, opt, &val) ||
			    get_keyid(p, opt, val, &s.key))
				return -1;
		} else if (find_name(server_unsupported,
				     ARRAY_SIZE(server_unsupported), tok) >= 0) {
			return fail(p, "%s option '%s' is not supported by ntpsecd",
				    what, tok);
		} else {
			return fail(p, "%s: unknown option '%s'", what, tok);
		}
	}
	if (s.minpoll > s.maxpoll)
		return fail(p, "%s %s: minpoll %u is greater than maxpoll %u",
			    what, s.host, s.minpoll, s.maxpoll);
	if (s.flags & CONFIG_SERVER_NTS && s.key)
		return fail(p, "%s %s: nts and key exclude each other", what,
			    s.host);
	if (s.flags & CONFIG_SERVER_NTS && s.version != 4)
		return fail(p, "%s %s: nts needs version 4", what, s.host);
	for (i = 0; i < c->n_servers; i++)
		if (same_server(&c->servers[i], &s))
			return fail(p, "%s %s is already configured at %s:%u",
				    what, s.host, p->server_at[i].file,
				    p->server_at[i].line);
	if (c->n_servers == CONFIG_MAX_SERVERS)
		return fail(p, "more than %d server and pool lines",
			    CONFIG_MAX_SERVERS);
	memcpy(&c->servers[c->n_servers], &s, sizeof(s));
	remember(p, &p->server_at[c->n_servers]);
	c->n_servers++;
	return 0;
}

static unsigned int prefix_max(int family)
{
	return family == AF_INET ? 32 : 128;
}

static void prefix_mask_of(int family, unsigned int len, uint8_t *mask)
{
	unsigned int i;

	memset(mask, 0, 16);
	for (i = 0; i < len && i < prefix_max(family); i++)
		mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

/* The host bits are named: "host bits set" alone leaves users guessing. */
static int check_host_bits(struct parser *p, const char *what,
			   const char *shown, const struct prefix *pf)
{
	char bits[INET6_ADDRSTRLEN];
	uint8_t mask[16], host[16];
	bool set = false;
	unsigned int i;

	prefix_mask_of(pf->family, pf->len, mask);
	for (i = 0; i < prefix_addr_len(pf); i++) {
		host[i] = pf->addr[i] & (uint8_t)~mask[i];
		set |= host[i] != 0;
	}
	if (!set)
		return 0;
	inet_ntop(pf->family, host, bits, sizeof(bits));
	return fail(p, "%s: %s has host bits %s set beyond /%u", what, shown,
		    bits, pf->len);
}

/* ADDR or ADDR/LEN; prefix.c reads the address, we name the host bits. */
static int parse_prefix(struct parser *p, const char *what, const char *tok,
			struct prefix *pf)
{
	char addr[INET6_ADDRSTRLEN], msg[128];
	const char *slash = strchr(tok, '/');
	size_t n = slash ? (size_t)(slash - tok) : strlen(tok);
	long len;

	if (n >= sizeof(addr))
		return fail(p, "%s: '%s' is not an IPv4 or IPv6 address", what,
			    tok);
	memcpy(addr, tok, n);
	addr[n] = 0;
	if (prefix_parse(addr, pf, msg, sizeof(msg)))
		return fail(p, "%s: %s", what, msg);
	if (slash) {
		char opt[32];

		snprintf(opt, sizeof(opt), "%s prefix length", what);
		if (get_long(p, opt, slash + 1, 0,
			     (long)prefix_max(pf->family), &len))
			return -1;
		pf->len = (uint8_t)len;
	}
	return check_host_bits(p, what, tok, pf);
}

static bool is_address(const char *tok)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(tok, '/');
	size_t n = slash ? (size_t)(slash - tok) : strlen(tok);
	uint8_t buf[16];

	if (n >= sizeof(addr))
		return false;
	memcpy(addr, tok, n);
	addr[n] = 0;
	return inet_pton(AF_INET, addr, buf) == 1 ||
	       inet_pton(AF_INET6, addr, buf) == 1;
}

/* A mask must be a prefix: ntpd would take 255.0.255.0, the module cannot. */
static int parse_mask(struct parser *p, const char *tok, int family,
		      unsigned int *len)
{
	uint8_t m[16];
	unsigned int i, max = prefix_max(family);
	bool zero = false;

	if (inet_pton(family, tok, m) != 1)
		return fail(p, "restrict: mask '%s' is not an %s mask", tok,
			    family == AF_INET ? "IPv4" : "IPv6");
	*len = 0;
	for (i = 0; i < max; i++) {
		bool bit = m[i / 8] & (0x80 >> (i % 8));

		if (bit && zero)
			return fail(p, "restrict: mask %s is not a contiguous prefix mask",
				    tok);
		if (bit)
			(*len)++;
		else
			zero = true;
	}
	return 0;
}

static int add_restrict(struct parser *p, const struct prefix *pf,
			uint32_t flags)
{
	struct config *c = &p->cfg;
	struct config_restrict *r;
	unsigned int i;

	for (i = 0; i < c->n_restricts; i++) {
		r = &c->restricts[i];
		if (r->prefix.family == pf->family &&
		    r->prefix.len == pf->len &&
		    !memcmp(r->prefix.addr, pf->addr, sizeof(pf->addr))) {
			r->flags |= flags;
			return 0;
		}
	}
	if (c->n_restricts == CONFIG_MAX_RESTRICTS)
		return fail(p, "more than %d restrict entries",
			    CONFIG_MAX_RESTRICTS);
	r = &c->restricts[c->n_restricts++];
	memcpy(&r->prefix, pf, sizeof(*pf));
	r->flags = flags;
	return 0;
}

static int parse_restrict(struct parser *p, struct args *a)
{
	const char *tok, *mask = NULL, *target;
	struct prefix pf;
	uint32_t flags = 0;
	int family = 0;

	memset(&pf, 0, sizeof(pf));
	tok = next(a);
	if (tok && (!strcmp(tok, "-4") || !strcmp(tok, "--ipv4"))) {
		family = AF_INET;
		tok = next(a);
	} else if (tok && (!strcmp(tok, "-6") || !strcmp(tok, "--ipv6"))) {
		family = AF_INET6;
		tok = next(a);
	}
	target = tok;
	if (!target)
		return fail(p, "restrict needs an address, default or source");
	if (a->i + 1 < a->n && !strcmp(a->v[a->i], "mask")) {
		mask = a->v[a->i + 1];
		a->i += 2;
	} else if (a->i < a->n && !strcmp(a->v[a->i], "mask")) {
		return fail(p, "restrict: mask needs a value");
	}
	while ((tok = next(a))) {
		const struct name_bit *nb = find_bit(restrict_flags,
						     ARRAY_SIZE(restrict_flags),
						     tok);

		if (nb)
			flags |= nb->bit;
		else if (find_name(restrict_unsupported,
				   ARRAY_SIZE(restrict_unsupported), tok) >= 0)
			return fail(p, "restrict flag '%s' is not supported by ntpsecd",
				    tok);
		else if (!strcmp(tok, "mask"))
			return fail(p, "restrict: mask must follow the address");
		else
			return fail(p, "restrict: unknown flag '%s'", tok);
	}

	if (!strcmp(target, "source")) {
		if (family || mask)
			return fail(p, "restrict source takes no %s",
				    mask ? "mask" : "-4 or -6");
		return add_restrict(p, &pf, flags | CONFIG_RESTRICT_SOURCE);
	}
	if (!strcmp(target, "default")) {
		if (mask)
			return fail(p, "restrict default takes no mask");
		if (family != AF_INET6) {
			pf.family = AF_INET;
			if (add_restrict(p, &pf, flags))
				return -1;
		}
		if (family != AF_INET) {
			pf.family = AF_INET6;
			if (add_restrict(p, &pf, flags))
				return -1;
		}
		return 0;
	}
	if (!is_address(target) && !strchr(target, ':') &&
	    !strchr(target, '/'))
		return fail(p, "restrict: '%s' is not an address (host names are not resolved here)",
			    target);
	if (mask && strchr(target, '/'))
		return fail(p, "restrict: %s has both a prefix length and a mask",
			    target);
	if (parse_prefix(p, "restrict", target, &pf))
		return -1;
	if (family && family != pf.family)
		return fail(p, "restrict: %s is not an %s address", target,
			    family == AF_INET ? "IPv4" : "IPv6");
	if (mask) {
		char shown[CONFIG_LINE_MAX + 1];
		unsigned int len = 0;

		if (parse_mask(p, mask, pf.family, &len))
			return -1;
		pf.len = (uint8_t)len;
		snprintf(shown, sizeof(shown), "%s mask %s", target, mask);
		if (check_host_bits(p, "restrict", shown, &pf))
			return -1;
	}
	return add_restrict(p, &pf, flags);
}

static int parse_path(struct parser *p, struct args *a, char *dst)
{
	const char *what = a->v[0], *tok = next(a);

	if (!tok)
		return fail(p, "%s needs a path", what);
	if (set_string(p, what, dst, CONFIG_PATH_MAX, tok))
		return -1;
	return no_more(p, a, what);
}

static int parse_driftfile(struct parser *p, struct args *a)
{
	return parse_path(p, a, p->cfg.driftfile);
}

static int parse_leapfile(struct parser *p, struct args *a)
{
	return parse_path(p, a, p->cfg.leapfile);
}

static int parse_keys(struct parser *p, struct args *a)
{
	return parse_path(p, a, p->cfg.keys);
}

static int parse_logfile(struct parser *p, struct args *a)
{
	return parse_path(p, a, p->cfg.logfile);
}

static int parse_statsdir(struct parser *p, struct args *a)
{
	return parse_path(p, a, p->cfg.statsdir);
}

static int parse_trustedkey(struct parser *p, struct args *a)
{
	const char *tok;
	uint16_t id;

	if (a->n == 1)
		return fail(p, "trustedkey needs at least one key id");
	while ((tok = next(a))) {
		if (tok[0] == '(')
			return fail(p, "trustedkey: key ranges are not supported by ntpsecd, list each key");
		if (get_keyid(p, "trustedkey", tok, &id))
			return -1;
		p->cfg.trusted[id / 64] |= 1ULL << (id % 64);
	}
	return 0;
}

static int parse_controlkey(struct parser *p, struct args *a)
{
	const char *tok = next(a);

	if (!tok)
		return fail(p, "controlkey needs a key id");
	if (get_keyid(p, "controlkey", tok, &p->cfg.controlkey))
		return -1;
	remember(p, &p->controlkey_at);
	return no_more(p, a, "controlkey");
}

static int stat_index(struct parser *p, const char *what, const char *tok)
{
	int i = find_name(stat_names, ARRAY_SIZE(stat_names), tok);

	if (i >= 0)
		return i;
	if (find_name(stat_unsupported, ARRAY_SIZE(stat_unsupported), tok) >= 0)
		return fail(p, "%s '%s' is not supported by ntpsecd", what, tok);
	return fail(p, "%s: unknown statistics name '%s'", what, tok);
}

static int parse_statistics(struct parser *p, struct args *a)
{
	const char *tok;

	if (a->n == 1)
		return fail(p, "statistics needs at least one name");
	while ((tok = next(a))) {
		int i = stat_index(p, "statistics", tok);

		if (i < 0)
			return -1;
		p->cfg.statistics |= 1U << i;
	}
	return 0;
}

/* The enable flag is the statistics bit: ntpd keeps one flag for both. */
static int parse_filegen(struct parser *p, struct args *a)
{
	const char *tok = next(a), *val;
	struct config_filegen fg;
	uint32_t stats;
	int i, t;

	if (!tok)
		return fail(p, "filegen needs a statistics name");
	i = stat_index(p, "filegen", tok);
	if (i < 0)
		return -1;
	memcpy(&fg, &p->cfg.filegen[i], sizeof(fg));
	stats = p->cfg.statistics;
	while ((tok = next(a))) {
		if (!strcmp(tok, "file")) {
			if (need(p, a, "filegen file", &val))
				return -1;
			if (strchr(val, '/') || !strcmp(val, "..") ||
			    !strcmp(val, "."))
				return fail(p, "filegen file '%s' must be a file name (the directory is statsdir)",
					    val);
			if (set_string(p, "filegen file", fg.file,
				       sizeof(fg.file), val))
				return -1;
		} else if (!strcmp(tok, "type")) {
			if (need(p, a, "filegen type", &val))
				return -1;
			t = find_name(filegen_types, ARRAY_SIZE(filegen_types),
				      val);
			if (t < 0)
				return fail(p, "filegen: unknown type '%s' (day, week, month, year, age or none)",
					    val);
			fg.type = (uint8_t)t;
		} else if (!strcmp(tok, "enable")) {
			stats |= 1U << i;
		} else if (!strcmp(tok, "disable")) {
			stats &= ~(1U << i);
		} else if (!strcmp(tok, "link")) {
			fg.nolink = 0;
		} else if (!strcmp(tok, "nolink")) {
			fg.nolink = 1;
		} else {
			return fail(p, "filegen: unknown option '%s'", tok);
		}
	}
	memcpy(&p->cfg.filegen[i], &fg, sizeof(fg));
	p->cfg.statistics = stats;
	return 0;
}

static int parse_tos(struct parser *p, struct args *a)
{
	const char *tok, *val;
	char what[32];

	if (a->n == 1)
		return fail(p, "tos needs an option");
	while ((tok = next(a))) {
		snprintf(what, sizeof(what), "tos %.16s", tok);
		if (!strcmp(tok, "minsane") || !strcmp(tok, "minclock") ||
		    !strcmp(tok, "maxclock")) {
			uint8_t *v = !strcmp(tok, "minsane") ?
				     &p->cfg.tos.minsane :
				     !strcmp(tok, "minclock") ?
				     &p->cfg.tos.minclock :
				     &p->cfg.tos.maxclock;

			if (need(p, a, what, &val) ||
			    get_u8(p, what, val, 1, 100, v))
				return -1;
			remember(p, &p->tos_at);
		} else if (!strcmp(tok, "orphan")) {
			if (need(p, a, what, &val) ||
			    get_u8(p, what, val, 1, 16, &p->cfg.tos.orphan))
				return -1;
		} else if (!strcmp(tok, "mindist")) {
			if (need(p, a, what, &val) ||
			    get_seconds(p, what, val, NSEC_PER_SEC,
					&p->cfg.tos.mindist_ns))
				return -1;
		} else if (find_name(tos_unsupported,
				     ARRAY_SIZE(tos_unsupported), tok) >= 0) {
			return fail(p, "tos %s is not supported by ntpsecd", tok);
		} else {
			return fail(p, "tos: unknown option '%s'", tok);
		}
	}
	return 0;
}

static int parse_tinker(struct parser *p, struct args *a)
{
	const char *tok, *val;
	int64_t *v;
	char what[32];

	if (a->n == 1)
		return fail(p, "tinker needs an option");
	while ((tok = next(a))) {
		snprintf(what, sizeof(what), "tinker %.16s", tok);
		if (!strcmp(tok, "step"))
			v = &p->cfg.tinker.step_ns;
		else if (!strcmp(tok, "panic"))
			v = &p->cfg.tinker.panic_ns;
		else if (!strcmp(tok, "stepout"))
			v = &p->cfg.tinker.stepout_ns;
		else if (find_name(tinker_unsupported,
				   ARRAY_SIZE(tinker_unsupported), tok) >= 0)
			return fail(p, "tinker %s is not supported by ntpsecd",
				    tok);
		else
			return fail(p, "tinker: unknown option '%s'", tok);
		if (need(p, a, what, &val) ||
		    get_seconds(p, what, val, SECONDS_MAX * NSEC_PER_SEC, v))
			return -1;
	}
	return 0;
}

static int parse_enable(struct parser *p, struct args *a)
{
	const char *what = a->v[0], *tok;

	if (a->n == 1)
		return fail(p, "%s needs a flag", what);
	while ((tok = next(a))) {
		const struct name_bit *nb = find_bit(system_flags,
						     ARRAY_SIZE(system_flags),
						     tok);

		if (!nb && !strcmp(tok, "auth"))
			return fail(p, "%s auth is not supported by ntpsecd",
				    what);
		if (!nb)
			return fail(p, "%s: unknown flag '%s'", what, tok);
		if (what[0] == 'e')
			p->cfg.system |= nb->bit;
		else
			p->cfg.system &= ~nb->bit;
	}
	return 0;
}

static int parse_nts(struct parser *p, struct args *a)
{
	const char *tok, *val;
	char what[32], *dst;

	if (a->n == 1)
		return fail(p, "nts needs an option");
	while ((tok = next(a))) {
		snprintf(what, sizeof(what), "nts %.16s", tok);
		if (!strcmp(tok, "enable")) {
			p->cfg.nts.enable = 1;
			remember(p, &p->nts_at);
			continue;
		}
		if (!strcmp(tok, "disable")) {
			p->cfg.nts.enable = 0;
			continue;
		}
		/* Ours: NTPsec rotates daily, always. */
		if (!strcmp(tok, "cookie-rotate")) {
			long l;

			if (need(p, a, what, &val) ||
			    get_long(p, what, val, 60, 30L * 86400, &l))
				return -1;
			p->cfg.nts.cookie_rotate = (uint32_t)l;
			continue;
		}
		if (!strcmp(tok, "cert"))
			dst = p->cfg.nts.cert;
		else if (!strcmp(tok, "key"))
			dst = p->cfg.nts.key;
		else if (!strcmp(tok, "cookie"))
			dst = p->cfg.nts.cookie;
		else if (!strcmp(tok, "ca"))
			dst = p->cfg.nts.ca;
		else if (find_name(nts_unsupported,
				   ARRAY_SIZE(nts_unsupported), tok) >= 0)
			return fail(p, "nts %s is not supported by ntpsecd", tok);
		else
			return fail(p, "nts: unknown option '%s'", tok);
		if (need(p, a, what, &val) ||
		    set_string(p, what, dst, CONFIG_PATH_MAX, val))
			return -1;
	}
	return 0;
}

static int parse_kernel(struct parser *p, struct args *a)
{
	const char *tok = next(a);
	int m;

	if (!tok)
		return fail(p, "kernel needs on, off or auto");
	m = find_name(kernel_modes, ARRAY_SIZE(kernel_modes), tok);
	if (m < 0)
		return fail(p, "kernel: '%s' is not on, off or auto", tok);
	p->cfg.kernel = (uint8_t)m;
	return no_more(p, a, "kernel");
}

/* chrony's syntax; options not given keep their value. */
static int parse_ratelimit(struct parser *p, struct args *a)
{
	const char *tok, *val;
	char what[32];
	long v;

	while ((tok = next(a))) {
		snprintf(what, sizeof(what), "ratelimit %.16s", tok);
		if (!strcmp(tok, "kod")) {
			p->cfg.ratelimit.kod = 1;
		} else if (!strcmp(tok, "interval")) {
			if (need(p, a, what, &val) ||
			    get_long(p, what, val, -10, 12, &v))
				return -1;
			p->cfg.ratelimit.interval = (int8_t)v;
		} else if (!strcmp(tok, "burst")) {
			if (need(p, a, what, &val) ||
			    get_long(p, what, val, 1, 1024, &v))
				return -1;
			p->cfg.ratelimit.burst = (uint32_t)v;
		} else if (!strcmp(tok, "leak")) {
			if (need(p, a, what, &val) ||
			    get_u8(p, what, val, 0, 8, &p->cfg.ratelimit.leak))
				return -1;
		} else if (!strcmp(tok, "table")) {
			if (need(p, a, what, &val) ||
			    get_long(p, what, val, 256, 1L << 20, &v))
				return -1;
			if (v & (v - 1))
				return fail(p, "%s %s is not a power of two",
					    what, val);
			p->cfg.ratelimit.table = (uint32_t)v;
		} else {
			return fail(p, "ratelimit: unknown option '%s'", tok);
		}
	}
	p->cfg.ratelimit.enabled = 1;
	return 0;
}

/* The kernel's dev_valid_name(); the interface need not exist yet. */
static bool valid_ifname(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= CONFIG_IFNAME_MAX || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		return false;
	return !strpbrk(s, "/: \t");
}

static int parse_hwtimestamp(struct parser *p, struct args *a)
{
	struct config *c = &p->cfg;
	const char *tok = next(a);
	unsigned int i;

	if (!tok)
		return fail(p, "hwtimestamp needs an interface name");
	if (!valid_ifname(tok))
		return fail(p, "hwtimestamp: '%s' is not a valid interface name (1 to %d characters, no '/', ':' or spaces)",
			    tok, CONFIG_IFNAME_MAX - 1);
	if (no_more(p, a, "hwtimestamp"))
		return -1;
	for (i = 0; i < c->n_hwts; i++)
		if (!strcmp(c->hwts[i], tok))
			return fail(p, "hwtimestamp %s is given twice", tok);
	if (c->n_hwts == CONFIG_MAX_HWTS)
		return fail(p, "more than %d hwtimestamp interfaces",
			    CONFIG_MAX_HWTS);
	strcpy(c->hwts[c->n_hwts++], tok);
	return 0;
}

static int parse_interface(struct parser *p, struct args *a)
{
	struct config *c = &p->cfg;
	const char *what = a->v[0], *act = next(a), *tok = next(a);
	struct config_interface ifr;
	int i;

	memset(&ifr, 0, sizeof(ifr));
	if (!act || !tok)
		return fail(p, "%s needs listen, ignore or drop and what to match",
			    what);
	i = find_name(if_actions, ARRAY_SIZE(if_actions), act);
	if (i < 0)
		return fail(p, "%s: '%s' is not listen, ignore or drop", what,
			    act);
	ifr.action = (uint8_t)i;
	i = find_name(if_classes, ARRAY_SIZE(if_classes), tok);
	if (i >= 0) {
		ifr.match = (uint8_t)i;
	} else if (is_address(tok)) {
		ifr.match = CONFIG_IF_PREFIX;
		if (parse_prefix(p, what, tok, &ifr.prefix))
			return -1;
	} else if (valid_ifname(tok)) {
		ifr.match = CONFIG_IF_NAME;
		strcpy(ifr.name, tok);
	} else {
		return fail(p, "%s: '%s' is not an address or interface name",
			    what, tok);
	}
	if (no_more(p, a, what))
		return -1;
	if (c->n_interfaces == CONFIG_MAX_INTERFACES)
		return fail(p, "more than %d interface rules",
			    CONFIG_MAX_INTERFACES);
	memcpy(&c->interfaces[c->n_interfaces++], &ifr, sizeof(ifr));
	return 0;
}

static int parse_includefile(struct parser *p, struct args *a);

static const struct {
	const char *name;
	int (*parse)(struct parser *p, struct args *a);
} directives[] = {
	{ "server", parse_server },
	{ "pool", parse_server },
	{ "restrict", parse_restrict },
	{ "driftfile", parse_driftfile },
	{ "leapfile", parse_leapfile },
	{ "keys", parse_keys },
	{ "trustedkey", parse_trustedkey },
	{ "controlkey", parse_controlkey },
	{ "logfile", parse_logfile },
	{ "statsdir", parse_statsdir },
	{ "statistics", parse_statistics },
	{ "filegen", parse_filegen },
	{ "tos", parse_tos },
	{ "tinker", parse_tinker },
	{ "enable", parse_enable },
	{ "disable", parse_enable },
	{ "nts", parse_nts },
	{ "kernel", parse_kernel },
	{ "ratelimit", parse_ratelimit },
	{ "hwtimestamp", parse_hwtimestamp },
	{ "interface", parse_interface },
	{ "nic", parse_interface },
	{ "includefile", parse_includefile },
};

/*
 * Splits one line into words in buf: whitespace separates, '#' starts a
 * comment, "double quotes" hold a word with spaces (ntpd's scanner does the
 * same; there is no escape inside them).
 */
static int tokenize(struct parser *p, const char *s, size_t n, char *buf,
		    char **tok, int *ntok)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(p, "control character 0x%02x in line", c);
	}
	*ntok = 0;
	i = 0;
	for (;;) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n || s[i] == '#')
			return 0;
		tok[(*ntok)++] = buf + o;
		if (s[i] == '"') {
			const char *close = memchr(s + i + 1, '"', n - i - 1);

			if (!close)
				return fail(p, "unterminated quoted string");
			memcpy(buf + o, s + i + 1, (size_t)(close - s - i - 1));
			o += (size_t)(close - s - i - 1);
			i = (size_t)(close - s) + 1;
			if (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '#')
				return fail(p, "unexpected '%c' after a quoted string",
					    s[i]);
		} else {
			while (i < n && s[i] != ' ' && s[i] != '\t' &&
			       s[i] != '#') {
				if (s[i] == '"')
					return fail(p, "'\"' inside a word");
				buf[o++] = s[i++];
			}
		}
		buf[o++] = 0;
	}
}

static int parse_line(struct parser *p, const char *s, size_t n)
{
	char buf[CONFIG_LINE_MAX + 1];
	char *tok[MAX_TOKENS];
	struct args a;
	size_t i;

	if (n && s[n - 1] == '\r')
		n--;			/* CRLF files */
	if (n > CONFIG_LINE_MAX)
		return fail(p, "line is longer than %d characters",
			    CONFIG_LINE_MAX);
	if (tokenize(p, s, n, buf, tok, &a.n))
		return -1;
	if (!a.n)
		return 0;
	a.v = tok;
	a.i = 1;
	for (i = 0; i < ARRAY_SIZE(directives); i++)
		if (!strcmp(tok[0], directives[i].name))
			return directives[i].parse(p, &a);
	for (i = 0; i < ARRAY_SIZE(replaced_directives); i++)
		if (!strcmp(tok[0], replaced_directives[i].name))
			return fail(p, "%s is not supported by ntpsecd (%s)",
				    tok[0], replaced_directives[i].instead);
	if (find_name(unsupported_directives, ARRAY_SIZE(unsupported_directives),
		      tok[0]) >= 0)
		return fail(p, "%s is not supported by ntpsecd", tok[0]);
	return fail(p, "unknown directive '%s'", tok[0]);
}

static int parse_text(struct parser *p, const char *text, size_t len,
		      struct source *src)
{
	struct source *saved = p->src;
	size_t pos = 0;
	int ret = 0;

	p->src = src;
	while (pos < len) {
		const char *eol = memchr(text + pos, '\n', len - pos);
		size_t n = eol ? (size_t)(eol - text - pos) : len - pos;

		src->line++;
		if (memchr(text + pos, 0, n)) {
			ret = fail(p, "NUL character in line");
			break;
		}
		ret = parse_line(p, text + pos, n);
		if (ret)
			break;
		pos += n + 1;
	}
	p->src = saved;
	return ret;
}

/* Reads fd whole; *text is malloc'ed.  errno describes a failure. */
static int read_all(int fd, char **text, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *bigger;

	if (!buf)
		return -1;
	for (;;) {
		if (n == cap) {
			if (cap > CONFIG_FILE_MAX) {
				free(buf);
				errno = EFBIG;
				return -1;
			}
			cap *= 2;
			bigger = realloc(buf, cap);
			if (!bigger) {
				free(buf);
				return -1;
			}
			buf = bigger;
		}
		ssize_t r = read(fd, buf + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	if (n > CONFIG_FILE_MAX) {
		free(buf);
		errno = EFBIG;
		return -1;
	}
	*text = buf;
	*len = n;
	return 0;
}

static int include_path(struct parser *p, const char *path);

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool conf_name(const char *s)
{
	size_t n = strlen(s);

	return s[0] != '.' && n > 5 && !strcmp(s + n - 5, ".conf");
}

/* NTPsec reads a directory's *.conf files; in name order, so repeatably. */
static int include_dir(struct parser *p, int fd, const char *dir)
{
	char *names[MAX_DIR_ENTRIES], path[CONFIG_PATH_MAX];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d = fdopendir(fd);
	int ret = 0;

	if (!d) {
		ret = fail(p, "includefile %s: %s", dir, strerror(errno));
		close(fd);
		return ret;
	}
	while ((de = readdir(d))) {
		if (!conf_name(de->d_name))
			continue;
		if (n == MAX_DIR_ENTRIES) {
			ret = fail(p, "includefile %s: more than %d .conf files",
				   dir, MAX_DIR_ENTRIES);
			break;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			ret = fail(p, "out of memory");
			break;
		}
		n++;
	}
	closedir(d);
	if (!ret)
		qsort(names, n, sizeof(names[0]), compare_names);
	for (i = 0; i < n && !ret; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     names[i]) >= sizeof(path))
			ret = fail(p, "includefile %s/%s: path is longer than %d characters",
				   dir, names[i], CONFIG_PATH_MAX - 1);
		else
			ret = include_path(p, path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	return ret;
}

/* NULL, or why the file cannot be read. */
static const char *load_regular(int fd, struct source *src, char **text,
				size_t *len)
{
	struct stat st;

	if (fstat(fd, &st))
		return strerror(errno);
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	src->has_id = true;
	src->dev = st.st_dev;
	src->ino = st.st_ino;
	if (read_all(fd, text, len))
		return errno == EFBIG ? "larger than 1 MiB" : strerror(errno);
	return NULL;
}

/* O_NONBLOCK: a FIFO named by mistake must not hang the daemon. */
static int open_config(const char *path)
{
	return open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
}

/* path is resolved; errors are blamed on the includefile line. */
static int include_path(struct parser *p, const char *path)
{
	struct source src = {
		.name = path,
		.parent = p->src,
		.depth = p->src->depth + 1,
	};
	const struct source *s;
	const char *why;
	struct stat st;
	size_t len;
	char *text;
	int fd, ret;

	if (src.depth > CONFIG_INCLUDE_DEPTH)
		return fail(p, "includefile %s: nested deeper than %d levels",
			    path, CONFIG_INCLUDE_DEPTH);
	fd = open_config(path);
	if (fd < 0)
		return fail(p, "includefile %s: %s", path, strerror(errno));
	if (!fstat(fd, &st) && S_ISDIR(st.st_mode))
		return include_dir(p, fd, path);
	why = load_regular(fd, &src, &text, &len);
	close(fd);
	if (why)
		return fail(p, "includefile %s: %s", path, why);
	for (s = p->src; s; s = s->parent) {
		if (s->has_id && s->dev == src.dev && s->ino == src.ino) {
			free(text);
			return fail(p, "includefile %s: loop, the file is already being read",
				    path);
		}
	}
	ret = parse_text(p, text, len, &src);
	free(text);
	return ret;
}

/* Relative to the including file's directory, as NTPsec resolves it. */
static int parse_includefile(struct parser *p, struct args *a)
{
	const char *tok = next(a), *slash = strrchr(p->src->name, '/');
	char path[CONFIG_PATH_MAX];
	int n;

	if (!tok)
		return fail(p, "includefile needs a path");
	if (no_more(p, a, "includefile"))
		return -1;
	if (tok[0] == '/' || !slash)
		n = snprintf(path, sizeof(path), "%s", tok);
	else
		n = snprintf(path, sizeof(path), "%.*s/%s",
			     (int)(slash - p->src->name), p->src->name, tok);
	if (n < 0 || (size_t)n >= sizeof(path))
		return fail(p, "includefile path is longer than %d characters",
			    CONFIG_PATH_MAX - 1);
	return include_path(p, path);
}

/* The checks that need the whole file. */
static int finish(struct parser *p)
{
	const struct config *c = &p->cfg;
	unsigned int i;

	if (c->tos.minclock > c->tos.maxclock)
		return fail_at(p, &p->tos_at,
			       "tos minclock %u is greater than maxclock %u",
			       c->tos.minclock, c->tos.maxclock);
	if (c->tos.minsane > c->tos.maxclock)
		return fail_at(p, &p->tos_at,
			       "tos minsane %u is greater than maxclock %u",
			       c->tos.minsane, c->tos.maxclock);
	for (i = 0; i < c->n_servers; i++) {
		const struct config_server *s = &c->servers[i];
		const char *what = s->flags & CONFIG_SERVER_POOL ?
				   "pool" : "server";

		if (s->key && !c->keys[0])
			return fail_at(p, &p->server_at[i],
				       "%s %s: key %u needs a keys file",
				       what, s->host, s->key);
		if (s->key && !config_key_trusted(c, s->key))
			return fail_at(p, &p->server_at[i],
				       "%s %s: key %u is not a trustedkey",
				       what, s->host, s->key);
	}
	if (c->controlkey && !config_key_trusted(c, c->controlkey))
		return fail_at(p, &p->controlkey_at,
			       "controlkey %u is not a trustedkey",
			       c->controlkey);
	if (c->nts.enable && (!c->nts.cert[0] || !c->nts.key[0]))
		return fail_at(p, &p->nts_at,
			       "nts enable needs nts cert and nts key");
	return 0;
}

void config_defaults(struct config *c)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->tos.minsane = 1;
	c->tos.minclock = 3;
	c->tos.maxclock = 10;
	c->tos.orphan = 16;
	c->tos.mindist_ns = NSEC_PER_SEC / 1000;
	c->tinker.step_ns = 128 * NSEC_PER_SEC / 1000;
	c->tinker.panic_ns = 1000 * NSEC_PER_SEC;
	c->tinker.stepout_ns = 900 * NSEC_PER_SEC;
	c->system = CONFIG_SYS_NTP | CONFIG_SYS_KERNEL | CONFIG_SYS_MONITOR;
	c->kernel = CONFIG_KERNEL_AUTO;
	c->ratelimit.interval = 3;
	c->ratelimit.burst = 8;
	c->ratelimit.leak = 2;
	c->ratelimit.table = 16384;
	for (i = 0; i < CONFIG_STAT_COUNT; i++) {
		strcpy(c->filegen[i].file, stat_names[i]);
		c->filegen[i].type = CONFIG_FILEGEN_DAY;
	}
}

static struct parser *parser_new(char *err, size_t errlen)
{
	struct parser *p = calloc(1, sizeof(*p));

	if (!p) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	config_defaults(&p->cfg);
	p->err = err;
	p->errlen = errlen;
	return p;
}

static int parser_done(struct parser *p, int ret, struct config *out)
{
	if (!ret)
		ret = finish(p);
	if (!ret)
		memcpy(out, &p->cfg, sizeof(*out));
	free(p);
	return ret;
}

int config_parse_string(const char *text, const char *name,
			struct config *out, char *err, size_t errlen)
{
	struct source src = { .name = name ? name : "(string)" };
	struct parser *p = parser_new(err, errlen);

	if (!p)
		return -1;
	return parser_done(p, parse_text(p, text, strlen(text), &src), out);
}

int config_load(const char *path, struct config *out, char *err,
		size_t errlen)
{
	struct source src = { .name = path };
	struct parser *p = parser_new(err, errlen);
	const char *why;
	size_t len;
	char *text;
	int fd, ret;

	if (!p)
		return -1;
	fd = open_config(path);
	if (fd < 0) {
		why = strerror(errno);
	} else {
		why = load_regular(fd, &src, &text, &len);
		close(fd);
	}
	if (why) {
		p->src = &src;
		ret = fail(p, "cannot read: %s", why);
		p->src = NULL;
	} else {
		ret = parse_text(p, text, len, &src);
		free(text);
	}
	return parser_done(p, ret, out);
}

/* Quotes what the tokenizer would otherwise split or cut. */
static void put_word(FILE *f, const char *s)
{
	if (!*s || strpbrk(s, " \t#"))
		fprintf(f, " \"%s\"", s);
	else
		fprintf(f, " %s", s);
}

static void put_seconds(FILE *f, int64_t ns)
{
	char buf[32];

	format_seconds(buf, sizeof(buf), ns);
	fprintf(f, " %s", buf);
}

static void dump_server(const struct config_server *s, FILE *f)
{
	size_t i;

	fprintf(f, "%s", s->flags & CONFIG_SERVER_POOL ? "pool" : "server");
	if (s->flags & CONFIG_SERVER_IPV4)
		fprintf(f, " -4");
	if (s->flags & CONFIG_SERVER_IPV6)
		fprintf(f, " -6");
	if (s->port == CONFIG_NTP_PORT)
		fprintf(f, " %s", s->host);
	else if (s->family == AF_INET6)
		fprintf(f, " [%s]:%u", s->host, s->port);
	else
		fprintf(f, " %s:%u", s->host, s->port);
	for (i = 0; i < ARRAY_SIZE(server_flags); i++)
		if (s->flags & server_flags[i].bit)
			fprintf(f, " %s", server_flags[i].name);
	if (s->minpoll != 6)
		fprintf(f, " minpoll %u", s->minpoll);
	if (s->maxpoll != 10)
		fprintf(f, " maxpoll %u", s->maxpoll);
	if (s->version != 4)
		fprintf(f, " version %u", s->version);
	if (s->key)
		fprintf(f, " key %u", s->key);
	fprintf(f, "\n");
}

static bool is_default(const struct config_restrict *r, int family)
{
	static const uint8_t zero[16];

	return r->prefix.family == family && !r->prefix.len &&
	       !memcmp(r->prefix.addr, zero, sizeof(zero)) &&
	       !(r->flags & CONFIG_RESTRICT_SOURCE);
}

static void put_restrict_flags(FILE *f, uint32_t flags)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(restrict_flags); i++)
		if (flags & restrict_flags[i].bit)
			fprintf(f, " %s", restrict_flags[i].name);
	fprintf(f, "\n");
}

/* Returns how many entries it printed: "default" stands for two. */
static unsigned int dump_restrict(const struct config *c, unsigned int i,
				  FILE *f)
{
	const struct config_restrict *r = &c->restricts[i];
	char addr[INET6_ADDRSTRLEN] = "?";

	fprintf(f, "restrict");
	if (r->flags & CONFIG_RESTRICT_SOURCE) {
		fprintf(f, " source");
	} else if (is_default(r, AF_INET) && i + 1 < c->n_restricts &&
		   is_default(&c->restricts[i + 1], AF_INET6) &&
		   c->restricts[i + 1].flags == r->flags) {
		fprintf(f, " default");
		put_restrict_flags(f, r->flags);
		return 2;
	} else if (is_default(r, AF_INET) || is_default(r, AF_INET6)) {
		fprintf(f, " %s default",
			r->prefix.family == AF_INET ? "-4" : "-6");
	} else {
		inet_ntop(r->prefix.family, r->prefix.addr, addr, sizeof(addr));
		if (r->prefix.len == prefix_max(r->prefix.family))
			fprintf(f, " %s", addr);
		else
			fprintf(f, " %s/%u", addr, r->prefix.len);
	}
	put_restrict_flags(f, r->flags & ~(uint32_t)CONFIG_RESTRICT_SOURCE);
	return 1;
}

static void dump_interface(const struct config_interface *ifr, FILE *f)
{
	char addr[INET6_ADDRSTRLEN] = "?";

	fprintf(f, "interface %s", if_actions[ifr->action]);
	if (ifr->match == CONFIG_IF_NAME) {
		put_word(f, ifr->name);
	} else if (ifr->match == CONFIG_IF_PREFIX) {
		inet_ntop(ifr->prefix.family, ifr->prefix.addr, addr,
			  sizeof(addr));
		fprintf(f, " %s/%u", addr, ifr->prefix.len);
	} else {
		fprintf(f, " %s", if_classes[ifr->match]);
	}
	fprintf(f, "\n");
}

static void dump_keys(const struct config *c, FILE *f)
{
	unsigned int id, n = 0;

	for (id = 1; id <= CONFIG_KEYID_MAX; id++) {
		if (!config_key_trusted(c, id))
			continue;
		if (n % TRUSTEDKEYS_PER_LINE == 0)
			fprintf(f, "%strustedkey", n ? "\n" : "");
		fprintf(f, " %u", id);
		n++;
	}
	if (n)
		fprintf(f, "\n");
	if (c->controlkey)
		fprintf(f, "controlkey %u\n", c->controlkey);
}

static void dump_stats(const struct config *c, FILE *f)
{
	unsigned int i;

	if (c->statistics) {
		fprintf(f, "statistics");
		for (i = 0; i < CONFIG_STAT_COUNT; i++)
			if (c->statistics & 1U << i)
				fprintf(f, " %s", stat_names[i]);
		fprintf(f, "\n");
	}
	for (i = 0; i < CONFIG_STAT_COUNT; i++) {
		const struct config_filegen *fg = &c->filegen[i];

		if (!strcmp(fg->file, stat_names[i]) && !fg->nolink &&
		    fg->type == CONFIG_FILEGEN_DAY)
			continue;
		fprintf(f, "filegen %s file", stat_names[i]);
		put_word(f, fg->file);
		fprintf(f, " type %s %s\n", filegen_types[fg->type],
			fg->nolink ? "nolink" : "link");
	}
}

static void dump_path(FILE *f, const char *what, const char *path)
{
	if (!path[0])
		return;
	fprintf(f, "%s", what);
	put_word(f, path);
	fprintf(f, "\n");
}

static void dump_system_flags(const struct config *c, FILE *f, bool on)
{
	const char *sep = on ? "enable" : "disable";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(system_flags); i++) {
		if (!(c->system & system_flags[i].bit) == on)
			continue;
		fprintf(f, "%s %s", sep, system_flags[i].name);
		sep = "";
	}
	if (!*sep)
		fprintf(f, "\n");
}

static void dump_system(const struct config *c, FILE *f)
{
	dump_system_flags(c, f, true);
	dump_system_flags(c, f, false);
}

void config_dump(const struct config *c, FILE *f)
{
	unsigned int i;

	fprintf(f, "# ntpsecd: effective configuration\n");
	fprintf(f, "kernel %s\n", kernel_modes[c->kernel]);
	if (c->ratelimit.enabled)
		fprintf(f, "ratelimit interval %d burst %u leak %u table %u%s\n",
			c->ratelimit.interval, c->ratelimit.burst,
			c->ratelimit.leak, c->ratelimit.table,
			c->ratelimit.kod ? " kod" : "");
	for (i = 0; i < c->n_hwts; i++) {
		fprintf(f, "hwtimestamp");
		put_word(f, c->hwts[i]);
		fprintf(f, "\n");
	}
	for (i = 0; i < c->n_interfaces; i++)
		dump_interface(&c->interfaces[i], f);
	dump_path(f, "driftfile", c->driftfile);
	dump_path(f, "leapfile", c->leapfile);
	dump_path(f, "keys", c->keys);
	dump_path(f, "logfile", c->logfile);
	dump_path(f, "statsdir", c->statsdir);
	dump_keys(c, f);
	dump_stats(c, f);
	fprintf(f, "tos minsane %u minclock %u maxclock %u orphan %u mindist",
		c->tos.minsane, c->tos.minclock, c->tos.maxclock,
		c->tos.orphan);
	put_seconds(f, c->tos.mindist_ns);
	fprintf(f, "\ntinker step");
	put_seconds(f, c->tinker.step_ns);
	fprintf(f, " panic");
	put_seconds(f, c->tinker.panic_ns);
	fprintf(f, " stepout");
	put_seconds(f, c->tinker.stepout_ns);
	fprintf(f, "\n");
	dump_system(c, f);
	dump_path(f, "nts cert", c->nts.cert);
	dump_path(f, "nts key", c->nts.key);
	dump_path(f, "nts cookie", c->nts.cookie);
	dump_path(f, "nts ca", c->nts.ca);
	if (c->nts.cookie_rotate)
		fprintf(f, "nts cookie-rotate %u\n", c->nts.cookie_rotate);
	if (c->nts.enable)
		fprintf(f, "nts enable\n");
	for (i = 0; i < c->n_servers; i++)
		dump_server(&c->servers[i], f);
	for (i = 0; i < c->n_restricts;)
		i += dump_restrict(c, i, f);
}
