// SPDX-License-Identifier: BSD-2-Clause
/*
 * The system process (RFC 5905 section 11.2): run selection over the
 * associations, derive the system variables, discipline the clock, and tell
 * the module and the fallback server what to say.
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>

#include "daemon.h"
#include "log.h"
#include "module.h"

static uint32_t short_format(double s)
{
	if (s < 0)
		s = 0;
	if (s >= 65535.0)
		return 0xffffffff;
	return (uint32_t)lround(s * 65536.0);
}

/*
 * The reference id of an upstream server: its IPv4 address, or the first
 * four octets of the MD5 of its IPv6 address (RFC 5905 section 7.3).
 */
static uint32_t refid_of(const struct peer *p)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	const uint8_t *a6;

	if (p->addr.ss_family == AF_INET)
		return ntohl(((const struct sockaddr_in *)&p->addr)->sin_addr.s_addr);
	a6 = ((const struct sockaddr_in6 *)&p->addr)->sin6_addr.s6_addr;
	if (!EVP_Digest(a6, 16, md, &len, EVP_md5(), NULL) || len < 4)
		return 0;
	return ntp_get_be32(md);
}

/* "2016-12-31T23:59:60Z"-style text of Unix time @t, for log lines. */
static const char *utc_date(int64_t t)
{
	static char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;

	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
	return buf;
}

static uint64_t ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ntp_ts_from_unix(ts.tv_sec, (uint32_t)ts.tv_nsec);
}

static void log_changes(struct daemon *d, const struct select_result *r,
			double now)
{
	int i;

	for (i = 0; i < d->npeers; i++) {
		struct peer *p = &d->peers[i];
		enum select_state s = r->v[i].state;

		if (s != SELECT_FALSETICKER)
			p->false_since = 0;
		else if (!p->false_since)
			p->false_since = now;	/* assoc.c replaces pool ones */
		if (s == p->state)
			continue;
		if (s == SELECT_FALSETICKER)
			log_msg(LOG_WARNING, "falseticker %s excluded (offset %+.6f s)",
				p->name, p->stats.offset);
		else if (s == SELECT_SYSPEER)
			log_msg(LOG_NOTICE, "system peer %s, stratum %d", p->name,
				p->stratum);
		p->state = s;
	}
}

static void update_system(struct daemon *d, const struct select_result *r,
			  double now)
{
	const struct peer *sp = &d->peers[r->syspeer];

	d->syspeer = r->syspeer;
	d->sys_offset = r->offset;
	d->sys_jitter = r->jitter;
	d->sys.leap = (uint8_t)d->leap.li;
	d->sys.stratum = (uint8_t)(sp->stratum + 1 > 15 ? 15 : sp->stratum + 1);
	d->sys.refid = refid_of(sp);
	d->sys.reftime = ntp_now();
	d->sys.root_delay = short_format(sp->root_delay + sp->stats.delay);
	d->sys.root_dispersion = short_format(sp->root_disp + sp->stats.disp +
					      r->jitter + fabs(r->offset));
	(void)now;
}

void system_record_peer(struct daemon *d, const struct peer *p)
{
	const void *a = p->addr.ss_family == AF_INET ?
		(const void *)&((const struct sockaddr_in *)&p->addr)->sin_addr :
		(const void *)&((const struct sockaddr_in6 *)&p->addr)->sin6_addr;
	char s[INET6_ADDRSTRLEN];

	if (!p->have_stats || !inet_ntop(p->addr.ss_family, a, s, sizeof(s)))
		return;
	statsfiles_peer(&d->stats, s, mode6_peer_status_of(p), p->stats.offset,
			p->stats.delay, p->stats.disp, p->stats.jitter);
}

static void record_loop(struct daemon *d)
{
	statsfiles_loop(&d->stats, d->sys_offset, d->clk.freq_ppm,
			d->sys_jitter, 0.0, d->peers[d->syspeer].poll);
}

/* The leap indicators of the survivors, the system peer among them. */
static int survivors_vote(const struct daemon *d)
{
	int li[DAEMON_MAX_PEERS], n = 0, i;

	for (i = 0; i < d->npeers; i++)
		if (d->peers[i].state == SELECT_SURVIVOR ||
		    d->peers[i].state == SELECT_SYSPEER)
			li[n++] = d->peers[i].leap;
	return leap_vote(li, n);
}

#define FIRST_UPDATE_SAMPLES 6	/* as many as iburst sends */

static bool filters_filled(const struct daemon *d)
{
	int i;

	for (i = 0; i < d->npeers; i++)
		if (d->peers[i].reach && d->peers[i].have_stats &&
		    d->peers[i].filter.count < FIRST_UPDATE_SAMPLES)
			return false;
	return true;
}

/*
 * The clock has had no update since start or a step, and takes its first
 * once the filters are filled: until then every new sample may be the one
 * that fills them, whether or not it changes its server's statistics.
 */
bool system_awaits_first_update(const struct daemon *d)
{
	return d->discipline && !d->clk.n && !d->once;
}

