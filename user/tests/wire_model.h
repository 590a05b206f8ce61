/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wire_model.h - the NTP packet rules restated independently of
 * user/wire/ntp_wire.c, and a checker that what ntp_parse() reports agrees
 * with the octets.  Shared by the unit test and the fuzz target.
 */
#ifndef NTPSEC_WIRE_MODEL_H
#define NTPSEC_WIRE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../wire/ntp_wire.h"

/* Byte order written out here, independent of the helpers under test. */
static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] * 256U + p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return ((uint32_t)rd16(p) << 16) + rd16(p + 2);
}

static uint64_t rd64(const uint8_t *p)
{
	return ((uint64_t)rd32(p) << 32) + rd32(p + 4);
}

static bool is_mac_len(size_t len)
{
	return len == 4 || len == 20 || len == 24;
}

/* RFC 5905 and RFC 7822 restated, to compare verdicts with. */
static enum ntp_parse_result model_parse(const uint8_t *buf, size_t len)
{
	unsigned int version, n_ef = 0;
	size_t off = NTP_HEADER_LEN;

	if (len < NTP_HEADER_LEN)
		return NTP_PARSE_TOO_SHORT;
	if (len > NTP_MAX_PACKET_LEN)
		return NTP_PARSE_TOO_LONG;
	version = (buf[0] >> 3) & 7;
	if (version == 0 || version > 4)
		return NTP_PARSE_BAD_VERSION;
	for (;;) {
		size_t rest = len - off;
		size_t ef_len;

		if (rest == 0 || is_mac_len(rest))
			return NTP_PARSE_OK;
		if (version != 4 || rest < 16)
			return NTP_PARSE_BAD_TRAILER;
		ef_len = rd16(buf + off + 2);
		if (ef_len < 16 || ef_len % 4 != 0 || ef_len > rest)
			return NTP_PARSE_BAD_EF;
		if (++n_ef > NTP_MAX_EFS)
			return NTP_PARSE_TOO_MANY_EFS;
		off += ef_len;
	}
}

static bool header_matches(const uint8_t *buf, const struct ntp_header *h)
{
	return h->leap == buf[0] >> 6 && h->version == ((buf[0] >> 3) & 7) &&
	       h->mode == (buf[0] & 7) && h->stratum == buf[1] &&
	       (uint8_t)h->poll == buf[2] && (uint8_t)h->precision == buf[3] &&
	       h->root_delay == rd32(buf + 4) &&
	       h->root_dispersion == rd32(buf + 8) &&
	       h->refid == rd32(buf + 12) && h->reference == rd64(buf + 16) &&
	       h->origin == rd64(buf + 24) && h->receive == rd64(buf + 32) &&
	       h->transmit == rd64(buf + 40);
}

/* NULL when what ntp_parse() said about buf agrees with buf. */
static const char *inconsistency(const uint8_t *buf, size_t len,
				 enum ntp_parse_result res,
				 const struct ntp_packet *pkt)
{
	size_t off = NTP_HEADER_LEN;
	unsigned int version, i;

	if ((unsigned int)res >= NTP_PARSE_RESULTS)
		return "result out of range";
	if (res != model_parse(buf, len))
		return "verdict differs from the rules";
	if (res != NTP_PARSE_OK)
		return NULL;
	version = (buf[0] >> 3) & 7;
	if (!header_matches(buf, &pkt->hdr))
		return "header fields differ from the octets";
	if (pkt->n_ef > NTP_MAX_EFS)
		return "more EFs than NTP_MAX_EFS";
	if (version < 4 && pkt->n_ef)
		return "EFs in a packet before NTPv4";
	for (i = 0; i < pkt->n_ef; i++) {
		const struct ntp_ef *ef = &pkt->ef[i];

		if (ef->offset != off)
			return "EFs not contiguous from offset 48";
		if (ef->len < NTP_EF_MIN_LEN || ef->len % 4)
			return "EF length short or unaligned";
		if (ef->len > len - off)
			return "EF overruns the packet";
		if (ef->type != rd16(buf + off) ||
		    ef->len != rd16(buf + off + 2))
			return "EF type or length differs from the octets";
		off += ef->len;
	}
	if (pkt->mac_len == 0)
		return off == len ? NULL : "octets after the last EF ignored";
	if (!is_mac_len(pkt->mac_len))
		return "MAC of an impossible length";
	if (pkt->mac_offset != off)
		return "MAC does not follow the last EF";
	if ((size_t)pkt->mac_offset + pkt->mac_len != len)
		return "MAC does not end the packet";
	if (pkt->key_id != rd32(buf + off))
		return "key id differs from the octets";
	if (ntp_is_crypto_nak(pkt) && pkt->mac_len != NTP_KEYID_LEN)
		return "crypto-NAK with a digest";
	return NULL;
}

#endif
