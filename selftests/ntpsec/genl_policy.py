#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""genl_policy.py - the module's netlink interface refuses bad input: raw
generic netlink messages, built by hand, that the tool would never send.
Prints KTAP; exit 0 when every check passed.  Numbers come from the uapi
header itself, so the test follows it.

  genl_policy.py UAPI_HEADER
"""

import errno
import os
import re
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
SOL_NETLINK, NETLINK_EXT_ACK = 270, 11


def uapi_enums(path):
    """name -> value for the enums of the uapi header."""
    text = open(path).read()
    values = {}
    for body in re.findall(r"enum \w+ \{(.*?)\};", text, re.S):
        n = 0
        for line in body.splitlines():
            m = re.match(r"\s*(\w+)\s*(=\s*([^,/]+?))?\s*,?\s*(/\*.*)?$",
                         line)
            if not m:
                continue
            if m.group(3):
                expr = m.group(3).replace("U", "")
                try:
                    n = eval(expr, {}, values)
                except Exception:
                    continue
            values[m.group(1)] = n
            n += 1
    return values


E = uapi_enums(sys.argv[1])


def attr(atype, data):
    pad = (4 - len(data) % 4) % 4
    return struct.pack("=HH", 4 + len(data), atype) + data + bytes(pad)


def u8(t, v):
    return attr(E[t] if isinstance(t, str) else t, struct.pack("=B", v & 0xff))


def s8(t, v):
    return attr(E[t], struct.pack("=b", v))


def u32(t, v):
    return attr(E[t] if isinstance(t, str) else t, struct.pack("=I", v))


def u64(t, v):
    return attr(E[t], struct.pack("=Q", v))


def s64(t, v):
    return attr(E[t], struct.pack("=q", v))


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 0
        fam = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                           attr(CTRL_ATTR_FAMILY_NAME, b"ntpsec\0"), ack=False)
        self.family = None
        for mtype, payload in fam:
            if mtype != GENL_ID_CTRL:
                continue
            off = 4
            while off + 4 <= len(payload):
                alen, atype = struct.unpack_from("=HH", payload, off)
                if atype == CTRL_ATTR_FAMILY_ID:
                    self.family = struct.unpack_from("=H", payload, off + 4)[0]
                off += (alen + 3) & ~3
        if self.family is None:
            sys.exit("genl_policy: no ntpsec family (is the module loaded?)")

    def request(self, family, cmd, attrs=b"", version=1, reserved=0,
                ack=True):
        self.seq += 1
        body = struct.pack("=BBH", cmd, version, reserved) + attrs
        hdr = struct.pack("=IHHII", 16 + len(body), family,
                          NLM_F_REQUEST | (NLM_F_ACK if ack else 0),
                          self.seq, 0)
        self.sock.send(hdr + body)
        msgs = []
        while True:
            data = self.sock.recv(65536)
            off = 0
            while off + 16 <= len(data):
                mlen, mtype, flags, seq, pid = struct.unpack_from("=IHHII",
                                                                  data, off)
                payload = data[off + 16:off + mlen]
                msgs.append((mtype, payload))
                self.flags = flags
                off += (mlen + 3) & ~3
                if mtype == NLMSG_ERROR or not ack and mtype != NLMSG_ERROR:
                    return msgs

    def call(self, cmd, attrs=b"", **kw):
        """The kernel's answer: (errno, extack message)."""
        for mtype, payload in self.request(self.family, E[cmd], attrs, **kw):
            if mtype == NLMSG_ERROR:
                err = -struct.unpack_from("=i", payload)[0]
                return err, extack_msg(self.flags, payload)
        return 0, ""


NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200


def extack_msg(flags, payload):
    # nlmsgerr: the error, the request (whole unless capped), then TLVs.
    if not flags & NLM_F_ACK_TLVS:
        return ""
    inner_len = struct.unpack_from("=I", payload, 4)[0]
    off = 4 + (16 if flags & NLM_F_CAPPED else (inner_len + 3) & ~3)
    while off + 4 <= len(payload):
        alen, atype = struct.unpack_from("=HH", payload, off)
        if alen < 4:
            break
        if atype == 1:  # NLMSGERR_ATTR_MSG
            return payload[off + 4:off + alen].rstrip(b"\0").decode()
        off += (alen + 3) & ~3
    return ""


results = []


def check(name, cond, detail=""):
    results.append(cond)
    print("%sok %d %s" % ("" if cond else "not ", len(results), name))
    if detail:
        print("# " + detail)


def refused(name, got, want=(errno.EINVAL, errno.ERANGE)):
    err, msg = got
    want = want if isinstance(want, tuple) else (want,)
    check(name, err in want, "errno %d (%s) %s" %
          (err, os.strerror(err) if err else "accepted", msg))


