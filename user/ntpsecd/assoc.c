// SPDX-License-Identifier: BSD-2-Clause
/*
 * Association management: names, retries and replacements (see assoc.h).
 */

#include "config.h"

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "assoc.h"
#include "daemon.h"
#include "log.h"
#include "nts.h"

#define RETRY_MIN 2.0		/* s: the first retry of a name */
#define RETRY_MAX 900.0
/* A whole reach register of silence: the server is gone, not slow. */
#define UNREACH_POLLS 8
/* A pool member this many of its polls a falseticker is replaced. */
#define FALSE_POLLS 8
#define BAN_TIME 3600.0

static bool same_addr(const struct sockaddr_storage *a,
		      const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
	return false;
}

static bool in_use(const struct daemon *d, const struct sockaddr_storage *a)
{
	int i;

	for (i = 0; i < d->npeers; i++)
		if (same_addr(&d->peers[i].addr, a))
			return true;
	return false;
}

static bool banned(const struct assoc_name *n, const struct sockaddr_storage *a,
		   double now)
{
	int i;

	for (i = 0; i < ASSOC_BANNED; i++)
		if (n->banned_until[i] > now && same_addr(&n->banned[i], a))
			return true;
	return false;
}

static void ban(struct assoc_name *n, const struct sockaddr_storage *a,
		double now)
{
	int i, oldest = 0;

	for (i = 1; i < ASSOC_BANNED; i++)
		if (n->banned_until[i] < n->banned_until[oldest])
			oldest = i;
	n->banned[oldest] = *a;
	n->banned_until[oldest] = now + BAN_TIME;
}

static int count_of(const struct daemon *d, int name)
{
	int i, n = 0;

	for (i = 0; i < d->npeers; i++)
		n += d->peers[i].origin == name;
	return n;
}

static int wanted(const struct daemon *d, int name)
{
	return d->cfg.servers[name].flags & CONFIG_SERVER_POOL ?
	       d->cfg.tos.maxclock : 1;
}

/*
 * "server ... nts": an association gets its NTS client as it starts and
 * loses it as it closes; without one (no CA, no memory) it is not used.
 */
static int start_nts(struct daemon *d, struct peer *p)
{
	const struct config_server *cs = &p->cfg;

	return cs->flags & CONFIG_SERVER_NTS ? nts_peer_start(d, p, cs->host) : 0;
}

static void close_peer(struct peer *p)
{
	nts_peer_stop(p);
	peer_close(p);
}

static void remove_peer(struct daemon *d, int k)
{
	close_peer(&d->peers[k]);
	memmove(&d->peers[k], &d->peers[k + 1],
		(size_t)(d->npeers - k - 1) * sizeof(d->peers[0]));
	d->npeers--;
	if (d->syspeer == k)
		d->syspeer = -1;
	else if (d->syspeer > k)
		d->syspeer--;
}

static bool add_peer(struct daemon *d, int name, const struct addrinfo *ai,
		     double now)
{
	struct peer *p = &d->peers[d->npeers];

	peer_init(p, &d->cfg.servers[name], (const struct sockaddr_storage *)ai->ai_addr,
		  ai->ai_addrlen, now);
	p->origin = name;
	if (start_nts(d, p)) {
		peer_close(p);
		return false;
	}
	d->npeers++;
	return true;
}

/*
 * A server takes the first address; if it already has one (a new lookup
 * after it fell silent), it moves only if the name now says otherwise.
 */
static int take_server(struct daemon *d, int name, const struct addrinfo *res,
		       double now)
{
	const struct config_server *cs = &d->cfg.servers[name];
	const struct sockaddr_storage *a = (const void *)res->ai_addr;
	int i;

	for (i = 0; i < d->npeers && d->peers[i].origin != name; i++)
		;
	if (i == d->npeers) {
		if (d->npeers == DAEMON_MAX_PEERS || !add_peer(d, name, res, now))
			return 0;
		log_msg(LOG_INFO, "server %s: %s", cs->host, d->peers[i].name);
		return 1;
	}
	if (same_addr(&d->peers[i].addr, a))
		return 0;	/* still there: keep waiting for it */
	log_msg(LOG_NOTICE, "server %s moved: %s is dropped", cs->host,
		d->peers[i].name);
	close_peer(&d->peers[i]);
	peer_init(&d->peers[i], cs, a, res->ai_addrlen, now);
	d->peers[i].origin = name;
	if (d->syspeer == i)
		d->syspeer = -1;
	if (start_nts(d, &d->peers[i])) {
		remove_peer(d, i);
		return 0;
	}
	log_msg(LOG_NOTICE, "server %s is now %s", cs->host, d->peers[i].name);
	return 1;
}

/* A pool takes addresses not in use nor recently dropped, up to maxclock. */
static int take_addresses(struct daemon *d, int name, struct addrinfo *res,
			  double now)
{
	const struct config_server *cs = &d->cfg.servers[name];
	struct assoc_name *n = &d->names[name];
	const struct addrinfo *ai;
	int added = 0;

	if (!(cs->flags & CONFIG_SERVER_POOL))
		return take_server(d, name, res, now);
	for (ai = res; ai && count_of(d, name) < wanted(d, name) &&
	     d->npeers < DAEMON_MAX_PEERS; ai = ai->ai_next) {
		const struct sockaddr_storage *a = (const void *)ai->ai_addr;

		if (in_use(d, a) || banned(n, a, now) || !add_peer(d, name, ai, now))
			continue;
		log_msg(LOG_INFO, "pool %s: new server %s (%d of %d)", cs->host,
			d->peers[d->npeers - 1].name, count_of(d, name),
			wanted(d, name));
		added++;
	}
	return added;
}

