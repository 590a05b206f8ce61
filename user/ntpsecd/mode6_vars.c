// SPDX-License-Identifier: BSD-2-Clause
/*
 * What ntpsecd answers to mode 6: the association list, the system
 * variables and the peer variables ntpq and ntpmon read, in the names,
 * units and formats of NTPsec's ntp_control.c (milliseconds for delays,
 * offsets and jitters, ppm for frequencies, l_fp timestamps in hex).
 *
 * Read-only.  Writes, configuration and traps are refused with the
 * protocol's permission error; the MRU list is always empty (the module
 * answers clients, the daemon keeps no list), after a nonce exchange as
 * ntpd's, so ntpmon runs.  Only localhost (127.0.0.1, ::1) is answered,
 * unless a restrict line without noquery matches the client, as ntpd's
 * local-interface entries and restrict lines have it.
 */

#include "config.h"

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <time.h>
#include <openssl/evp.h>

#include "daemon.h"

#define NONCE_TIMEOUT 16	/* s, ntpd's and ntpq's NONCE_TIMEOUT */

struct query {
	struct daemon *d;
	const struct mode6_request *req;
	int family;
	const uint8_t *src;
	void (*send)(void *sctx, const uint8_t *pkt, size_t len);
	void *sctx;
};

void mode6_init(struct daemon *d)
{
	/* Without randomness the nonces are guessable, not wrong: go on. */
	if (getrandom(d->m6_secret, sizeof(d->m6_secret), 0) !=
	    sizeof(d->m6_secret))
		memset(d->m6_secret, 0x5a, sizeof(d->m6_secret));
	d->srv.mode6 = mode6_receive;
	d->srv.mode6_ctx = d;
}

static bool is_loopback(int family, const uint8_t *a)
{
	static const uint8_t v4[4] = { 127, 0, 0, 1 };

	if (family == AF_INET)
		return !memcmp(a, v4, 4);
	return !memcmp(a, &in6addr_loopback, 16);
}

/*
 * ntpd gives every local address an unrestricted host entry, so localhost
 * may query unless a host line for it says noquery; anybody else needs a
 * restrict line without noquery (no line at all is "default noquery").
 */
static bool query_allowed(const struct access *acl, int family,
			  const uint8_t *src)
{
	unsigned int flags, plen;
	bool matched = access_match(acl, family, src, &flags, &plen);
	bool denies = flags & (ACCESS_IGNORE | ACCESS_NOQUERY);

	if (is_loopback(family, src))
		return !(matched && denies && plen == (family == AF_INET ? 32 : 128));
	return matched && !denies;
}

static uint64_t ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ntp_ts_from_unix(ts.tv_sec, (uint32_t)ts.tv_nsec);
}

/* A steady-clock time of the daemon's as an NTP timestamp. */
static uint64_t ntp_at(double steady)
{
	struct timespec rt, mono;
	double t;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	t = (double)rt.tv_sec + rt.tv_nsec / 1e9 -
	    ((double)mono.tv_sec + mono.tv_nsec / 1e9 - steady);
	return ntp_ts_from_unix((int64_t)floor(t),
				(uint32_t)((t - floor(t)) * 1e9));
}

static void put_ts(struct mode6_text *t, const char *name, uint64_t ts)
{
	mode6_put(t, name, "0x%08x.%08x", (unsigned int)(ts >> 32),
		  (unsigned int)ts);
}

/* ntpd prints a refid of stratum 0 or 1 as text, else as an address. */
static void put_refid(struct mode6_text *t, uint32_t refid, int stratum)
{
	char s[5];
	int i;

	for (i = 0; i < 4; i++)
		s[i] = (char)(refid >> (24 - 8 * i));
	s[4] = 0;
	if (stratum <= 1) {
		for (i = 0; i < 4 && s[i]; i++)
			if (s[i] < 0x21 || s[i] > 0x7e || s[i] == ',' ||
			    s[i] == '"' || s[i] == '=')
				break;
		if (i && (i == 4 || !s[i])) {
			s[i] = 0;
			mode6_put(t, "refid", "%s", s);
			return;
		}
	}
	mode6_put(t, "refid", "%u.%u.%u.%u", refid >> 24, refid >> 16 & 0xff,
		  refid >> 8 & 0xff, refid & 0xff);
}

