// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_config.c - host unit tests of ntpsecd's ntp.conf parser.
 *
 * Three kinds of KTAP lines: cases that run many checks (a failed check
 * prints a "#" line naming its source line), one line per bad input of the
 * error table, and a randomized test that mutates a good file and requires
 * every result to be either a precise error or a configuration that
 * survives config_dump() and a second parse byte for byte.
 *
 * Every failing parse must leave the output struct as it was: the tests
 * fill it with a pattern first and compare afterwards.
 *
 * Fixtures are in user/tests/conf/, found through $srcdir as automake's
 * test driver sets it (or from the top of the tree when run by hand).
 */

#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktap.h"
#include "../ntpsecd/ntpconf.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define ERRLEN		512
#define FILL		0x5a	/* what a failed parse must leave alone */
#define NSEC		1000000000LL
#define FUZZ_ROUNDS	3000U


/* Big enough to live outside the stack; one at a time is enough. */
static struct config cfg, cfg2, ref, pattern;
static char err[ERRLEN];

static const char *srcdir(void)
{
	const char *s = getenv("srcdir");

	return s && *s ? s : ".";
}

static const char *fixture(const char *name)
{
	static char path[2][4096];
	static int which;

	which ^= 1;
	snprintf(path[which], sizeof(path[which]), "%s/user/tests/conf/%s",
		 srcdir(), name);
	return path[which];
}

static int parse(const char *text, struct config *c)
{
	return config_parse_string(text, "t.conf", c, err, sizeof(err));
}

/* As if text were the file dir/main.conf, for its relative includes. */
static int parse_in(const char *dir, const char *text, struct config *c)
{
	char name[4200];

	snprintf(name, sizeof(name), "%s/main.conf", dir);
	return config_parse_string(text, name, c, err, sizeof(err));
}

static void fill(struct config *c)
{
	memset(c, FILL, sizeof(*c));
}

static bool untouched(const struct config *c)
{
	return !memcmp(c, &pattern, sizeof(*c));
}

static bool contains(const char *s, const char *part)
{
	return strstr(s, part) != NULL;
}

/* err must be "FILE:LINE: " followed by text naming the problem. */
static bool error_at(const char *file, unsigned int line)
{
	char prefix[4200];

	snprintf(prefix, sizeof(prefix), "%s:%u: ", file, line);
	return !strncmp(err, prefix, strlen(prefix));
}

