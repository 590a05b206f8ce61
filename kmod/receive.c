// SPDX-License-Identifier: GPL-2.0
/*
 * The fast path: every datagram arriving on an attached socket comes here
 * (softirq, RCU read side).  NTP client requests the module can answer are
 * answered and consumed; malformed ones are dropped and counted; everything
 * else goes to the owning socket untouched.  No allocation but the reply.
 */

#include <linux/udp.h>
#include <net/ip.h>

#include "../user/wire/ntp_wire.h"
#include "acl.h"
#include "auth.h"
#include "netns.h"
#include "nts.h"
#include "ratelimit.h"
#include "receive.h"
#include "send.h"
#include "timestamp.h"
#include "xleave.h"

static const enum ntpsec_counter parse_drop_counter[NTP_PARSE_RESULTS] = {
	[NTP_PARSE_TOO_SHORT] = NTPSEC_CTR_DROP_TOO_SHORT,
	[NTP_PARSE_TOO_LONG] = NTPSEC_CTR_DROP_MALFORMED,
	[NTP_PARSE_BAD_VERSION] = NTPSEC_CTR_DROP_BAD_VERSION,
	[NTP_PARSE_BAD_EF] = NTPSEC_CTR_DROP_BAD_EF,
	[NTP_PARSE_TOO_MANY_EFS] = NTPSEC_CTR_DROP_TOO_MANY_EFS,
	[NTP_PARSE_BAD_TRAILER] = NTPSEC_CTR_DROP_BAD_TRAILER,
};

static const enum ntpsec_counter ts_source_counter[] = {
	[NTPSEC_TS_SOURCE_HW] = NTPSEC_CTR_TS_HW,
	[NTPSEC_TS_SOURCE_SW] = NTPSEC_CTR_TS_SW,
	[NTPSEC_TS_SOURCE_HOOK] = NTPSEC_CTR_TS_HOOK,
};

/* What a reply needs to know about its request. */
struct ntpsec_request {
	struct ntp_packet pkt;
	unsigned int len;		/* of the NTP payload */
	ktime_t rx_time;
	enum ntpsec_ts_source ts_source;
	const struct ntpsec_nts_keys *nts;	/* an NTS request: the keys */
};

/* The kinds of reply the fast path sends. */
enum ntpsec_reply_kind {
	NTPSEC_REPLY_TIME,		/* the time, MACed if @key */
	NTPSEC_REPLY_CRYPTO_NAK,	/* header and a zero key id */
	NTPSEC_REPLY_KOD_RATE,		/* kiss-o'-death RATE */
};

static u64 ktime_to_ntp(ktime_t t)
{
	struct timespec64 ts = ktime_to_timespec64(t);

	return ntp_ts_from_unix(ts.tv_sec, ts.tv_nsec);
}

static const struct ntp_server_state *server_state(struct ntpsec_net *nn)
{
	const struct ntpsec_state *st = rcu_dereference(nn->state);

	return st ? &st->wire : NULL;
}

static unsigned int reply_len(enum ntpsec_reply_kind kind,
			      const struct ntpsec_key *key)
{
	if (kind == NTPSEC_REPLY_CRYPTO_NAK)
		return NTP_HEADER_LEN + NTP_KEYID_LEN;
	if (kind == NTPSEC_REPLY_TIME && key)
		return NTP_HEADER_LEN + ntpsec_mac_len(key);
	return NTP_HEADER_LEN;
}

static void answer(struct ntpsec_net *nn, struct sock *sk,
		   struct sk_buff *skb, const struct ntpsec_request *req,
		   enum ntpsec_reply_kind kind, const struct ntpsec_key *key)
{
	unsigned int len = reply_len(kind, key);
	struct ntp_header hdr;
	struct ntpsec_xmit x;
	bool interleaved, stamp = false;
	ktime_t tx_time;

	/* Never an amplifier: by construction, and checked. */
	if (len > req->len || ntpsec_xmit_prepare(sk, skb, len, &x)) {
		ntpsec_count(nn, NTPSEC_CTR_DROP_TX_ERROR);
		return;
	}
	if (kind == NTPSEC_REPLY_KOD_RATE) {
		ntp_kod_reply(&req->pkt.hdr, NTP_KISS_RATE, &hdr);
		ntp_write_header(x.payload, &hdr);
		ntpsec_xmit_send(sk, &x);
		ntpsec_count(nn, NTPSEC_CTR_ANSWERED);
		ntpsec_count(nn, NTPSEC_CTR_KOD_RATE);
		return;
	}
	ntp_server_reply(&req->pkt.hdr, server_state(nn),
			 ktime_to_ntp(req->rx_time), &hdr);
	interleaved = kind == NTPSEC_REPLY_TIME &&
		      ntpsec_xleave_reply(nn, &req->pkt.hdr, &hdr, &stamp);

