#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the seed corpora of the fuzz targets, small and real-looking:
  wire:      NTP packets of every shape the parser knows (RFC 5905 header,
             RFC 7822 extension fields, MACs, the RFC 8915 NTS fields, a
             crypto-NAK) and a few it must refuse;
  mac:       requests with correct MACs by fuzz_mac.c's fixed keys;
  keys:      ntp.keys files; addr: prefixes and socket addresses;
  ctl_reply: the module's netlink replies as ntpsecctl receives them.
(config's seeds are ntp.conf files kept as they are.)  Deterministic, so the
committed files are exactly what this script writes.

    fuzz/make_seeds.py [TARGET [OUTDIR]]  (default: all, fuzz/corpus/TARGET)
"""

import hashlib
import os
import struct
import sys

from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import algorithms

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


def wire_seeds():
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


# fuzz_mac.c's ring: MD5 key 1, SHA1 key 2, AES-128-CMAC key 3.
MAC_KEYS = {
    1: ("md5", b"md5-test"),
    2: ("sha1", b"sha1-test-secret-20c"),
    3: ("cmac", bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")),
}


def signed(packet, key_id):
    alg, secret = MAC_KEYS[key_id]
    if alg == "cmac":
        c = cmac.CMAC(algorithms.AES(secret))
        c.update(packet)
        digest = c.finalize()
    else:
        digest = hashlib.new(alg, secret + packet).digest()
    return packet + struct.pack("!I", key_id) + digest


def mac_seeds():
    return {
        "md5_ok": signed(header(), 1),
        "sha1_ok": signed(header(version=3), 2),
        "cmac_ok": signed(header(), 3),
        "ef_then_sha1": signed(header() + ef(NTS_UNIQUE_ID, bytes(28)), 2),
        "unknown_key": header() + mac(9, 16),
        "md5_bad": header() + mac(1, 16),
    }


def keys_seeds():
    return {
        "ntp.keys": b"# ntpkeygen's format\n"
                    b"1 MD5 L\"&ehs!~F,%5:u*H:2g\n"
                    b"2 SHA1 0a9fd8c8b0c1b2f4e1d6e8c2b1a7f4e3d2c1b0a9  # hex\n"
                    b"3 AES-128-CMAC 2b7e151628aed2a6abf7158809cf4f3c\n"
                    b"65535 M short\n",
        "bad_type": b"1 SHA256 secret\n",
        "bad_hex": b"4 SHA1 0a9fd8c8b0c1b2f4e1d6e8c2b1a7f4e3d2c1b0zz\n",
    }


def addr_seeds():
    return {
        "v4_prefix": b"192.0.2.0/24",
        "v6_prefix": b"2001:db8::/32",
        "v4_host": b"198.51.100.7",
        "v4_port": b"192.0.2.1:123",
        "v6_port": b"[2001:db8::1]:10123",
        "v6_bare": b"fe80::1",
        "host_bits": b"10.1.2.3/8",
    }


NLMSG_HDRLEN = 16
NLA_F_NESTED = 0x8000
# enum ntpsec_genl_cmd and the attribute enum of include/uapi/linux/ntpsec.h
CMD = {"GET_STATUS": 1, "GET_STATS": 5, "GET_ACL": 13,
       "GET_RATELIMIT": 15, "GET_KEYS": 18}
A = {name: i for i, name in enumerate(
    "UNSPEC STATUS_MODULE_VERSION STATUS_PROTO_VERSION STATUS_SOCKETS "
    "STATUS_FLAGS SOCKET_FD STATE_LEAP STATE_STRATUM STATE_PRECISION "
    "STATE_ROOT_DELAY STATE_ROOT_DISPERSION STATE_REFID STATE_REFTIME "
    "STATS_COUNTERS STATS_LATENCY PHC_IFINDEX PHC_TIME_NS PHC_UTC_NS "
    "PHC_FREQ PAD ACL_ADDR ACL_PREFIX_LEN ACL_ACTION ACL_RULES ACL_RULE "
    "RL_FLAGS RL_INTERVAL RL_BURST RL_LEAK RL_TABLE_SIZE KEY_ID KEY_TYPE "
    "KEY_SECRET KEYS KEY".split())}


def nla(atype, data, nested=False):
    hdr = struct.pack("=HH", 4 + len(data), atype | (NLA_F_NESTED if nested else 0))
    return hdr + data + b"\0" * (-len(data) % 4)


def genl_msg(cmd, attrs, nl_type=0x20):
    payload = struct.pack("=BBH", cmd, 1, 0) + attrs
    return struct.pack("=IHHII", NLMSG_HDRLEN + len(payload), nl_type,
                       0, 1, 0) + payload


def u32(v):
    return struct.pack("=I", v)


def u64s(values):
    return b"".join(nla(i + 1, struct.pack("=Q", v)) for i, v in enumerate(values))


def acl_rule(addr, plen, action):
    return nla(A["ACL_RULE"], nla(A["ACL_ADDR"], addr) +
               nla(A["ACL_PREFIX_LEN"], bytes([plen])) +
               nla(A["ACL_ACTION"], bytes([action])), nested=True)


def ctl_reply_seeds():
    status = (nla(A["STATUS_MODULE_VERSION"], b"0.1.0\0") +
              nla(A["STATUS_PROTO_VERSION"], u32(1)) +
              nla(A["STATUS_SOCKETS"], u32(2)) + nla(A["STATUS_FLAGS"], u32(1)))
    stats = (nla(A["STATS_COUNTERS"], u64s(range(100, 122)), nested=True) +
             nla(A["STATS_LATENCY"], u64s([0] * 10 + [5, 900, 40]), nested=True))
    acl = (nla(A["ACL_ACTION"], b"\0") +
           nla(A["ACL_RULES"], acl_rule(bytes([192, 0, 2, 0]), 24, 1) +
               acl_rule(bytes.fromhex("20010db8" + "00" * 12), 32, 0),
               nested=True))
    rl = (nla(A["RL_FLAGS"], u32(3)) + nla(A["RL_INTERVAL"], b"\x03") +
          nla(A["RL_BURST"], u32(8)) + nla(A["RL_LEAK"], b"\x02") +
          nla(A["RL_TABLE_SIZE"], u32(16384)))
    key = nla(A["KEY_ID"], u32(42)) + nla(A["KEY_TYPE"], b"\x03")
    return {
        "status": genl_msg(CMD["GET_STATUS"], status),
        "stats": genl_msg(CMD["GET_STATS"], stats),
        "acl": genl_msg(CMD["GET_ACL"], acl),
        "ratelimit": genl_msg(CMD["GET_RATELIMIT"], rl),
        "key": genl_msg(CMD["GET_KEYS"], key),
    }


SEEDS = {
    "wire": (wire_seeds, ".bin"),
    "mac": (mac_seeds, ".bin"),
    "keys": (keys_seeds, ""),
    "addr": (addr_seeds, ".txt"),
    "ctl_reply": (ctl_reply_seeds, ".bin"),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    targets = sys.argv[1:2] or sorted(SEEDS)
    for target in targets:
        outdir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
            here, "corpus", target)
        make, suffix = SEEDS[target]
        os.makedirs(outdir, exist_ok=True)
        for name, data in sorted(make().items()):
            with open(os.path.join(outdir, name + suffix), "wb") as f:
                f.write(data)
            print(f"{target}/{name}{suffix}: {len(data)} octets")


if __name__ == "__main__":
    main()