static unsigned int peer_select_code(enum select_state s)
{
	switch (select_state_tally(s)) {
	case 'x': return MODE6_SEL_FALSETICK;
	case '.': return MODE6_SEL_EXCESS;
	case '-': return MODE6_SEL_OUTLIER;
	case '+': return MODE6_SEL_CANDIDATE;
	case '#': return MODE6_SEL_BACKUP;
	case '*': return MODE6_SEL_SYSPEER;
	default: return MODE6_SEL_REJECT;
	}
}

uint16_t mode6_peer_status_of(const struct peer *p)
{
	return mode6_peer_status(MODE6_PST_CONFIG |
				 (p->cfg.key ? MODE6_PST_AUTHENABLE : 0) |
				 (p->reach ? MODE6_PST_REACH : 0),
				 peer_select_code(p->state), 0, 0);
}

static uint16_t sys_status(const struct daemon *d)
{
	return mode6_sys_status(d->synced ? d->sys.leap : NTP_LEAP_UNSYNCHRONIZED,
				d->synced ? MODE6_SST_NTP : MODE6_SST_UNSPEC,
				0, 0);
}

static void reply(struct query *q, uint16_t status, uint16_t associd,
		  const void *data, size_t len)
{
	mode6_fragment(q->req, status, associd, data, len, q->send, q->sctx);
	q->d->m6.answered++;
}

static void error(struct query *q, enum mode6_error err)
{
	uint8_t out[MODE6_HEADER_LEN];

	q->send(q->sctx, out, mode6_error(q->req, err, out));
	q->d->m6.errors++;
}

static void sys_vars(const struct daemon *d, struct mode6_text *t)
{
	const struct ntp_server_state *s = &d->sys;
	struct utsname u;

	mode6_put(t, "version", "\"ntpsecd %s\"", PACKAGE_VERSION);
	if (!uname(&u)) {
		mode6_put(t, "processor", "\"%s\"", u.machine);
		mode6_put(t, "system", "\"%s/%s\"", u.sysname, u.release);
	}
	mode6_put(t, "leap", "%d", d->synced ? s->leap : NTP_LEAP_UNSYNCHRONIZED);
	mode6_put(t, "stratum", "%d", d->synced ? s->stratum : 16);
	mode6_put(t, "precision", "%d", NTP_DEFAULT_PRECISION);
	mode6_put(t, "rootdelay", "%.6f", s->root_delay / 65536.0 * 1e3);
	mode6_put(t, "rootdisp", "%.6f", s->root_dispersion / 65536.0 * 1e3);
	if (d->synced)
		put_refid(t, s->refid, s->stratum);
	else
		mode6_put(t, "refid", "INIT");
	put_ts(t, "reftime", d->synced ? s->reftime : 0);
	put_ts(t, "clock", ntp_now());
	mode6_put(t, "peer", "%d", d->syspeer >= 0 ? d->syspeer + 1 : 0);
	mode6_put(t, "tc", "%d", d->syspeer >= 0 ? d->peers[d->syspeer].poll : 0);
	mode6_put(t, "mintc", "%d", 0);
	mode6_put(t, "offset", "%.6f", d->sys_offset * 1e3);
	mode6_put(t, "frequency", "%.6f", d->clk.freq_ppm);
	mode6_put(t, "sys_jitter", "%.6f", d->sys_jitter * 1e3);
	mode6_put(t, "clk_jitter", "%.6f", d->sys_jitter * 1e3);
	mode6_put(t, "clk_wander", "%.6f", 0.0);
}

static void put_addr(struct mode6_text *t, const char *name, int family,
		     const void *addr)
{
	char s[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, s, sizeof(s)))
		strcpy(s, "0.0.0.0");
	mode6_put(t, name, "%s", s);
}

/* The filter's eight stages, newest first, in ms; ntpd's "filt*" arrays. */
static void put_filter(struct mode6_text *t, const char *name,
		       const struct filter *f, int which)
{
	char s[8 * 12 + 1];
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < FILTER_STAGES; i++) {
		const struct filter_sample *x = filter_stage(f, i);
		double v = which == 0 ? (x ? x->delay : 0) :
			   which == 1 ? (x ? x->offset : 0) :
					(x ? x->disp : FILTER_MAXDISP);

		n += (size_t)snprintf(s + n, sizeof(s) - n, " %.2f", v * 1e3);
		if (n >= sizeof(s))
			return;
	}
	mode6_put(t, name, "%s", s);
}

