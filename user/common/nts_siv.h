/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nts_siv.h - AEAD_AES_SIV_CMAC_256 (RFC 5297) for the shared NTS code, on
 * OpenSSL 3's "AES-128-SIV" (AES-SIV with a 32-octet key: CMAC and CTR
 * each take half of it), and randomness from getrandom().
 */
#ifndef NTPSEC_NTS_SIV_H
#define NTPSEC_NTS_SIV_H

#include "../wire/nts_wire.h"

/* Fills @ops; -1 if OpenSSL has no AES-SIV (then @ops is unusable). */
int nts_siv_init(struct nts_aead_ops *ops);
void nts_siv_uninit(struct nts_aead_ops *ops);

#endif