static void resolved(struct daemon *d, int name, int ret, struct addrinfo *res,
		     double now)
{
	const struct config_server *cs = &d->cfg.servers[name];
	struct assoc_name *n = &d->names[name];

	if (ret) {
		n->failures++;
		n->next_try = now + n->backoff;
		log_msg(LOG_WARNING, "cannot resolve %s: %s; trying again in %.0f s",
			cs->host, gai_strerror(ret), n->backoff);
		n->backoff = fmin(2 * n->backoff, RETRY_MAX);
		return;
	}
	if (n->failures)
		log_msg(LOG_NOTICE, "%s resolved after %u failed attempts", cs->host,
			n->failures);
	n->failures = 0;
	take_addresses(d, name, res, now);
	freeaddrinfo(res);
	/* A pool still short of maxclock asks again, less and less often. */
	if (count_of(d, name) < wanted(d, name)) {
		n->next_try = now + n->backoff;
		n->backoff = fmin(2 * n->backoff, RETRY_MAX);
		return;
	}
	n->want = false;
	n->backoff = RETRY_MIN;
}

static int family_of(const struct config_server *cs)
{
	if (cs->flags & CONFIG_SERVER_IPV4)
		return AF_INET;
	if (cs->flags & CONFIG_SERVER_IPV6)
		return AF_INET6;
	return AF_UNSPEC;
}

/* Literal addresses resolve at once, without a lookup. */
static void resolve_literal(struct daemon *d, int name, double now)
{
	const struct config_server *cs = &d->cfg.servers[name];
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_family = family_of(cs) };
	struct addrinfo *res = NULL;
	char port[8];
	int ret;

	snprintf(port, sizeof(port), "%u", cs->port);
	ret = getaddrinfo(cs->host, port, &hints, &res);
	resolved(d, name, ret, res, now);
}

static void resolve_due(struct daemon *d, int name, double now)
{
	const struct config_server *cs = &d->cfg.servers[name];
	struct assoc_name *n = &d->names[name];
	struct addrinfo *res = NULL;
	int ret;

	if (n->q.busy) {
		ret = dns_poll(&n->q, &res);
		if (ret != EAI_INPROGRESS)
			resolved(d, name, ret, res, now);
		return;
	}
	if (!n->want || now < n->next_try)
		return;
	if (cs->family) {
		resolve_literal(d, name, now);
		return;
	}
	ret = dns_start(&n->q, cs->host, cs->port, family_of(cs));
	if (ret)
		resolved(d, name, ret, NULL, now);
}

static void want_again(struct assoc_name *n, double now)
{
	if (n->want)
		return;
	n->want = true;
	n->next_try = now;
}

/* Why a pool member goes, or NULL. */
static const char *replace_reason(const struct peer *p, double now)
{
	if (p->dead)
		return "refused us (kiss-o'-death)";
	if (p->unanswered >= UNREACH_POLLS)
		return "unreachable";
	if (p->false_since && now - p->false_since >= FALSE_POLLS * ldexp(1.0, p->poll))
		return "a falseticker";
	return NULL;
}

static void check_peers(struct daemon *d, double now)
{
	int i;

	for (i = d->npeers - 1; i >= 0; i--) {
		struct peer *p = &d->peers[i];
		struct assoc_name *n = &d->names[p->origin];
		const char *why = replace_reason(p, now);

		if (!why)
			continue;
		if (p->cfg.flags & CONFIG_SERVER_POOL) {
			log_msg(LOG_NOTICE, "pool %s: dropping %s, %s; asking the pool for another",
				p->cfg.host, p->name, why);
			ban(n, &p->addr, now);
			remove_peer(d, i);
			want_again(n, now);
		} else if (!p->cfg.family && p->unanswered >= UNREACH_POLLS) {
			log_msg(LOG_NOTICE, "server %s (%s) %s: resolving the name again",
				p->cfg.host, p->name, why);
			p->unanswered = 0;	/* give the answer time to matter */
			want_again(n, now);
		}
	}
}

void assoc_tick(struct daemon *d, double now)
{
	unsigned int i;

	check_peers(d, now);
	for (i = 0; i < d->cfg.n_servers; i++)
		resolve_due(d, (int)i, now);
}

void assoc_stop(struct daemon *d)
{
	int i;

	for (i = 0; i < CONFIG_MAX_SERVERS; i++)
		dns_cancel(&d->names[i].q);
	for (i = 0; i < d->npeers; i++)
		close_peer(&d->peers[i]);
	d->npeers = 0;
	d->syspeer = -1;
}

void assoc_start(struct daemon *d, double now)
{
	unsigned int i;

	assoc_stop(d);
	memset(d->names, 0, sizeof(d->names));
	for (i = 0; i < d->cfg.n_servers; i++) {
		d->names[i].want = true;
		d->names[i].next_try = now;
		d->names[i].backoff = RETRY_MIN;
	}
	assoc_tick(d, now);
}