static void peer_vars(const struct peer *p, struct mode6_text *t)
{
	const struct filter_sample *last = filter_stage(&p->filter, 0);
	static const uint8_t any[16];
	bool v4 = p->addr.ss_family == AF_INET;
	const struct sockaddr_in *a4 = (const void *)&p->addr;
	const struct sockaddr_in6 *a6 = (const void *)&p->addr;

	put_addr(t, "srcadr", p->addr.ss_family,
		 v4 ? (const void *)&a4->sin_addr : (const void *)&a6->sin6_addr);
	mode6_put(t, "srcport", "%u", ntohs(v4 ? a4->sin_port : a6->sin6_port));
	if (!p->cfg.family && !strpbrk(p->cfg.host, "\",\r\n"))
		mode6_put(t, "srchost", "\"%s\"", p->cfg.host);
	put_addr(t, "dstadr", p->addr.ss_family, any);
	mode6_put(t, "leap", "%d", p->leap);
	mode6_put(t, "hmode", "%d", NTP_MODE_CLIENT);
	mode6_put(t, "pmode", "%d", NTP_MODE_SERVER);
	mode6_put(t, "stratum", "%d", p->stratum ? p->stratum : 16);
	mode6_put(t, "ppoll", "%d", p->poll);
	mode6_put(t, "hpoll", "%d", p->poll);
	mode6_put(t, "rootdelay", "%.6f", p->root_delay * 1e3);
	mode6_put(t, "rootdisp", "%.6f", p->root_disp * 1e3);
	if (p->received)
		put_refid(t, p->refid, p->stratum);
	else
		mode6_put(t, "refid", "INIT");
	put_ts(t, "rec", last ? ntp_at(last->t) : 0);
	mode6_put(t, "reach", "0x%02x", p->reach);
	mode6_put(t, "unreach", "%d", 0);
	put_ts(t, "xmt", p->sent ? ntp_ts_from_unix((int64_t)floor(p->t1),
			(uint32_t)((p->t1 - floor(p->t1)) * 1e9)) : 0);
	mode6_put(t, "delay", "%.6f", p->have_stats ? p->stats.delay * 1e3 : 0.0);
	mode6_put(t, "offset", "%.6f", p->have_stats ? p->stats.offset * 1e3 : 0.0);
	mode6_put(t, "jitter", "%.6f", p->have_stats ? p->stats.jitter * 1e3 : 0.0);
	mode6_put(t, "dispersion", "%.6f",
		  (p->have_stats ? p->stats.disp : FILTER_MAXDISP) * 1e3);
	mode6_put(t, "keyid", "%u", p->cfg.key);
	put_filter(t, "filtdelay", &p->filter, 0);
	put_filter(t, "filtoffset", &p->filter, 1);
	put_filter(t, "filtdisp", &p->filter, 2);
	mode6_put(t, "headway", "%d", 0);
	mode6_put(t, "flash", "0x%x", 0);
}

static void read_status(struct query *q)
{
	uint8_t list[4 * DAEMON_MAX_PEERS];
	int i;

	for (i = 0; i < q->d->npeers; i++) {
		uint16_t st = mode6_peer_status_of(&q->d->peers[i]);

		list[4 * i] = (uint8_t)((i + 1) >> 8);
		list[4 * i + 1] = (uint8_t)(i + 1);
		list[4 * i + 2] = (uint8_t)(st >> 8);
		list[4 * i + 3] = (uint8_t)st;
	}
	reply(q, sys_status(q->d), 0, list, 4 * (size_t)q->d->npeers);
}

static void read_vars(struct query *q)
{
	static struct mode6_text t;
	const struct peer *p = NULL;
	unsigned int id = q->req->associd;

	if (id && (int)id > q->d->npeers) {
		error(q, MODE6_ERR_BADASSOC);
		return;
	}
	mode6_text_init(&t);
	if (mode6_text_want(&t, q->req->data, q->req->count)) {
		error(q, MODE6_ERR_BADFMT);
		return;
	}
	if (id) {
		p = &q->d->peers[id - 1];
		peer_vars(p, &t);
	} else {
		sys_vars(q->d, &t);
	}
	if (t.nwant && t.seen != (t.nwant == 32 ? ~0U : (1U << t.nwant) - 1)) {
		error(q, MODE6_ERR_UNKNOWNVAR);
		return;
	}
	reply(q, p ? mode6_peer_status_of(p) : sys_status(q->d), (uint16_t)id, t.buf,
	      t.len);
}