/* The dump must parse back to exactly the same bytes. */
static bool round_trips(const struct config *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ret;

	if (!f)
		abort();
	config_dump(c, f);
	fclose(f);
	ret = config_parse_string(text, "dump", &cfg2, err, sizeof(err));
	if (ret) {
		printf("# dump does not parse: %s\n", err);
	} else if (memcmp(c, &cfg2, sizeof(*c))) {
		char *line, *save = NULL;

		printf("# dump parses to something else:\n");
		for (line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			printf("#   %s\n", line);
	}
	free(text);
	return !ret && !memcmp(c, &cfg2, sizeof(*c));
}

static char *dump_text(const struct config *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	config_dump(c, f);
	fclose(f);
	return text;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static bool write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(text, f) >= 0;
	return !fclose(f) && ok;
}

static const uint8_t *v4(const char *s)
{
	static uint8_t a[16];

	memset(a, 0, sizeof(a));
	inet_pton(AF_INET, s, a);
	return a;
}

static const uint8_t *v6(const char *s)
{
	static uint8_t a[16];

	inet_pton(AF_INET6, s, a);
	return a;
}

static bool is_prefix(const struct prefix *p, int family,
		      const uint8_t *addr, unsigned int len)
{
	return p->family == family && p->len == len &&
	       !memcmp(p->addr, addr, 16);
}

static void test_defaults(void)
{
	config_defaults(&ref);
	CHECK(ref.n_servers == 0 && ref.n_restricts == 0);
	CHECK(ref.tos.minsane == 1 && ref.tos.minclock == 3);
	CHECK(ref.tos.maxclock == 10 && ref.tos.orphan == 16);
	CHECK(ref.tos.mindist_ns == NSEC / 1000);
	CHECK(ref.tinker.step_ns == 128 * NSEC / 1000);
	CHECK(ref.tinker.panic_ns == 1000 * NSEC);
	CHECK(ref.tinker.stepout_ns == 900 * NSEC);
	CHECK(ref.system == (CONFIG_SYS_NTP | CONFIG_SYS_KERNEL |
			     CONFIG_SYS_MONITOR));
	CHECK(ref.kernel == CONFIG_KERNEL_AUTO);
	CHECK(!ref.ratelimit.enabled && !ref.ratelimit.kod);
	CHECK(ref.ratelimit.interval == 3 && ref.ratelimit.burst == 8);
	CHECK(ref.ratelimit.leak == 2 && ref.ratelimit.table == 16384);
	CHECK(!strcmp(ref.filegen[CONFIG_STAT_PEERSTATS].file, "peerstats"));
	CHECK(ref.filegen[CONFIG_STAT_LOOPSTATS].type == CONFIG_FILEGEN_DAY);
	CHECK(!ref.driftfile[0] && !ref.nts.enable && !ref.controlkey);

	/* Nothing, comments and blank lines all mean the defaults. */
	fill(&cfg);
	CHECK(parse("", &cfg) == 0);
	CHECK(!memcmp(&cfg, &ref, sizeof(cfg)));
	fill(&cfg);
	CHECKF(parse("# only a comment\n\n   \t\n#\n", &cfg) == 0, "%s", err);
	CHECK(!memcmp(&cfg, &ref, sizeof(cfg)));
	CHECK(round_trips(&ref));
}

/* Every directive, every field, from the fixture and its includes. */
static void test_full(void)
{
	const struct config_server *s = cfg.servers;
	const struct config_restrict *r = cfg.restricts;
	const struct config_filegen *fg = cfg.filegen;
	unsigned int id, trusted = 0;

	fill(&cfg);
	if (!CHECKF(config_load(fixture("full.conf"), &cfg, err,
				sizeof(err)) == 0, "%s", err))
		return;
	CHECK(!strcmp(cfg.driftfile, "/var/lib/ntpsec/ntp.drift"));
	CHECK(!strcmp(cfg.leapfile, "/usr/share/zoneinfo/leap-seconds.list"));
	CHECK(!strcmp(cfg.keys, "/etc/ntpsec/ntp.keys"));
	CHECK(!strcmp(cfg.logfile, "/var/log/ntpsec/ntpd log"));
	CHECK(!strcmp(cfg.statsdir, "/var/log/ntpsec/"));
	for (id = 0; id <= CONFIG_KEYID_MAX; id++)
		trusted += config_key_trusted(&cfg, id);
	CHECK(trusted == 4 && config_key_trusted(&cfg, 1) &&
	      config_key_trusted(&cfg, 7) && config_key_trusted(&cfg, 42) &&
	      config_key_trusted(&cfg, 65535));
	CHECK(cfg.controlkey == 42);

	/* clockstats listed, then disabled by filegen; sysstats enabled. */
	CHECK(cfg.statistics == (1U << CONFIG_STAT_LOOPSTATS |
				 1U << CONFIG_STAT_PEERSTATS |
				 1U << CONFIG_STAT_SYSSTATS));
	CHECK(!strcmp(fg[CONFIG_STAT_LOOPSTATS].file, "loops"));
	CHECK(fg[CONFIG_STAT_LOOPSTATS].type == CONFIG_FILEGEN_WEEK);
	CHECK(!fg[CONFIG_STAT_LOOPSTATS].nolink);
	CHECK(fg[CONFIG_STAT_PEERSTATS].nolink);
	CHECK(fg[CONFIG_STAT_PEERSTATS].type == CONFIG_FILEGEN_DAY);
	CHECK(fg[CONFIG_STAT_SYSSTATS].type == CONFIG_FILEGEN_NONE);
	CHECK(!strcmp(fg[CONFIG_STAT_CLOCKSTATS].file, "clockstats"));

	CHECK(cfg.tos.minclock == 4 && cfg.tos.maxclock == 11);
	CHECK(cfg.tos.minsane == 3 && cfg.tos.orphan == 10);
	CHECK(cfg.tos.mindist_ns == 20 * NSEC / 1000);
	CHECK(cfg.tinker.step_ns == NSEC / 2 && cfg.tinker.panic_ns == 0);
	CHECK(cfg.tinker.stepout_ns == 300 * NSEC);
	CHECK(cfg.system == (CONFIG_SYS_NTP | CONFIG_SYS_STATS |
			     CONFIG_SYS_CALIBRATE));

	CHECK(cfg.kernel == CONFIG_KERNEL_ON);
	CHECK(cfg.ratelimit.enabled && cfg.ratelimit.kod);
	CHECK(cfg.ratelimit.interval == 4 && cfg.ratelimit.burst == 16);
	CHECK(cfg.ratelimit.leak == 3 && cfg.ratelimit.table == 65536);
	CHECK(cfg.n_hwts == 3 && !strcmp(cfg.hwts[0], "eth0") &&
	      !strcmp(cfg.hwts[1], "enp3s0f1") &&
	      !strcmp(cfg.hwts[2], "eth1"));
	CHECK(cfg.n_interfaces == 4);
	CHECK(cfg.interfaces[0].action == CONFIG_IF_LISTEN &&
	      cfg.interfaces[0].match == CONFIG_IF_PREFIX &&
	      is_prefix(&cfg.interfaces[0].prefix, AF_INET,
			v4("192.0.2.10"), 32));
	CHECK(is_prefix(&cfg.interfaces[1].prefix, AF_INET6,
			v6("2001:db8::"), 64));
	CHECK(cfg.interfaces[2].action == CONFIG_IF_IGNORE &&
	      cfg.interfaces[2].match == CONFIG_IF_WILDCARD);
	CHECK(cfg.interfaces[3].action == CONFIG_IF_DROP &&
	      cfg.interfaces[3].match == CONFIG_IF_NAME &&
	      !strcmp(cfg.interfaces[3].name, "eth9"));

	CHECK(cfg.nts.enable);
	CHECK(!strcmp(cfg.nts.cert, "/etc/ntpsec/cert.pem"));
	CHECK(!strcmp(cfg.nts.key, "/etc/ntpsec/key.pem"));
	CHECK(!strcmp(cfg.nts.cookie, "/var/lib/ntpsec/nts-keys"));
	CHECK(!strcmp(cfg.nts.ca, "/etc/ssl/certs"));

	if (!CHECKF(cfg.n_servers == 8, "%u servers", cfg.n_servers))
		return;
	CHECK(!strcmp(s[0].host, "0.debian.pool.ntp.org") && !s[0].family &&
	      s[0].flags == (CONFIG_SERVER_POOL | CONFIG_SERVER_IBURST) &&
	      s[0].minpoll == 6 && s[0].maxpoll == 10 && s[0].version == 4 &&
	      s[0].port == 123 && !s[0].key);
	CHECK(!strcmp(s[1].host, "time.cloudflare.com") &&
	      s[1].flags == CONFIG_SERVER_NTS);
	CHECK(!strcmp(s[2].host, "192.0.2.1") && s[2].family == AF_INET &&
	      !memcmp(s[2].addr, v4("192.0.2.1"), 4) &&
	      s[2].flags == (CONFIG_SERVER_IBURST | CONFIG_SERVER_BURST |
			     CONFIG_SERVER_PREFER) &&
	      s[2].minpoll == 4 && s[2].maxpoll == 6 && s[2].key == 7 &&
	      s[2].version == 3);
	CHECK(!strcmp(s[3].host, "ntp.example.net") &&
	      s[3].flags == (CONFIG_SERVER_IPV6 | CONFIG_SERVER_NOSELECT));
	CHECK(!strcmp(s[4].host, "2001:db8::123") &&
	      s[4].family == AF_INET6 &&
	      !memcmp(s[4].addr, v6("2001:db8::123"), 16) &&
	      s[4].port == 1123 && s[4].minpoll == 0 && s[4].maxpoll == 17);
	CHECK(!strcmp(s[5].host, "198.51.100.7") && s[5].port == 10123 &&
	      s[5].key == 42);
	CHECK(!strcmp(s[6].host, "ntp2.example.org"));
	CHECK(!strcmp(s[7].host, "ntp3.example.org"));

	if (!CHECKF(cfg.n_restricts == 9, "%u restricts", cfg.n_restricts))
		return;
	CHECK(is_prefix(&r[0].prefix, AF_INET, v4("0.0.0.0"), 0) &&
	      r[0].flags == (CONFIG_RESTRICT_KOD | CONFIG_RESTRICT_NOMODIFY |
			     CONFIG_RESTRICT_NOPEER | CONFIG_RESTRICT_NOQUERY |
			     CONFIG_RESTRICT_LIMITED));
	CHECK(is_prefix(&r[1].prefix, AF_INET6, v6("::"), 0) &&
	      r[1].flags == (r[0].flags | CONFIG_RESTRICT_NOTRAP));
	CHECK(is_prefix(&r[2].prefix, AF_INET, v4("127.0.0.1"), 32) &&
	      !r[2].flags);
	CHECK(is_prefix(&r[3].prefix, AF_INET6, v6("::1"), 128));
	CHECK(is_prefix(&r[4].prefix, AF_INET, v4("192.0.2.0"), 24) &&
	      r[4].flags == (CONFIG_RESTRICT_NOMODIFY |
			     CONFIG_RESTRICT_NOTRAP |
			     CONFIG_RESTRICT_NOEPEER | CONFIG_RESTRICT_KOD));
	CHECK(is_prefix(&r[5].prefix, AF_INET6, v6("2001:db8::"), 32) &&
	      r[5].flags == CONFIG_RESTRICT_NOSERVE);
	CHECK(is_prefix(&r[6].prefix, AF_INET, v4("198.51.100.0"), 24) &&
	      r[6].flags == CONFIG_RESTRICT_IGNORE);
	CHECK(!r[7].prefix.family &&
	      r[7].flags == (CONFIG_RESTRICT_SOURCE |
			     CONFIG_RESTRICT_NOMODIFY |
			     CONFIG_RESTRICT_NOQUERY));
	CHECK(is_prefix(&r[8].prefix, AF_INET, v4("203.0.113.0"), 24) &&
	      r[8].flags == CONFIG_RESTRICT_NOQUERY);
}

static void test_round_trip(void)
{
	char *first, *second;

	if (!CHECKF(config_load(fixture("full.conf"), &cfg, err,
				sizeof(err)) == 0, "%s", err))
		return;
	CHECK(round_trips(&cfg));
	/* The dump is canonical: dumping what it parses to changes nothing. */
	first = dump_text(&cfg);
	CHECK(parse(first, &ref) == 0);
	second = dump_text(&ref);
	CHECK(!strcmp(first, second));
	CHECK(contains(first,
		       "restrict -4 default noquery nomodify limited kod nopeer\n"));
	CHECK(contains(first, "logfile \"/var/log/ntpsec/ntpd log\""));
	CHECK(contains(first, "server [2001:db8::123]:1123 minpoll 0"));
	CHECK(contains(first, "tinker step 0.5 panic 0 stepout 300\n"));
	CHECK(contains(first, "mindist 0.02\n"));
	free(first);
	free(second);

	/* "restrict default" comes back as one line when both halves agree. */
	CHECK(parse("restrict default noquery\n", &cfg) == 0);
	first = dump_text(&cfg);
	CHECK(contains(first, "restrict default noquery\n"));
	CHECK(!contains(first, "-4 default"));
	CHECK(round_trips(&cfg));
	free(first);
}

/* Debian's stock NTPsec file loads unchanged. */
static void test_debian(void)
{
	fill(&cfg);
	if (!CHECKF(config_load(fixture("debian.conf"), &cfg, err,
				sizeof(err)) == 0, "%s", err))
		return;
	CHECK(cfg.n_servers == 4 && cfg.servers[3].flags ==
	      (CONFIG_SERVER_POOL | CONFIG_SERVER_IBURST));
	CHECK(!strcmp(cfg.servers[2].host, "2.debian.pool.ntp.org"));
	CHECK(cfg.tos.maxclock == 11 && cfg.tos.minclock == 4 &&
	      cfg.tos.minsane == 3);
	CHECK(cfg.n_restricts == 4 && cfg.restricts[0].flags ==
	      cfg.restricts[1].flags);
	CHECK(!strcmp(cfg.driftfile, "/var/lib/ntpsec/ntp.drift"));
	CHECK(round_trips(&cfg));
}

static void test_syntax(void)
{
	static const char crlf[] = "server a.example.org iburst\r\n"
				   "driftfile \"/tmp/with space\" # c\r\n";
	static const char quoted[] = "\"driftfile\" \"/x#y\"\n"
				     "keys \"\"x\n";

	CHECKF(parse(crlf, &cfg) == 0, "%s", err);
	CHECK(cfg.servers[0].flags == CONFIG_SERVER_IBURST);
	CHECK(!strcmp(cfg.driftfile, "/tmp/with space"));
	/* '#' inside quotes is text; a word after quotes is not allowed. */
	CHECK(parse(quoted, &cfg) == -1 && error_at("t.conf", 2));
	CHECK(parse("driftfile \"/x#y\"#comment\n", &cfg) == 0);
	CHECK(!strcmp(cfg.driftfile, "/x#y"));
	CHECK(round_trips(&cfg));
	CHECK(parse("server a.example.org#comment\n", &cfg) == 0 &&
	      !strcmp(cfg.servers[0].host, "a.example.org"));
	/* No newline at the end of the last line. */
	CHECK(parse("server a.example.org\nserver b.example.org", &cfg) == 0 &&
	      cfg.n_servers == 2);
	/* Later lines win for single settings; lists accumulate. */
	CHECK(parse("driftfile /a/long/name\ndriftfile /b\n", &cfg) == 0);
	CHECK(!strcmp(cfg.driftfile, "/b"));
	CHECK(round_trips(&cfg));
	CHECK(parse("tos minclock 3 maxclock 6\ntos maxclock 7\n", &cfg) == 0);
	CHECK(cfg.tos.minclock == 3 && cfg.tos.maxclock == 7);
	CHECK(parse("disable ntp\nenable ntp\n", &cfg) == 0 &&
	      cfg.system & CONFIG_SYS_NTP);
	CHECK(parse("nts enable cert /c key /k\nnts disable\n", &cfg) == 0 &&
	      !cfg.nts.enable);
	CHECK(parse("nts cookie-rotate 3600\n", &cfg) == 0 &&
	      cfg.nts.cookie_rotate == 3600);
	CHECK(round_trips(&cfg));
	CHECK(parse("nts cookie-rotate 59\n", &cfg) == -1);
	CHECK(parse("nts cookie-rotate\n", &cfg) == -1);
	CHECK(parse("ratelimit\n", &cfg) == 0 && cfg.ratelimit.enabled &&
	      cfg.ratelimit.table == 16384 && !cfg.ratelimit.kod);
	CHECK(parse("ratelimit interval -10 table 256\n"
		    "ratelimit burst 1024 leak 0 table 1048576\n", &cfg) == 0 &&
	      cfg.ratelimit.interval == -10 && cfg.ratelimit.burst == 1024 &&
	      cfg.ratelimit.leak == 0 && cfg.ratelimit.table == 1048576);
	CHECK(round_trips(&cfg));
	CHECK(parse("kernel off\n", &cfg) == 0 &&
	      cfg.kernel == CONFIG_KERNEL_OFF);
	CHECK(parse("tinker step .25 panic 1000000000\n", &cfg) == 0 &&
	      cfg.tinker.step_ns == NSEC / 4 &&
	      cfg.tinker.panic_ns == 1000000000 * NSEC);
	CHECK(parse("tinker step 0.000000001\n", &cfg) == 0 &&
	      cfg.tinker.step_ns == 1);
	CHECK(parse("tinker step 1.5000000000000\n", &cfg) == 0 &&
	      cfg.tinker.step_ns == 3 * NSEC / 2);
	CHECK(round_trips(&cfg));
	CHECK(parse("tos mindist 1\n", &cfg) == 0 &&
	      cfg.tos.mindist_ns == NSEC);
	CHECK(parse("trustedkey 1\ncontrolkey 1\n", &cfg) == 0);
}

static void test_servers(void)
{
	char line[400];

	CHECK(parse("server [2001:db8::1]\n", &cfg) == 0 &&
	      !strcmp(cfg.servers[0].host, "2001:db8::1") &&
	      cfg.servers[0].port == 123 && cfg.servers[0].family == AF_INET6);
	CHECK(parse("server a.example.org:4123\n", &cfg) == 0 &&
	      !strcmp(cfg.servers[0].host, "a.example.org") &&
	      cfg.servers[0].port == 4123);
	CHECK(round_trips(&cfg));
	CHECK(parse("pool -4 pool.example.org\n", &cfg) == 0 &&
	      cfg.servers[0].flags == (CONFIG_SERVER_POOL |
				       CONFIG_SERVER_IPV4));
	CHECK(round_trips(&cfg));
	CHECK(parse("server example.org.\n", &cfg) == 0);
	/* Duplicates: the same host and port once; another port is another. */
	CHECK(parse("server 192.0.2.1\nserver 192.0.2.1:124\n", &cfg) == 0 &&
	      cfg.n_servers == 2);
	CHECK(parse("server 2001:db8::1\nserver [2001:DB8:0::1]\n", &cfg) ==
	      -1 && error_at("t.conf", 2) &&
	      contains(err, "already configured at t.conf:1"));
	CHECK(parse("server a.example.org\npool a.example.org\n", &cfg) == -1 &&
	      error_at("t.conf", 2));
	/* A host name of 253 characters, labels of 63: the longest. */
	memset(line, 0, sizeof(line));
	strcpy(line, "server ");
	memset(line + 7, 'a', 253);
	line[7 + 63] = line[7 + 127] = line[7 + 191] = '.';
	CHECKF(strlen(line) == 7 + 253, "%zu", strlen(line));
	CHECKF(parse(line, &cfg) == 0, "%s", err);
	CHECK(strlen(cfg.servers[0].host) == 253);
	CHECK(round_trips(&cfg));
	strcat(line, "c");
	fill(&cfg);
	CHECK(parse(line, &cfg) == -1 && error_at("t.conf", 1) &&
	      contains(err, "longer than 253 characters") && untouched(&cfg));
}

/* The limits hold exactly: the last entry that fits, then one more. */
static void test_limits(void)
{
	size_t size = 64 * 1024;
	char *text = calloc(1, size);
	size_t n = 0;
	unsigned int i;

	if (!text)
		abort();
	for (i = 0; i < CONFIG_MAX_SERVERS; i++)
		n += (size_t)snprintf(text + n, size - n,
				      "server s%u.example.org\n", i);
	CHECKF(parse(text, &cfg) == 0, "%s", err);
	CHECK(cfg.n_servers == CONFIG_MAX_SERVERS);
	snprintf(text + n, size - n, "pool one.more.example.org\n");
	fill(&cfg);
	CHECK(parse(text, &cfg) == -1 && error_at("t.conf", 65) &&
	      contains(err, "more than 64") && untouched(&cfg));

	/* "default" counts twice: 2 + 254 entries fill the table. */
	n = (size_t)snprintf(text, size, "restrict default\n");
	for (i = 0; i < CONFIG_MAX_RESTRICTS - 2; i++)
		n += (size_t)snprintf(text + n, size - n,
				      "restrict 10.%u.%u.0/24\n", i / 256,
				      i % 256);
	CHECKF(parse(text, &cfg) == 0, "%s", err);
	CHECK(cfg.n_restricts == CONFIG_MAX_RESTRICTS);
	CHECK(round_trips(&cfg));
	/* A known prefix merges into its entry: no new one needed. */
	snprintf(text + n, size - n, "restrict 10.0.0.0/24 kod\n");
	CHECKF(parse(text, &cfg) == 0, "%s", err);
	snprintf(text + n, size - n, "restrict 10.255.0.0/24 kod\n");
	CHECK(parse(text, &cfg) == -1 && error_at("t.conf", 256) &&
	      contains(err, "more than 256 restrict"));

	n = 0;
	for (i = 0; i < CONFIG_MAX_HWTS; i++)
		n += (size_t)snprintf(text + n, size - n,
				      "hwtimestamp eth%u\n", i);
	CHECKF(parse(text, &cfg) == 0, "%s", err);
	snprintf(text + n, size - n, "hwtimestamp eth99\n");
	CHECK(parse(text, &cfg) == -1 && error_at("t.conf", 17) &&
	      contains(err, "more than 16 hwtimestamp"));

	n = 0;
	for (i = 0; i < CONFIG_MAX_INTERFACES; i++)
		n += (size_t)snprintf(text + n, size - n,
				      "interface listen 192.0.2.%u\n", i);
	CHECKF(parse(text, &cfg) == 0, "%s", err);
	snprintf(text + n, size - n, "interface listen eth0\n");
	CHECK(parse(text, &cfg) == -1 && error_at("t.conf", 17) &&
	      contains(err, "more than 16 interface"));

	/* A line of 1024 characters is read; one more is an error. */
	memset(text, 0, size);
	strcpy(text, "# first line\ndriftfile /");
	memset(text + strlen(text), 'd', 1024 - strlen("driftfile /"));
	CHECKF(parse(text, &cfg) == -1 && error_at("t.conf", 2) &&
	       contains(err, "driftfile is longer than 511"), "%s", err);
	memset(text, 0, size);
	strcpy(text, "# first line\n#");
	memset(text + strlen(text), 'x', 1023);
	CHECK(strlen(strchr(text, '\n') + 1) == 1024);
	CHECKF(parse(text, &cfg) == 0, "%s", err);
	strcat(text, "x\n");
	fill(&cfg);
	CHECK(parse(text, &cfg) == -1 && error_at("t.conf", 2) &&
	      contains(err, "line is longer than 1024 characters") &&
	      untouched(&cfg));
	free(text);
}

/* A small err buffer is cut, never overrun; none at all is allowed. */
static void test_error_buffer(void)
{
	char small[12];

	memset(small, 'X', sizeof(small));
	CHECK(config_parse_string("bogus\n", "a-rather-long-name.conf", &cfg,
				  small, 8) == -1);
	CHECK(!memcmp(small, "a-rathe", 8) && small[8] == 'X');
	CHECK(config_parse_string("bogus\n", "x", &cfg, NULL, 0) == -1);
	CHECK(config_parse_string("bogus\n", "x", &cfg, small, 1) == -1 &&
	      small[0] == 0);
	CHECK(config_parse_string("bogus\n", NULL, &cfg, err,
				  sizeof(err)) == -1 &&
	      error_at("(string)", 1));
}

static void test_includes(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[200], path[256], text[256];
	unsigned int i;

	/* Relative to the including file, wherever it is. */
	fill(&cfg);
	CHECK(config_load(fixture("self.conf"), &cfg, err, sizeof(err)) ==
	      -1 && error_at(fixture("self.conf"), 1) &&
	      contains(err, "loop") && untouched(&cfg));
	CHECK(config_load(fixture("loop-a.conf"), &cfg, err, sizeof(err)) ==
	      -1 && error_at(fixture("loop-b.conf"), 2) &&
	      contains(err, "loop-a.conf: loop") &&
	      contains(err, "(included from ") && untouched(&cfg));
	/* An error in an included file names that file and its line. */
	CHECK(config_load(fixture("bad-main.conf"), &cfg, err, sizeof(err)) ==
	      -1 && error_at(fixture("bad-sub.conf"), 3) &&
	      contains(err, "minpoll '6x' is not a number") &&
	      contains(err, "bad-main.conf:3)") && untouched(&cfg));
	/* From a string, relative to the directory of its name. */
	snprintf(text, sizeof(text), "includefile full-servers.conf\n");
	CHECKF(config_parse_string(text, fixture("any.conf"), &cfg, err,
				   sizeof(err)) == 0, "%s", err);
	CHECK(cfg.n_servers == 1 && cfg.n_restricts == 1);
	CHECK(parse("\nincludefile /nonexistent/x.conf\n", &cfg) == -1 &&
	      error_at("t.conf", 2) &&
	      contains(err, "No such file or directory"));
	CHECK(parse("includefile /dev/null extra\n", &cfg) == -1 &&
	      contains(err, "unexpected 'extra'"));
	CHECK(parse("includefile /dev/null\n", &cfg) == -1 &&
	      contains(err, "not a regular file"));

	/* Five levels are allowed, a sixth is not. */
	snprintf(dir, sizeof(dir), "%s/test_config.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!CHECK(mkdtemp(dir)))
		return;
	for (i = 0; i <= 6; i++) {
		snprintf(path, sizeof(path), "%s/d%u.conf", dir, i);
		if (i < 6)
			snprintf(text, sizeof(text),
				 "server s%u.example.org\nincludefile d%u.conf\n",
				 i, i + 1);
		else
			snprintf(text, sizeof(text), "server s6.example.org\n");
		CHECK(write_text(path, text));
	}
	snprintf(path, sizeof(path), "%s/d1.conf", dir);
	CHECKF(config_load(path, &cfg, err, sizeof(err)) == 0, "%s", err);
	CHECK(cfg.n_servers == 6);
	snprintf(path, sizeof(path), "%s/d0.conf", dir);
	fill(&cfg);
	CHECK(config_load(path, &cfg, err, sizeof(err)) == -1 &&
	      contains(err, "d5.conf:2: includefile") &&
	      contains(err, "nested deeper than 5 levels") && untouched(&cfg));

	/* A directory's *.conf files in name order, whatever readdir says. */
	snprintf(path, sizeof(path), "%s/conf.d", dir);
	CHECK(mkdir(path, 0700) == 0);
	for (i = 0; i < 20; i++) {
		unsigned int k = (i * 7) % 20;	/* not created in order */

		snprintf(path, sizeof(path), "%s/conf.d/%02u.conf", dir, k);
		snprintf(text, sizeof(text), "server s%02u.example.org\n", k);
		CHECK(write_text(path, text));
	}
	snprintf(path, sizeof(path), "%s/conf.d/zz.conf.off", dir);
	CHECK(write_text(path, "not read\n"));
	CHECKF(parse_in(dir, "includefile conf.d\n", &cfg) == 0, "%s", err);
	CHECK(cfg.n_servers == 20);
	for (i = 0; i < 20 && i < cfg.n_servers; i++) {
		snprintf(text, sizeof(text), "s%02u.example.org", i);
		CHECKF(!strcmp(cfg.servers[i].host, text), "%u: %s", i,
		       cfg.servers[i].host);
	}

	/* A file too big, a NUL, a directory: errors, not surprises. */
	snprintf(path, sizeof(path), "%s/nul.conf", dir);
	CHECK(write_text(path, "server a.example.org\nserver b\n"));
	{
		FILE *f = fopen(path, "r+");

		if (CHECK(f)) {
			fseek(f, 28, SEEK_SET);
			fputc(0, f);
			fclose(f);
		}
	}
	CHECK(config_load(path, &cfg, err, sizeof(err)) == -1 &&
	      error_at(path, 2) && contains(err, "NUL"));
	snprintf(path, sizeof(path), "%s/big.conf", dir);
	{
		FILE *f = fopen(path, "w");

		if (CHECK(f)) {
			for (i = 0; i < 1024 * 1024 / 16 + 1; i++)
				fputs("# sixteen bytes\n", f);
			fclose(f);
		}
	}
	CHECK(config_load(path, &cfg, err, sizeof(err)) == -1 &&
	      contains(err, "larger than 1 MiB"));
	CHECK(config_load(dir, &cfg, err, sizeof(err)) == -1 &&
	      contains(err, "not a regular file"));
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	CHECK(config_load(path, &cfg, err, sizeof(err)) == -1 &&
	      contains(err, "missing.conf: cannot read: No such file"));

	for (i = 0; i <= 6; i++) {
		snprintf(path, sizeof(path), "%s/d%u.conf", dir, i);
		unlink(path);
	}
	for (i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "%s/conf.d/%02u.conf", dir, i);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/conf.d/zz.conf.off", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/conf.d", dir);
	CHECK(rmdir(path) == 0);
	snprintf(path, sizeof(path), "%s/nul.conf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/big.conf", dir);
	unlink(path);
	CHECK(rmdir(dir) == 0);
}

/* config_load and config_parse_string agree on the same text. */
static void test_load_equals_string(void)
{
	char *text = read_text(fixture("full.conf"));

	if (!CHECK(text))
		return;
	CHECKF(config_parse_string(text, fixture("full.conf"), &cfg, err,
				   sizeof(err)) == 0, "%s", err);
	CHECKF(config_load(fixture("full.conf"), &ref, err, sizeof(err)) == 0,
	       "%s", err);
	CHECK(!memcmp(&cfg, &ref, sizeof(cfg)));
	free(text);
}

static const char *const words[] = {
	"server", "pool", "restrict", "default", "mask", "minpoll", "maxpoll",
	"key", "0", "1", "17", "18", "65535", "-1", "6x", "tos", "minclock",
	"maxclock", "tinker", "step", "0.5", "includefile", "nts", "enable",
	"\"", "#", "[", "]:", "::", "/24", "255.255.255.0", "192.0.2.1",
	"kernel", "auto", "ratelimit", "table", "1024", "hwtimestamp",
	"interface", "listen", "filegen", "type", "week", "source", "\t",
};

/* One random edit of text (in place; size is its capacity). */
static void mutate(char *text, size_t size)
{
	size_t len = strlen(text), pos = len ? rng_below((uint32_t)len) : 0;
	const char *w;

	switch (rng_below(4)) {
	case 0:		/* one character, any byte but NUL */
		if (len)
			text[pos] = (char)(1 + rng_below(255));
		break;
	case 1:		/* cut a few characters */
		if (len) {
			size_t n = 1 + rng_below(8);

			if (n > len - pos)
				n = len - pos;
			memmove(text + pos, text + pos + n, len - pos - n + 1);
		}
		break;
	default:	/* a word that means something somewhere */
		w = words[rng_below(ARRAY_SIZE(words))];
		if (len + strlen(w) + 2 < size) {
			memmove(text + pos + strlen(w) + 1, text + pos,
				len - pos + 1);
			memcpy(text + pos, w, strlen(w));
			text[pos + strlen(w)] = rng_below(2) ? ' ' : '\n';
		}
		break;
	}
}

/*
 * Whatever the input, the result is a precise error that leaves the output
 * alone, or a configuration whose dump parses back to the same bytes.
 */
static void test_mutations(void)
{
	char *orig = read_text(fixture("full.conf"));
	const char *name = fixture("full.conf");
	unsigned int round, accepted = 0, bad_prefix = 0, bad_trip = 0;
	unsigned int touched = 0;
	size_t size;
	char *text;

	if (!CHECK(orig))
		return;
	size = strlen(orig) + 4096;
	text = calloc(1, size);
	if (!text)
		abort();
	for (round = 0; round < FUZZ_ROUNDS; round++) {
		unsigned int edits = 1 + rng_below(3), i;

		strcpy(text, orig);
		for (i = 0; i < edits; i++)
			mutate(text, size);
		fill(&cfg);
		if (config_parse_string(text, name, &cfg, err,
					sizeof(err)) == 0) {
			accepted++;
			if (!round_trips(&cfg) && bad_trip++ < 3)
				printf("# round %u: no round trip\n", round);
			continue;
		}
		if (!untouched(&cfg))
			touched++;
		/* "FILE:LINE: " or "FILE: " for a file that cannot be read */
		if (strncmp(err, name, strlen(name)) &&
		    !strstr(err, "/user/tests/conf/")) {
			if (bad_prefix++ < 3)
				printf("# round %u: %s\n", round, err);
		}
	}
	CHECKF(!bad_prefix, "%u errors without a file name", bad_prefix);
	CHECKF(!bad_trip, "%u accepted configurations did not round-trip",
	       bad_trip);
	CHECKF(!touched, "%u failed parses changed the output", touched);
	/* Both outcomes must have been exercised for this to mean much. */
	CHECKF(accepted > FUZZ_ROUNDS / 50 && accepted < FUZZ_ROUNDS,
	       "%u of %u accepted", accepted, FUZZ_ROUNDS);
	printf("# %u of %u mutated files accepted, all round-tripped\n",
	       accepted, FUZZ_ROUNDS);
	free(text);
	free(orig);
}

/*
 * One bad input per line: the line the error must name and words the
 * message must contain (each "" is skipped).
 */
struct bad {
	const char *text;
	unsigned int line;
	const char *says[2];
};

#define PRE	"# a comment\n\n"	/* so the errors are on line 3 */

static const struct bad bad_inputs[] = {
	/* server, pool */
	{ PRE "server\n", 3, { "server needs a host", "" } },
	{ PRE "pool -4\n", 3, { "pool needs a host", "" } },
	{ PRE "server a.example.org minpoll 6x\n", 3,
	  { "server minpoll '6x' is not a number", "" } },
	{ PRE "server a.example.org minpoll 18\n", 3,
	  { "minpoll 18 is out of range (0 to 17)", "" } },
	{ PRE "server a.example.org maxpoll -1\n", 3,
	  { "maxpoll -1 is out of range", "" } },
	{ PRE "server a.example.org minpoll 8 maxpoll 7\n", 3,
	  { "minpoll 8 is greater than maxpoll 7", "" } },
	{ PRE "server a.example.org minpoll\n", 3,
	  { "server minpoll needs a value", "" } },
	{ PRE "server a.example.org key 0\n", 3,
	  { "key 0 is out of range (1 to 65535)", "" } },
	{ PRE "server a.example.org key 65536\n", 3,
	  { "key 65536 is out of range", "" } },
	{ PRE "server a.example.org version 5\n", 3,
	  { "version 5 is out of range (1 to 4)", "" } },
	{ PRE "server a.example.org version 4.0\n", 3,
	  { "version '4.0' is not a number", "" } },
	{ PRE "server a.example.org true\n", 3,
	  { "'true' is not supported by ntpsecd", "" } },
	{ PRE "server a.example.org fast\n", 3,
	  { "unknown option 'fast'", "" } },
	{ PRE "server a.example.org nts key 1\n", 3,
	  { "nts and key exclude each other", "" } },
	{ PRE "server a.example.org nts version 3\n", 3,
	  { "nts needs version 4", "" } },
	{ "server a.example.org\n" PRE "server A.EXAMPLE.ORG.\n", 4,
	  { "already configured at t.conf:1", "" } },
	{ PRE "server 192.0.2.1\nserver 192.0.2.1:123\n", 4,
	  { "server 192.0.2.1 is already configured at t.conf:3", "" } },
	{ PRE "server abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefghijklmnop.org\n",
	  3, { "label longer than 63", "" } },
	{ PRE "server bad_host.example.org\n", 3,
	  { "'_' is not allowed", "" } },
	{ PRE "server -bad.example.org\n", 3, { "starts with '-'", "" } },
	{ PRE "server bad-.example.org\n", 3, { "ends with '-'", "" } },
	{ PRE "server a..example.org\n", 3, { "empty label", "" } },
	{ PRE "server 192.0.2.300\n", 3,
	  { "'192.0.2.300' is not a valid IPv4 address", "" } },
	{ PRE "server [2001:db8::1\n", 3, { "no closing ']'", "" } },
	{ PRE "server [192.0.2.1]:123\n", 3,
	  { "in brackets is not an IPv6 address", "" } },
	{ PRE "server [2001:db8::1]:0\n", 3,
	  { "server port 0 is out of range (1 to 65535)", "" } },
	{ PRE "server [2001:db8::1]:\n", 3, { "no port after ':'", "" } },
	{ PRE "server [2001:db8::1]x\n", 3,
	  { "unexpected 'x' after ']'", "" } },
	{ PRE "server 2001:db8::zz\n", 3,
	  { "'2001:db8::zz' is not a valid IPv6 address", "" } },
	{ PRE "server fe80::1%eth0\n", 3,
	  { "zone indexes are not supported", "" } },
	{ PRE "server -4 2001:db8::1\n", 3,
	  { "2001:db8::1 is not an IPv4 address", "" } },
	{ PRE "server a.example.org:70000\n", 3,
	  { "port 70000 is out of range", "" } },
	{ PRE "server a.example.org key 5\n", 3,
	  { "key 5 needs a keys file", "" } },
	{ "keys /etc/ntp.keys\ntrustedkey 6\nserver a.example.org key 5\n", 3,
	  { "key 5 is not a trustedkey", "" } },

	/* restrict */
	{ PRE "restrict\n", 3,
	  { "restrict needs an address, default or source", "" } },
	{ PRE "restrict 192.0.2.5 mask 255.255.255.0\n", 3,
	  { "has host bits 0.0.0.5 set beyond /24", "192.0.2.5 mask" } },
	{ PRE "restrict 192.0.2.0 mask 255.0.255.0\n", 3,
	  { "mask 255.0.255.0 is not a contiguous prefix mask", "" } },
	{ PRE "restrict 192.0.2.0/24 mask 255.255.255.0\n", 3,
	  { "both a prefix length and a mask", "" } },
	{ PRE "restrict 192.0.2.1/24 noquery\n", 3,
	  { "192.0.2.1/24 has host bits 0.0.0.1 set beyond /24", "" } },
	{ PRE "restrict 2001:db8::1/32\n", 3,
	  { "host bits ::1 set beyond /32", "" } },
	{ PRE "restrict 192.0.2.0/33\n", 3,
	  { "restrict prefix length 33 is out of range (0 to 32)", "" } },
	{ PRE "restrict 192.0.2.0/2x\n", 3,
	  { "prefix length '2x' is not a number", "" } },
	{ PRE "restrict 192.0.2.0 mask ffff::\n", 3,
	  { "mask 'ffff::' is not an IPv4 mask", "" } },
	{ PRE "restrict default flake\n", 3,
	  { "'flake' is not supported by ntpsecd", "" } },
	{ PRE "restrict default bogus\n", 3, { "unknown flag 'bogus'", "" } },
	{ PRE "restrict ntp.example.org noquery\n", 3,
	  { "'ntp.example.org' is not an address", "not resolved" } },
	{ PRE "restrict 2001:db8::zz\n", 3,
	  { "is not an IPv4 or IPv6 address", "" } },
	{ PRE "restrict -4 ::1\n", 3, { "::1 is not an IPv4 address", "" } },
	{ PRE "restrict default mask 0.0.0.0\n", 3,
	  { "restrict default takes no mask", "" } },
	{ PRE "restrict 192.0.2.0 mask\n", 3, { "mask needs a value", "" } },
	{ PRE "restrict 192.0.2.0 noquery mask 255.255.255.0\n", 3,
	  { "mask must follow the address", "" } },
	{ PRE "restrict -6 source\n", 3,
	  { "restrict source takes no -4 or -6", "" } },

	/* paths */
	{ PRE "driftfile\n", 3, { "driftfile needs a path", "" } },
	{ PRE "driftfile /a /b\n", 3, { "driftfile: unexpected '/b'", "" } },
	{ PRE "leapfile \"\"\n", 3, { "leapfile is empty", "" } },
	{ PRE "keys\n", 3, { "keys needs a path", "" } },
	{ PRE "logfile\n", 3, { "logfile needs a path", "" } },
	{ PRE "statsdir\n", 3, { "statsdir needs a path", "" } },

	/* keys */
	{ PRE "trustedkey\n", 3, { "trustedkey needs at least one", "" } },
	{ PRE "trustedkey 1 x\n", 3,
	  { "trustedkey 'x' is not a number", "" } },
	{ PRE "trustedkey (1 ... 5)\n", 3,
	  { "key ranges are not supported by ntpsecd", "" } },
	{ PRE "trustedkey 70000\n", 3,
	  { "trustedkey 70000 is out of range (1 to 65535)", "" } },
	{ PRE "controlkey 3\n", 3, { "controlkey 3 is not a trustedkey", "" } },
	{ PRE "controlkey\n", 3, { "controlkey needs a key id", "" } },

	/* statistics, filegen */
	{ PRE "statistics\n", 3, { "statistics needs at least one", "" } },
	{ PRE "statistics loopstats bogus\n", 3,
	  { "unknown statistics name 'bogus'", "" } },
	{ PRE "statistics protostats\n", 3,
	  { "'protostats' is not supported by ntpsecd", "" } },
	{ PRE "filegen\n", 3, { "filegen needs a statistics name", "" } },
	{ PRE "filegen loopstats type hourly\n", 3,
	  { "unknown type 'hourly'", "" } },
	{ PRE "filegen loopstats file ../x\n", 3,
	  { "'../x' must be a file name", "" } },
	{ PRE "filegen loopstats frobnicate\n", 3,
	  { "filegen: unknown option 'frobnicate'", "" } },
	{ PRE "filegen loopstats file\n", 3,
	  { "filegen file needs a value", "" } },

	/* tos */
	{ PRE "tos minclock 0\n", 3,
	  { "tos minclock 0 is out of range (1 to 100)", "" } },
	{ PRE "tos maxclock 101\n", 3, { "maxclock 101 is out of range", "" } },
	{ PRE "tos minclock 5 maxclock 4\n", 3,
	  { "minclock 5 is greater than maxclock 4", "" } },
	{ PRE "tos maxclock 2\n", 3,
	  { "minclock 3 is greater than maxclock 2", "" } },
	{ PRE "tos minsane 20 maxclock 12\n", 3,
	  { "minsane 20 is greater than maxclock 12", "" } },
	{ PRE "tos ceiling 5\n", 3,
	  { "tos ceiling is not supported by ntpsecd", "" } },
	{ PRE "tos bogus 1\n", 3, { "tos: unknown option 'bogus'", "" } },
	{ PRE "tos\n", 3, { "tos needs an option", "" } },
	{ PRE "tos minclock\n", 3, { "tos minclock needs a value", "" } },
	{ PRE "tos orphan 17\n", 3, { "orphan 17 is out of range (1 to 16)", "" } },
	{ PRE "tos mindist 1.5\n", 3,
	  { "mindist 1.5 is out of range (0 to 1)", "" } },
	{ PRE "tos minclock 3.5\n", 3, { "'3.5' is not a number", "" } },

	/* tinker */
	{ PRE "tinker step -1\n", 3,
	  { "tinker step -1 must not be negative", "" } },
	{ PRE "tinker panic 1e3\n", 3,
	  { "'1e3' is not a number of seconds", "" } },
	{ PRE "tinker step 0.0000000001\n", 3,
	  { "finer than a nanosecond", "" } },
	{ PRE "tinker stepout 2000000000\n", 3,
	  { "stepout 2000000000 is out of range (0 to 1000000000)", "" } },
	{ PRE "tinker step 99999999999999999999999\n", 3,
	  { "is out of range", "" } },
	{ PRE "tinker allan 12\n", 3,
	  { "tinker allan is not supported by ntpsecd", "" } },
	{ PRE "tinker step\n", 3, { "tinker step needs a value", "" } },
	{ PRE "tinker step .\n", 3, { "'.' is not a number of seconds", "" } },
	{ PRE "tinker bogus 1\n", 3, { "tinker: unknown option 'bogus'", "" } },

	/* enable, disable */
	{ PRE "enable bogus\n", 3, { "enable: unknown flag 'bogus'", "" } },
	{ PRE "disable auth\n", 3, { "auth is not supported by ntpsecd", "" } },
	{ PRE "enable\n", 3, { "enable needs a flag", "" } },

	/* nts */
	{ PRE "nts cert /c\nnts enable\n", 4,
	  { "nts enable needs nts cert and nts key", "" } },
	{ PRE "nts mintls TLS1.3\n", 3,
	  { "nts mintls is not supported by ntpsecd", "" } },
	{ PRE "nts cert\n", 3, { "nts cert needs a value", "" } },
	{ PRE "nts frob\n", 3, { "nts: unknown option 'frob'", "" } },
	{ PRE "nts\n", 3, { "nts needs an option", "" } },

	/* kernel, ratelimit */
	{ PRE "kernel maybe\n", 3, { "'maybe' is not on, off or auto", "" } },
	{ PRE "kernel\n", 3, { "kernel needs on, off or auto", "" } },
	{ PRE "kernel on off\n", 3, { "kernel: unexpected 'off'", "" } },
	{ PRE "ratelimit interval 13\n", 3,
	  { "ratelimit interval 13 is out of range (-10 to 12)", "" } },
	{ PRE "ratelimit burst 0\n", 3,
	  { "burst 0 is out of range (1 to 1024)", "" } },
	{ PRE "ratelimit leak 9\n", 3, { "leak 9 is out of range (0 to 8)", "" } },
	{ PRE "ratelimit table 1000\n", 3,
	  { "table 1000 is not a power of two", "" } },
	{ PRE "ratelimit table 128\n", 3,
	  { "table 128 is out of range (256 to 1048576)", "" } },
	{ PRE "ratelimit bogus\n", 3,
	  { "ratelimit: unknown option 'bogus'", "" } },
	{ PRE "ratelimit interval\n", 3,
	  { "ratelimit interval needs a value", "" } },
	{ PRE "ratelimit burst 8x\n", 3, { "burst '8x' is not a number", "" } },
	{ PRE "ratelimit burst 0x10\n", 3,
	  { "burst '0x10' is not a number", "" } },
	{ PRE "ratelimit burst +8\n", 3, { "burst '+8' is not a number", "" } },

	/* hwtimestamp, interface */
	{ PRE "hwtimestamp\n", 3, { "hwtimestamp needs an interface", "" } },
	{ PRE "hwtimestamp averyverylongname0\n", 3,
	  { "'averyverylongname0' is not a valid interface name", "" } },
	{ PRE "hwtimestamp eth/0\n", 3, { "not a valid interface name", "" } },
	{ PRE "hwtimestamp eth0\nhwtimestamp eth0\n", 4,
	  { "hwtimestamp eth0 is given twice", "" } },
	{ PRE "hwtimestamp eth0 rxfilter all\n", 3,
	  { "hwtimestamp: unexpected 'rxfilter'", "" } },
	{ PRE "interface listen\n", 3,
	  { "interface needs listen, ignore or drop", "" } },
	{ PRE "interface accept eth0\n", 3,
	  { "'accept' is not listen, ignore or drop", "" } },
	{ PRE "nic listen 192.0.2.1/24\n", 3,
	  { "nic: 192.0.2.1/24 has host bits 0.0.0.1", "" } },
	{ PRE "interface listen eth0 extra\n", 3,
	  { "interface: unexpected 'extra'", "" } },
	{ PRE "interface listen eth0/1\n", 3,
	  { "'eth0/1' is not an address or interface name", "" } },

	/* what ntpsecd does not do, and what nobody does */
	{ PRE "refclock shm unit 0\n", 3,
	  { "refclock is not supported by ntpsecd", "" } },
	{ PRE "broadcast 192.0.2.255\n", 3,
	  { "broadcast is not supported by ntpsecd", "" } },
	{ PRE "manycastclient 224.0.1.1\n", 3,
	  { "manycastclient is not supported by ntpsecd", "" } },
	{ PRE "peer a.example.org\n", 3,
	  { "peer is not supported by ntpsecd", "write server" } },
	{ PRE "crypto\n", 3, { "crypto is not supported by ntpsecd", "" } },
	{ PRE "discard average 3\n", 3,
	  { "discard is not supported by ntpsecd", "use ratelimit" } },
	{ PRE "port 123\n", 3, { "unknown directive 'port'", "" } },
	{ PRE "Server a.example.org\n", 3, { "unknown directive 'Server'", "" } },

	/* the words themselves */
	{ PRE "server a.example.org\001\n", 3, { "control character 0x01", "" } },
	{ PRE "driftfile \"/var/x\n", 3, { "unterminated quoted string", "" } },
	{ PRE "driftfile a\"b\n", 3, { "'\"' inside a word", "" } },
	{ PRE "driftfile \"a\"b\n", 3,
	  { "unexpected 'b' after a quoted string", "" } },
	{ PRE "includefile\n", 3, { "includefile needs a path", "" } },
};

/* Line n of text, for the KTAP description. */
static void line_of(const char *text, unsigned int n, char *buf, size_t len)
{
	while (--n && strchr(text, '\n'))
		text = strchr(text, '\n') + 1;
	snprintf(buf, len, "%.*s", (int)strcspn(text, "\n"), text);
}

static void test_bad_input(const struct bad *b)
{
	char expect[64];
	unsigned int i;
	bool ok;

	fill(&cfg);
	ok = CHECKF(parse(b->text, &cfg) == -1, "accepted: %s", b->text);
	snprintf(expect, sizeof(expect), "t.conf:%u: ", b->line);
	ok &= CHECKF(error_at("t.conf", b->line), "'%s' does not start '%s'",
		     err, expect);
	for (i = 0; i < ARRAY_SIZE(b->says); i++)
		ok &= CHECKF(contains(err, b->says[i]), "'%s' does not say '%s'",
			     err, b->says[i]);
	ok &= CHECKF(untouched(&cfg), "a failed parse changed the output");
	if (ok)
		printf("# %s\n", err);
}

static const struct ktap_case cases[] = {
	{ "defaults, empty files", test_defaults },
	{ "every directive from a full NTPsec-style file", test_full },
	{ "dump and parse again: the same bytes", test_round_trip },
	{ "Debian's stock ntp.conf", test_debian },
	{ "words, quotes, comments, CRLF, repeated directives", test_syntax },
	{ "host names, literals, ports, duplicates", test_servers },
	{ "limits: servers, restrict, hwtimestamp, interface, line length",
	  test_limits },
	{ "error buffer sizes", test_error_buffer },
	{ "includefile: relative, loops, depth, bad files", test_includes },
	{ "config_load equals config_parse_string", test_load_equals_string },
	{ "mutated files: precise errors or exact round trips",
	  test_mutations },
};

int main(void)
{
	unsigned int i;

	memset(&pattern, FILL, sizeof(pattern));
	ktap_plan((int)(ARRAY_SIZE(cases) + ARRAY_SIZE(bad_inputs)));
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		ktap_run_case(&cases[i]);
	for (i = 0; i < ARRAY_SIZE(bad_inputs); i++) {
		unsigned int failed = n_failed;
		char what[80];

		n_diags = 0;
		test_bad_input(&bad_inputs[i]);
		line_of(bad_inputs[i].text, bad_inputs[i].line, what,
			sizeof(what));
		ktap_test(n_failed == failed, "error: %s", what);
	}
	return ktap_exit();
}
