// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ntp_wire.c - NTP packet parser and header writer, shared by the module
 * and userspace.  No libc, no allocation, bounded work per packet.
 */

#include "ntp_wire.h"

static void parse_header(const uint8_t *buf, struct ntp_header *hdr)
{
	hdr->leap = buf[0] >> 6;
	hdr->version = (buf[0] >> 3) & 7;
	hdr->mode = buf[0] & 7;
	hdr->stratum = buf[1];
	hdr->poll = (int8_t)buf[2];
	hdr->precision = (int8_t)buf[3];
	hdr->root_delay = ntp_get_be32(buf + 4);
	hdr->root_dispersion = ntp_get_be32(buf + 8);
	hdr->refid = ntp_get_be32(buf + 12);
	hdr->reference = ntp_get_be64(buf + 16);
	hdr->origin = ntp_get_be64(buf + 24);
	hdr->receive = ntp_get_be64(buf + 32);
	hdr->transmit = ntp_get_be64(buf + 40);
}

static bool is_mac_len(size_t len)
{
	return len == NTP_KEYID_LEN ||
	       len == NTP_KEYID_LEN + NTP_DIGEST_MD5_LEN ||
	       len == NTP_KEYID_LEN + NTP_DIGEST_SHA1_LEN;
}

/*
 * After the header come extension fields (NTPv4 only) and then at most one
 * MAC.  RFC 7822 settles the ambiguity: a trailer of a MAC's length is a
 * MAC, because the last extension field of a packet without a MAC must be
 * longer than any MAC.
 */
enum ntp_parse_result ntp_parse(const uint8_t *buf, size_t len,
				struct ntp_packet *pkt)
{
	size_t off = NTP_HEADER_LEN;

	if (len < NTP_HEADER_LEN)
		return NTP_PARSE_TOO_SHORT;
	/* Extension field offsets are 16 bits. */
	if (len > NTP_MAX_PACKET_LEN)
		return NTP_PARSE_TOO_LONG;

	parse_header(buf, &pkt->hdr);
	pkt->n_ef = 0;
	pkt->mac_offset = 0;
	pkt->mac_len = 0;
	pkt->key_id = 0;

	if (pkt->hdr.version < NTP_VERSION_MIN ||
	    pkt->hdr.version > NTP_VERSION)
		return NTP_PARSE_BAD_VERSION;

	while (off < len) {
		size_t rest = len - off;
		uint16_t ef_len;

		if (is_mac_len(rest)) {
			pkt->mac_offset = (unsigned int)off;
			pkt->mac_len = (unsigned int)rest;
			pkt->key_id = ntp_get_be32(buf + off);
			return NTP_PARSE_OK;
		}
		if (pkt->hdr.version < 4 || rest < NTP_EF_MIN_LEN)
			return NTP_PARSE_BAD_TRAILER;

		ef_len = ntp_get_be16(buf + off + 2);
		if (ef_len < NTP_EF_MIN_LEN || ef_len % 4 || ef_len > rest)
			return NTP_PARSE_BAD_EF;
		if (pkt->n_ef == NTP_MAX_EFS)
			return NTP_PARSE_TOO_MANY_EFS;

		pkt->ef[pkt->n_ef].type = ntp_get_be16(buf + off);
		pkt->ef[pkt->n_ef].len = ef_len;
		pkt->ef[pkt->n_ef].offset = (uint16_t)off;
		pkt->n_ef++;
		off += ef_len;
	}
	return NTP_PARSE_OK;
}

bool ntp_is_client_request(const struct ntp_header *hdr)
{
	return hdr->mode == NTP_MODE_CLIENT ||
	       (hdr->version == 1 && hdr->mode == NTP_MODE_RESERVED);
}

static void reply_common(const struct ntp_header *req, struct ntp_header *reply)
{
	*reply = (struct ntp_header){
		.version = req->version,
		.mode = NTP_MODE_SERVER,
		.poll = req->poll,
		.origin = req->transmit,
	};
}

void ntp_server_reply(const struct ntp_header *req,
		      const struct ntp_server_state *st, uint64_t receive,
		      struct ntp_header *reply)
{
	reply_common(req, reply);
	reply->receive = receive;
	if (!st || st->leap == NTP_LEAP_UNSYNCHRONIZED) {
		/* Stratum 0 on the wire: unsynchronized, ntpd's 16. */
		reply->leap = NTP_LEAP_UNSYNCHRONIZED;
		reply->precision = st ? st->precision : NTP_DEFAULT_PRECISION;
		return;
	}
	reply->leap = st->leap;
	reply->stratum = st->stratum;
	reply->precision = st->precision;
	reply->root_delay = st->root_delay;
	reply->root_dispersion = st->root_dispersion;
	reply->refid = st->refid;
	reply->reference = st->reftime;
}

void ntp_kod_reply(const struct ntp_header *req, uint32_t kiss,
		   struct ntp_header *reply)
{
	reply_common(req, reply);
	reply->leap = NTP_LEAP_UNSYNCHRONIZED;
	reply->precision = NTP_DEFAULT_PRECISION;
	reply->refid = kiss;
	reply->reference = req->transmit;
	reply->receive = req->transmit;
	reply->transmit = req->transmit;
}

void ntp_write_header(uint8_t *buf, const struct ntp_header *hdr)
{
	buf[0] = (uint8_t)((hdr->leap & 3) << 6 | (hdr->version & 7) << 3 |
			   (hdr->mode & 7));
	buf[1] = hdr->stratum;
	buf[2] = (uint8_t)hdr->poll;
	buf[3] = (uint8_t)hdr->precision;
	ntp_put_be32(buf + 4, hdr->root_delay);
	ntp_put_be32(buf + 8, hdr->root_dispersion);
	ntp_put_be32(buf + 12, hdr->refid);
	ntp_put_be64(buf + 16, hdr->reference);
	ntp_put_be64(buf + 24, hdr->origin);
	ntp_put_be64(buf + 32, hdr->receive);
	ntp_put_be64(buf + 40, hdr->transmit);
}

const char *ntp_parse_result_name(enum ntp_parse_result res)
{
	switch (res) {
	case NTP_PARSE_OK:
		return "ok";
	case NTP_PARSE_TOO_SHORT:
		return "too short";
	case NTP_PARSE_TOO_LONG:
		return "too long";
	case NTP_PARSE_BAD_VERSION:
		return "bad version";
	case NTP_PARSE_BAD_EF:
		return "bad extension field";
	case NTP_PARSE_TOO_MANY_EFS:
		return "too many extension fields";
	case NTP_PARSE_BAD_TRAILER:
		return "bad trailer";
	case NTP_PARSE_RESULTS:
		break;
	}
	return "unknown";
}