/* The nonce: when (steady s) and a tag keyed to the client's address. */
static uint64_t nonce_tag(const struct query *q, uint32_t when)
{
	uint8_t in[sizeof(q->d->m6_secret) + 4 + 16], md[EVP_MAX_MD_SIZE];
	size_t alen = q->family == AF_INET ? 4 : 16;
	unsigned int mdlen = 0;
	uint64_t tag = 0;
	int i;

	memcpy(in, q->d->m6_secret, sizeof(q->d->m6_secret));
	memcpy(in + sizeof(q->d->m6_secret), &when, 4);
	memcpy(in + sizeof(q->d->m6_secret) + 4, q->src, alen);
	if (!EVP_Digest(in, sizeof(q->d->m6_secret) + 4 + alen, md, &mdlen,
			EVP_sha256(), NULL) || mdlen < 8)
		return 0;
	for (i = 0; i < 8; i++)
		tag = tag << 8 | md[i];
	return tag;
}

static uint32_t steady_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_sec;
}

static void put_nonce(struct query *q, struct mode6_text *t)
{
	uint32_t when = steady_s();
	uint64_t tag = nonce_tag(q, when);

	mode6_put(t, "nonce", "%08x%08x%08x", when, (uint32_t)(tag >> 32),
		  (uint32_t)tag);
}

static bool nonce_valid(const struct query *q, const char *s)
{
	unsigned int when, hi, lo;
	char tail;

	if (strlen(s) != 24 || sscanf(s, "%8x%8x%8x%c", &when, &hi, &lo, &tail) != 3)
		return false;
	if (steady_s() - when > NONCE_TIMEOUT)
		return false;
	return nonce_tag(q, when) == ((uint64_t)hi << 32 | lo);
}

static void req_nonce(struct query *q)
{
	static struct mode6_text t;

	mode6_text_init(&t);
	put_nonce(q, &t);
	reply(q, sys_status(q->d), 0, t.buf, t.len);
}

/* An empty MRU list: "now" ends the span at once. */
static void read_mru(struct query *q)
{
	static struct mode6_text t;
	char name[MODE6_NAME_MAX], value[64];
	size_t pos = 0;
	bool nonce = false;
	int ret;

	while ((ret = mode6_next_var(q->req->data, q->req->count, &pos, name,
				     value, sizeof(value))) > 0) {
		if (!strcmp(name, "nonce"))
			nonce = nonce_valid(q, value);
	}
	if (ret < 0) {
		error(q, MODE6_ERR_BADFMT);
		return;
	}
	if (!nonce) {
		error(q, MODE6_ERR_BADVALUE);
		return;
	}
	mode6_text_init(&t);
	put_nonce(q, &t);
	put_ts(&t, "now", ntp_now());
	reply(q, sys_status(q->d), 0, t.buf, t.len);
}

void mode6_receive(void *ctx, int family, const uint8_t *src,
		   const uint8_t *buf, size_t len,
		   void (*send)(void *sctx, const uint8_t *pkt, size_t len),
		   void *sctx)
{
	struct daemon *d = ctx;
	struct mode6_request req;
	struct query q = { d, &req, family, src, send, sctx };

	if (!query_allowed(&d->acl, family, src)) {
		d->m6.refused++;
		return;
	}
	if (mode6_parse(buf, len, &req) != MODE6_PARSE_OK) {
		d->m6.dropped++;
		return;
	}
	switch (req.opcode) {
	case MODE6_OP_READSTAT:
		if (req.associd)
			read_vars(&q);	/* ntpd: everything about the peer */
		else
			read_status(&q);
		break;
	case MODE6_OP_READVAR:
		read_vars(&q);
		break;
	case MODE6_OP_READCLOCK:	/* no reference clocks */
		error(&q, MODE6_ERR_BADASSOC);
		break;
	case MODE6_OP_REQ_NONCE:
		req_nonce(&q);
		break;
	case MODE6_OP_READ_MRU:
		read_mru(&q);
		break;
	case MODE6_OP_WRITEVAR:
	case MODE6_OP_WRITECLOCK:
	case MODE6_OP_SETTRAP:
	case MODE6_OP_UNSETTRAP:
	case MODE6_OP_CONFIGURE:
	case MODE6_OP_SAVECONFIG:
	case MODE6_OP_READ_ORDLIST_A:	/* ntpd wants authentication here */
		error(&q, MODE6_ERR_PERMISSION);
		break;
	default:
		error(&q, MODE6_ERR_BADOP);
		break;
	}
}
