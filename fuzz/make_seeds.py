#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the seed corpus of fuzz_wire: small NTP packets of every shape the
parser knows (RFC 5905 header, RFC 7822 extension fields, MACs, the RFC 8915
NTS fields, a crypto-NAK) and a few it must refuse.  Deterministic, so the
committed files are exactly what this script writes.

    fuzz/make_seeds.py [OUTDIR]     (default: fuzz/corpus/wire)
"""

import os
import struct
import sys

NTS_UNIQUE_ID = 0x0104
NTS_COOKIE = 0x0204
NTS_COOKIE_PLACEHOLDER = 0x0304
NTS_AUTHENTICATOR = 0x0404

MODE_CLIENT = 3
MODE_SERVER = 4


def header(version=4, mode=MODE_CLIENT, leap=0, stratum=0, poll=6,
           precision=-20, root_delay=0, root_disp=0, refid=0,
           ref=0, org=0, rec=0, xmt=0xe9a1b2c3d4e5f607):
    """The 48-octet header, big-endian as on the wire."""
    first = (leap & 3) << 6 | (version & 7) << 3 | (mode & 7)
    return struct.pack("!BBbbIII4Q", first, stratum, poll, precision,
                       root_delay, root_disp, refid, ref, org, rec, xmt)


def ef(ftype, body):
    """An extension field, body padded to a 32-bit boundary."""
    body += b"\0" * (-len(body) % 4)
    return struct.pack("!HH", ftype, 4 + len(body)) + body


def mac(key_id, digest_len):
    return struct.pack("!I", key_id) + bytes((0xa5 + i) & 0xff
                                             for i in range(digest_len))


def nts_request(placeholders):
    """Unique id, cookie, placeholders, authenticator (RFC 8915 5.7)."""
    fields = ef(NTS_UNIQUE_ID, bytes(range(32)))
    fields += ef(NTS_COOKIE, bytes(0x40 + i for i in range(100)))
    for _ in range(placeholders):
        fields += ef(NTS_COOKIE_PLACEHOLDER, b"\0" * 100)
    # nonce length 16, ciphertext length 16, nonce, AES-SIV tag
    fields += ef(NTS_AUTHENTICATOR,
                 struct.pack("!HH", 16, 16) + bytes(range(16, 48)))
    return header() + fields


def seeds():
    server = header(mode=MODE_SERVER, stratum=2, precision=-25,
                    root_delay=0x00000a00, root_disp=0x00001400,
                    refid=0xc0000201, ref=0xe9a1b2c000000000,
                    org=0xe9a1b2c3d4e5f607, rec=0xe9a1b2c3d5000000,
                    xmt=0xe9a1b2c3d5001000)
    return {
        "v4_client": header(),
        "v4_server": server,
        "v3_client": header(version=3, poll=10, precision=-6),
        "v1_client": header(version=1),
        "v4_mac_md5": header() + mac(1, 16),
        "v4_mac_sha1": header() + mac(0x01020304, 20),
        "v3_mac_sha1": header(version=3) + mac(65535, 20),
        "v4_crypto_nak": server + mac(0, 0),
        "v4_nts_request": nts_request(placeholders=1),
        "v4_nts_eight_efs": nts_request(placeholders=5),
        "v4_nts_nine_efs": nts_request(placeholders=6),
        "v4_ef_then_mac": header() + ef(NTS_UNIQUE_ID, bytes(28)) +
                          mac(7, 20),
        "v4_bad_ef_length": header() + struct.pack("!HH", NTS_COOKIE, 18) +
                            bytes(28),
        "v4_trailing_junk": header() + bytes(7),
        "v5_client": header(version=5),
    }


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "wire")
    os.makedirs(outdir, exist_ok=True)
    for name, packet in sorted(seeds().items()):
        with open(os.path.join(outdir, name + ".bin"), "wb") as f:
            f.write(packet)
        print(f"{name}.bin: {len(packet)} octets")


if __name__ == "__main__":
    main()