	/* The transmit timestamp is the last thing written but the MAC. */
	tx_time = ktime_get_real();
	if (!interleaved)
		hdr.transmit = ktime_to_ntp(tx_time);
	ntp_write_header(x.payload, &hdr);
	if (kind == NTPSEC_REPLY_CRYPTO_NAK)
		ntp_put_be32(x.payload + NTP_HEADER_LEN, 0);
	else if (key)
		ntpsec_mac_sign(key, x.payload, NTP_HEADER_LEN);
	if (kind == NTPSEC_REPLY_TIME)
		ntpsec_xleave_track(nn, &x, hdr.receive, stamp);
	ntpsec_xmit_send(sk, &x);

	ntpsec_count(nn, NTPSEC_CTR_ANSWERED);
	ntpsec_count(nn, ts_source_counter[req->ts_source]);
	ntpsec_count_latency(nn->stats,
			     ktime_to_ns(ktime_sub(tx_time, req->rx_time)));
}

/*
 * An NTS request whose cookie and authenticator verified (@s), or did not
 * (@nak): the reply is written into a buffer as long as the request, then
 * cut to what nts_wire.c wrote, so it can never be longer.  The transmit
 * timestamp precedes the sealing, as the authenticator covers it.
 */
static void answer_nts(struct ntpsec_net *nn, struct sock *sk,
		       struct sk_buff *skb, const struct ntpsec_request *req,
		       const u8 *data, struct nts_server_req *s, bool nak)
{
	struct ntp_header hdr;
	struct ntpsec_xmit x;
	bool interleaved, stamp = false;
	ktime_t tx_time = 0;
	size_t len;

	if (ntpsec_xmit_prepare(sk, skb, req->len, &x)) {
		ntpsec_count(nn, NTPSEC_CTR_DROP_TX_ERROR);
		return;
	}
	if (nak) {
		ntp_kod_reply(&req->pkt.hdr, NTS_KISS_NTSN, &hdr);
		ntp_write_header(x.payload, &hdr);
		len = nts_server_nak(data, s, x.payload, req->len);
	} else {
		ntp_server_reply(&req->pkt.hdr, server_state(nn),
				 ktime_to_ntp(req->rx_time), &hdr);
		interleaved = ntpsec_xleave_reply(nn, &req->pkt.hdr, &hdr,
						  &stamp);
		tx_time = ktime_get_real();
		if (!interleaved)
			hdr.transmit = ktime_to_ntp(tx_time);
		ntp_write_header(x.payload, &hdr);
		len = nts_server_seal(&ntpsec_nts_ops, &req->nts->mks, data, s,
				      x.payload, req->len);
	}
	if (!len || len > req->len) {
		ntpsec_xmit_abort(&x);
		ntpsec_count(nn, NTPSEC_CTR_DROP_NTS_ERROR);
		return;
	}
	skb_trim(x.skb, len);
	if (!nak)
		ntpsec_xleave_track(nn, &x, hdr.receive, stamp);
	ntpsec_xmit_send(sk, &x);
	ntpsec_count(nn, NTPSEC_CTR_ANSWERED);
	if (nak) {
		ntpsec_count(nn, NTPSEC_CTR_NTS_NAK);
		return;
	}
	ntpsec_count(nn, NTPSEC_CTR_NTS_OK);
	ntpsec_count(nn, ts_source_counter[req->ts_source]);
	ntpsec_count_latency(nn->stats,
			     ktime_to_ns(ktime_sub(tx_time, req->rx_time)));
}

/*
 * Verifies an NTS request and answers it.  Any plaintext the client put in
 * its authenticator is decrypted into @scratch and thrown away; a request
 * with more of it than that is the daemon's (returns false: pass it up).
 */
static bool serve_nts(struct ntpsec_net *nn, struct sock *sk,
		      struct sk_buff *skb, const struct ntpsec_request *req,
		      const u8 *data)
{
	struct nts_server_req s;
	u8 scratch[64];

	switch (nts_server_verify(&ntpsec_nts_ops, &req->nts->mks, data,
				  &req->pkt, &s, scratch, sizeof(scratch))) {
	case NTS_OK:
		answer_nts(nn, sk, skb, req, data, &s, false);
		break;
	case NTS_BAD_COOKIE:
	case NTS_BAD_AUTH:
		answer_nts(nn, sk, skb, req, data, &s, true);
		break;
	case NTS_MALFORMED:
		ntpsec_count(nn, NTPSEC_CTR_DROP_NTS_MALFORMED);
		break;
	case NTS_NO_ROOM:
		nts_server_done(&s);
		return false;
	default:
		ntpsec_count(nn, NTPSEC_CTR_DROP_NTS_ERROR);
		break;
	}
	nts_server_done(&s);
	return true;
}