static void after_step(struct daemon *d, double now)
{
	int i;

	for (i = 0; i < d->npeers; i++)
		peer_reset(&d->peers[i], now);
}

void system_select(struct daemon *d, double now)
{
	struct select_candidate c[DAEMON_MAX_PEERS];
	struct select_result r;
	enum clock_action act;
	int i, n = d->npeers;

	for (i = 0; i < n; i++) {
		const struct peer *p = &d->peers[i];

		memset(&c[i], 0, sizeof(c[i]));
		c[i].offset = p->stats.offset;
		c[i].delay = p->stats.delay;
		c[i].disp = p->have_stats ? p->stats.disp : 16.0;
		c[i].jitter = p->stats.jitter;
		c[i].update = p->have_stats ? p->stats.update : now;
		c[i].root_delay = p->root_delay;
		c[i].root_disp = p->root_disp;
		c[i].stratum = p->stratum;
		c[i].unsync = p->leap == NTP_LEAP_UNSYNCHRONIZED;
		c[i].reachable = p->reach && p->have_stats;
		c[i].noselect = p->cfg.flags & CONFIG_SERVER_NOSELECT;
		c[i].prefer = p->cfg.flags & CONFIG_SERVER_PREFER;
		c[i].was_syspeer = i == d->syspeer;
	}
	if (select_run(c, n, &d->sp, now, &r) < 0) {
		if (d->outcome != r.outcome)
			log_msg(LOG_NOTICE, "no system peer: %s",
				select_outcome_name(r.outcome));
		d->outcome = r.outcome;
		log_changes(d, &r, now);
		d->syspeer = -1;
		return;
	}
	d->outcome = r.outcome;
	log_changes(d, &r, now);
	d->leap_vote = survivors_vote(d);
	update_system(d, &r, now);

	if (!d->discipline) {
		d->synced = true;
		record_loop(d);
		system_push_state(d);
		return;
	}
	/*
	 * The first update since start or a step waits until every server
	 * that answers has FIRST_UPDATE_SAMPLES in its filter: before that
	 * the empty stages' dispersion widens every correctness interval
	 * enough for a server a second off to pass as a truechimer and be
	 * combined in, and the step would take it along.  (-q does not wait:
	 * as ntpd -q, it sets the clock as soon as it can.)
	 */
	if (system_awaits_first_update(d) && !filters_filled(d)) {
		system_push_state(d);
		return;
	}
	/*
	 * The clock takes one update per new sample of the system peer
	 * (RFC 5905 section 11.2.1): the others' samples change the combined
	 * offset only a little, and feeding each would count the same
	 * moment several times in the frequency fit.
	 */
	if (d->synced && d->peers[r.syspeer].stats.epoch <= d->disc_sample) {
		system_push_state(d);
		return;
	}
	/*
	 * The offset was measured when the system peer's chosen sample
	 * arrived, which the clock filter may have held for several polls.
	 */
	d->disc_sample = d->peers[r.syspeer].stats.epoch;
	act = clock_update(&d->clk, r.offset, d->disc_sample, now);
	switch (act) {
	case CLOCK_STEPPED:
		after_step(d, now);
		break;
	case CLOCK_PANIC:
		d->panic = true;
		d->synced = false;
		return;
	case CLOCK_ERROR:
		log_msg(LOG_ERR, "cannot adjust the clock: %s", strerror(errno));
		d->synced = false;
		return;
	case CLOCK_SPIKE:
		return;		/* clock_update logged it; nothing changes */
	case CLOCK_SLEWED:
		break;
	}
	d->synced = true;
	record_loop(d);
	system_leap(d);
	system_push_state(d);
}

void system_load_leapfile(struct daemon *d)
{
	char err[512];

	d->have_leaps = false;
	d->leaps_expired_logged = false;
	if (!d->cfg.leapfile[0])
		return;
	if (leap_load(d->cfg.leapfile, &d->leaps, err, sizeof(err))) {
		log_msg(LOG_ERR, "leapfile not used: %s", err);
		return;
	}
	d->have_leaps = true;
	log_msg(LOG_INFO, "leapfile %s: %u entries, TAI-UTC %d s, expires %s",
		d->cfg.leapfile, d->leaps.n, d->leaps.e[d->leaps.n - 1].tai,
		utc_date(d->leaps.expires));
}

static const char *leap_kind(int li)
{
	return li == NTP_LEAP_ADD_SECOND ? "insertion" :
	       li == NTP_LEAP_DEL_SECOND ? "deletion" : "none";
}