def good_state(**over):
    f = {"NTPSEC_A_STATE_LEAP": ("u8", 0), "NTPSEC_A_STATE_STRATUM": ("u8", 2),
         "NTPSEC_A_STATE_PRECISION": ("s8", -20),
         "NTPSEC_A_STATE_ROOT_DELAY": ("u32", 1),
         "NTPSEC_A_STATE_ROOT_DISPERSION": ("u32", 1),
         "NTPSEC_A_STATE_REFID": ("u32", 1),
         "NTPSEC_A_STATE_REFTIME": ("u64", 1)}
    f.update(over)
    out = b""
    for name, (kind, val) in f.items():
        if kind is None:
            continue
        out += {"u8": u8, "s8": s8, "u32": u32, "u64": u64}[kind](name, val)
    return out


def main():
    g = Genl()
    print("TAP version 13")
    refused("SET_STATE without attributes", g.call("NTPSEC_CMD_SET_STATE"))
    refused("SET_STATE missing one attribute",
            g.call("NTPSEC_CMD_SET_STATE",
                   good_state(NTPSEC_A_STATE_REFTIME=(None, 0))))
    refused("leap indicator 4", g.call("NTPSEC_CMD_SET_STATE",
            good_state(NTPSEC_A_STATE_LEAP=("u8", 4))))
    refused("stratum 16", g.call("NTPSEC_CMD_SET_STATE",
            good_state(NTPSEC_A_STATE_STRATUM=("u8", 16))))
    refused("synchronized with stratum 0", g.call("NTPSEC_CMD_SET_STATE",
            good_state(NTPSEC_A_STATE_STRATUM=("u8", 0))))
    refused("precision +1", g.call("NTPSEC_CMD_SET_STATE",
            good_state(NTPSEC_A_STATE_PRECISION=("s8", 1))))
    refused("leap as a 32-bit attribute (wrong length)",
            g.call("NTPSEC_CMD_SET_STATE",
                   good_state(NTPSEC_A_STATE_LEAP=("u32", 0))))
    refused("an unknown attribute type",
            g.call("NTPSEC_CMD_SET_STATE",
                   good_state() + u32(E["__NTPSEC_A_LAST"] + 3, 0)))
    refused("a reply-only attribute in a request",
            g.call("NTPSEC_CMD_SET_STATE",
                   good_state() + u32("NTPSEC_A_STATUS_SOCKETS", 0)))
    refused("a non-zero reserved header field",
            g.call("NTPSEC_CMD_SET_STATE", good_state(), reserved=1))
    refused("an unknown command", g.call("__NTPSEC_CMD_MAX"),
            (errno.EOPNOTSUPP,))

    status = g.call("NTPSEC_CMD_GET_STATUS")
    check("none of those changed the state (still unsynchronized)",
          status[0] == 0 and not synchronized(g))

    rl = (u8("NTPSEC_A_RL_LEAK", 0) + s8("NTPSEC_A_RL_INTERVAL", 0) +
          u32("NTPSEC_A_RL_BURST", 4) + u32("NTPSEC_A_RL_TABLE_SIZE", 1024))
    refused("rate limit flags with an unknown bit",
            g.call("NTPSEC_CMD_SET_RATELIMIT", rl + u32("NTPSEC_A_RL_FLAGS", 0x80)))
    refused("rate limit table of 2^21 entries",
            g.call("NTPSEC_CMD_SET_RATELIMIT",
                   rl.replace(u32("NTPSEC_A_RL_TABLE_SIZE", 1024),
                              u32("NTPSEC_A_RL_TABLE_SIZE", 1 << 21)) +
                   u32("NTPSEC_A_RL_FLAGS", 1)))
    refused("rate limit burst 0",
            g.call("NTPSEC_CMD_SET_RATELIMIT",
                   rl.replace(u32("NTPSEC_A_RL_BURST", 4),
                              u32("NTPSEC_A_RL_BURST", 0)) +
                   u32("NTPSEC_A_RL_FLAGS", 1)))
    refused("an ACL address of 5 octets",
            g.call("NTPSEC_CMD_ACL_ADD", attr(E["NTPSEC_A_ACL_ADDR"], bytes(5)) +
                   u8("NTPSEC_A_ACL_PREFIX_LEN", 8) + u8("NTPSEC_A_ACL_ACTION", 1)))
    refused("an IPv4 ACL prefix of 33 bits",
            g.call("NTPSEC_CMD_ACL_ADD", attr(E["NTPSEC_A_ACL_ADDR"], bytes(4)) +
                   u8("NTPSEC_A_ACL_PREFIX_LEN", 33) + u8("NTPSEC_A_ACL_ACTION", 1)))
    refused("ACL action 2",
            g.call("NTPSEC_CMD_ACL_ADD", attr(E["NTPSEC_A_ACL_ADDR"], bytes(4)) +
                   u8("NTPSEC_A_ACL_PREFIX_LEN", 0) + u8("NTPSEC_A_ACL_ACTION", 2)))
    key = u8("NTPSEC_A_KEY_TYPE", E["NTPSEC_KEY_MD5"])
    refused("key id 0", g.call("NTPSEC_CMD_SET_KEY", key + u32("NTPSEC_A_KEY_ID", 0) +
                               attr(E["NTPSEC_A_KEY_SECRET"], b"x")))
    refused("key id 70000", g.call("NTPSEC_CMD_SET_KEY", key + u32("NTPSEC_A_KEY_ID", 70000) +
                                   attr(E["NTPSEC_A_KEY_SECRET"], b"x")))
    refused("a 33-octet secret", g.call("NTPSEC_CMD_SET_KEY", key + u32("NTPSEC_A_KEY_ID", 5) +
                                        attr(E["NTPSEC_A_KEY_SECRET"], bytes(33))))
    refused("an empty secret", g.call("NTPSEC_CMD_SET_KEY", key + u32("NTPSEC_A_KEY_ID", 5) +
                                      attr(E["NTPSEC_A_KEY_SECRET"], b"")))
    refused("key type 9", g.call("NTPSEC_CMD_SET_KEY", u8("NTPSEC_A_KEY_TYPE", 9) +
                                 u32("NTPSEC_A_KEY_ID", 5) +
                                 attr(E["NTPSEC_A_KEY_SECRET"], b"x")))
    phc = (s64("NTPSEC_A_PHC_TIME_NS", 0) + s64("NTPSEC_A_PHC_UTC_NS", 0))
    refused("a PHC map for an interface that does not exist",
            g.call("NTPSEC_CMD_SET_PHC_MAP", phc + u32("NTPSEC_A_PHC_IFINDEX", 999) +
                   s64("NTPSEC_A_PHC_FREQ", 0)), (errno.ENODEV,))
    refused("a PHC map 5000 ppm off",
            g.call("NTPSEC_CMD_SET_PHC_MAP", phc + u32("NTPSEC_A_PHC_IFINDEX", 1) +
                   s64("NTPSEC_A_PHC_FREQ", 5000 * 4295)))

    fd_attr = lambda fd: u32("NTPSEC_A_SOCKET_FD", fd)
    with open("/dev/null") as f:
        refused("attaching a file that is not a socket",
                g.call("NTPSEC_CMD_ATTACH_SOCKET", fd_attr(f.fileno())),
                (errno.ENOTSOCK,))
    refused("attaching a closed descriptor",
            g.call("NTPSEC_CMD_ATTACH_SOCKET", fd_attr(999)), (errno.EBADF,))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    refused("attaching a TCP socket",
            g.call("NTPSEC_CMD_ATTACH_SOCKET", fd_attr(tcp.fileno())))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    refused("attaching an unbound UDP socket",
            g.call("NTPSEC_CMD_ATTACH_SOCKET", fd_attr(udp.fileno())))
    udp.bind(("127.0.0.1", 0))
    err = g.call("NTPSEC_CMD_ATTACH_SOCKET", fd_attr(udp.fileno()))
    check("attaching a bound UDP socket", err[0] == 0, str(err))
    refused("attaching it twice",
            g.call("NTPSEC_CMD_ATTACH_SOCKET", fd_attr(udp.fileno())),
            (errno.EBUSY,))
    err = g.call("NTPSEC_CMD_DETACH_SOCKET", fd_attr(udp.fileno()))
    check("detaching it", err[0] == 0, str(err))
    refused("detaching it twice",
            g.call("NTPSEC_CMD_DETACH_SOCKET", fd_attr(udp.fileno())),
            (errno.ENOENT,))

    # Without CAP_NET_ADMIN: every change refused, reading allowed.
    pid = os.fork()
    if pid == 0:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
        u = Genl()
        ok = (u.call("NTPSEC_CMD_SET_STATE", good_state())[0] == errno.EPERM and
              u.call("NTPSEC_CMD_RESET_STATS")[0] == errno.EPERM and
              u.call("NTPSEC_CMD_GET_STATUS")[0] == 0)
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    check("without CAP_NET_ADMIN: changes refused (EPERM), reads allowed",
          os.WEXITSTATUS(status) == 0)

    print("1..%d" % len(results))
    sys.exit(0 if all(results) else 1)


def synchronized(g):
    for mtype, payload in g.request(g.family, E["NTPSEC_CMD_GET_STATUS"]):
        off = 4
        while off + 4 <= len(payload):
            alen, atype = struct.unpack_from("=HH", payload, off)
            if alen < 4:
                break
            if atype == E["NTPSEC_A_STATUS_FLAGS"]:
                return struct.unpack_from("=I", payload, off + 4)[0] & 1
            off += (alen + 3) & ~3
    return False


if __name__ == "__main__":
    main()