/* Rate limit, then authentication: the cheap refusal first. */
static bool serve(struct ntpsec_net *nn, struct sock *sk, struct sk_buff *skb,
		  const struct ntpsec_request *req, const u8 *data)
{
	enum ntpsec_reply_kind kind = NTPSEC_REPLY_TIME;
	const struct ntpsec_key *key = NULL;

	switch (ntpsec_ratelimit_check(nn, skb)) {
	case NTPSEC_RL_PASS:
		break;
	case NTPSEC_RL_LEAK:
		ntpsec_count(nn, NTPSEC_CTR_RATELIMIT_LEAKED);
		break;
	case NTPSEC_RL_KOD:
		answer(nn, sk, skb, req, NTPSEC_REPLY_KOD_RATE, NULL);
		return true;
	case NTPSEC_RL_DROP:
		ntpsec_count(nn, NTPSEC_CTR_DROP_RATELIMIT);
		return true;
	}
	if (req->nts)
		return serve_nts(nn, sk, skb, req, data);

	if (req->pkt.mac_len > NTP_KEYID_LEN) {
		switch (ntpsec_mac_verify(nn, data, &req->pkt, &key)) {
		case NTPSEC_MAC_OK:
			ntpsec_count(nn, NTPSEC_CTR_MAC_OK);
			break;
		case NTPSEC_MAC_BAD:
			ntpsec_count(nn, NTPSEC_CTR_MAC_BAD);
			kind = NTPSEC_REPLY_CRYPTO_NAK;
			break;
		case NTPSEC_MAC_UNKNOWN_KEY:
			ntpsec_count(nn, NTPSEC_CTR_MAC_UNKNOWN_KEY);
			kind = NTPSEC_REPLY_CRYPTO_NAK;
			break;
		}
	}
	answer(nn, sk, skb, req, kind, key);
	return true;
}

int ntpsec_receive(struct ntpsec_net *nn, struct sock *sk,
		   struct sk_buff *skb)
{
	/*
	 * Read only when the stack did not stamp the packet (it always does
	 * while we hold sockets, net_enable_timestamp()): a clock read costs.
	 */
	ktime_t hook_time = skb->tstamp ? 0 : ktime_get_real();
	struct ntpsec_request req;
	enum ntp_parse_result res;
	const u8 *data;

	ntpsec_count(nn, NTPSEC_CTR_RX);

	if (!ntpsec_acl_allows(nn, skb)) {
		ntpsec_count(nn, NTPSEC_CTR_DROP_ACL);
		goto drop;
	}
	if (skb->len < sizeof(struct udphdr)) {
		ntpsec_count(nn, NTPSEC_CTR_DROP_MALFORMED);
		goto drop;
	}
	req.len = skb->len - sizeof(struct udphdr);
	/* Requests to broadcast or multicast addresses are the daemon's. */
	if (skb->pkt_type != PACKET_HOST || !pskb_may_pull(skb, skb->len))
		goto pass_up;

	data = skb->data + sizeof(struct udphdr);
	/*
	 * Control messages (mode 6: ntpq, ntpmon) have a 12-octet header,
	 * not NTP's 48: they are the daemon's, whatever their length.
	 */
	if (req.len && (data[0] & 7) == NTP_MODE_CONTROL)
		goto pass_up;
	res = ntp_parse(data, req.len, &req.pkt);
	if (res != NTP_PARSE_OK) {
		ntpsec_count(nn, parse_drop_counter[res]);
		goto drop;
	}
	if (req.pkt.hdr.mode == NTP_MODE_PRIVATE) {
		ntpsec_count(nn, NTPSEC_CTR_DROP_MODE7);
		goto drop;
	}
	if (!ntp_is_client_request(&req.pkt.hdr))
		goto pass_up;
	/*
	 * Extension fields: NTS ones are ours once the daemon pushed cookie
	 * keys; any others (and NTS without keys) are the daemon's.
	 */
	req.nts = NULL;
	if (req.pkt.n_ef) {
		req.nts = ntpsec_nts_keys(nn);
		if (!req.nts || !nts_is_nts(&req.pkt))
			goto pass_up;
	}

	req.rx_time = ntpsec_rx_timestamp(nn, skb, hook_time, &req.ts_source);
	if (!serve(nn, sk, skb, &req, data))
		goto pass_up;
	consume_skb(skb);
	return 0;

drop:
	kfree_skb(skb);
	return 0;

pass_up:
	ntpsec_count(nn, NTPSEC_CTR_PASSED_UP);
	return 1;
}