void system_leap(struct daemon *d)
{
	int64_t now = (int64_t)time(NULL);
	const struct leap_table *t = d->have_leaps ? &d->leaps : NULL;
	struct leap_decision was = d->leap;
	bool synced = d->synced && d->discipline;

	if (t && leap_expired(t, now)) {
		if (!d->leaps_expired_logged)
			log_msg(LOG_WARNING, "leapfile %s expired on %s: leap seconds from upstream only; install a current leap-seconds.list",
				d->cfg.leapfile, utc_date(t->expires));
		d->leaps_expired_logged = true;
		t = NULL;
	}
	leap_decide(t, d->leap_vote, now, &d->leap);
	if (d->leap.li != was.li || d->leap.when != was.when) {
		if (d->leap.li == NTP_LEAP_NONE)
			log_msg(LOG_NOTICE, "no leap second pending");
		else
			log_msg(LOG_NOTICE, "leap second %s at %s announced (from the %s)",
				leap_kind(d->leap.li), utc_date(d->leap.when),
				leap_source_name(d->leap.source));
		d->sys.leap = (uint8_t)d->leap.li;
		if (d->synced)
			system_push_state(d);
	}
	if (!d->discipline ||
	    (d->kstatus_synced == synced && d->kstatus_arm == d->leap.arm))
		return;
	if (clock_set_status(&d->clk, synced, d->leap.arm)) {
		log_msg(LOG_ERR, "cannot set the kernel's clock status: %s",
			strerror(errno));
		return;
	}
	if (d->leap.arm != d->kstatus_arm && d->leap.arm)
		log_msg(LOG_NOTICE, "kernel armed for the leap second %s at the end of today (UTC)",
			leap_kind(d->leap.li));
	d->kstatus_synced = synced;
	d->kstatus_arm = d->leap.arm;
}

int system_push_state(struct daemon *d)
{
	struct ntp_server_state st = d->sys;

	if (!d->synced)
		st.leap = NTP_LEAP_UNSYNCHRONIZED;
	d->srv.state = st;
	d->srv.have_state = true;
	if (d->kernel && module_set_state(&st)) {
		log_msg(LOG_WARNING, "the module refused the server state");
		return -1;
	}
	return 0;
}

static void build_access(struct daemon *d)
{
	unsigned int i;

	memset(&d->acl, 0, sizeof(d->acl));
	for (i = 0; i < d->cfg.n_restricts && d->acl.n < ACCESS_MAX_RULES; i++) {
		const struct config_restrict *r = &d->cfg.restricts[i];
		unsigned int f = 0;

		if (!r->prefix.family)		/* "restrict source" */
			continue;
		if (r->flags & CONFIG_RESTRICT_IGNORE)
			f |= ACCESS_IGNORE;
		if (r->flags & CONFIG_RESTRICT_NOQUERY)
			f |= ACCESS_NOQUERY;
		if (r->flags & CONFIG_RESTRICT_NOMODIFY)
			f |= ACCESS_NOMODIFY;
		if (r->flags & CONFIG_RESTRICT_NOSERVE)
			f |= ACCESS_NOSERVE;
		if (r->flags & CONFIG_RESTRICT_LIMITED)
			f |= ACCESS_LIMITED;
		if (r->flags & CONFIG_RESTRICT_KOD)
			f |= ACCESS_KOD;
		d->acl.rules[d->acl.n].prefix = r->prefix;
		d->acl.rules[d->acl.n].flags = f;
		d->acl.n++;
	}
}

/* The module rate-limits everybody or nobody: "limited" anywhere turns it on. */
static bool any_limited(const struct access *acl, bool *kod)
{
	bool limited = false;
	unsigned int i;

	*kod = false;
	for (i = 0; i < acl->n; i++) {
		if (acl->rules[i].flags & ACCESS_LIMITED)
			limited = true;
		if (acl->rules[i].flags & ACCESS_KOD)
			*kod = true;
	}
	return limited;
}

int system_apply_limits(struct daemon *d)
{
	const typeof(d->cfg.ratelimit) *rl = &d->cfg.ratelimit;
	struct module_ratelimit mrl;
	bool kod = false, on;
	unsigned int i;

	build_access(d);
	on = rl->enabled || any_limited(&d->acl, &kod);
	kod = rl->kod || (on && kod);
	if (server_set_ratelimit(&d->srv, on, rl->interval, rl->burst, rl->leak,
				 rl->table, kod))
		return -1;
	if (!d->kernel)
		return 0;

	mrl = (struct module_ratelimit){
		/* The client log is always kept, for ntpsecctl clients. */
		.flags = (on ? NTPSEC_RL_F_ENABLED : 0) | (kod ? NTPSEC_RL_F_KOD : 0) |
			 NTPSEC_RL_F_CLIENTLOG,
		.interval = rl->interval, .burst = rl->burst, .leak = rl->leak,
		.table_size = rl->table,
	};
	if (module_set_ratelimit(&mrl) || module_acl_flush())
		return -1;
	for (i = 0; i < d->acl.n; i++)
		if (module_acl_add(&d->acl.rules[i].prefix,
				   access_denies_time(d->acl.rules[i].flags) ?
				   NTPSEC_ACL_DENY : NTPSEC_ACL_ALLOW))
			return -1;
	for (i = 0; i < d->keys.n; i++)
		if (module_set_key(&d->keys.keys[i]))
			return -1;
	return 0;
}
