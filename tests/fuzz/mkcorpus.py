#!/usr/bin/python3
"""Writes the seed corpus: real queries as dnspython builds them.

corpus/msg/   one DNS message per file (libFuzzer: fuzz_answer)
corpus/pipe/  DNS-over-TCP framing, 2-byte length then message, one or
              more per file (AFL++: failoverdns's pipe mode on stdin)
corpus/redirect/  redirect files (-r) as failoverdns-health writes them,
              and ones failoverdns must ignore (fuzz_redirect, both fuzzers)

Run from anywhere: /usr/bin/python3 tests/fuzz/mkcorpus.py
(needs python3-dnspython).  The output is committed; rerun only to change it.
"""

import os
import struct

import dns.edns
import dns.flags
import dns.message
import dns.opcode
import dns.rdataclass
import dns.rdatatype

HERE = os.path.dirname(os.path.abspath(__file__))
ZONE = "www.example.com."


def q(name, rdtype, **kw):
    m = dns.message.make_query(name, rdtype, **kw)
    m.id = 0x1234
    return m


def seeds():
    for t in ("A", "AAAA", "NS", "SOA", "ANY", "MX", "TXT", "AXFR", "CAA"):
        yield "plain-" + t.lower(), q(ZONE, t).to_wire()
    yield "edns-a", q(ZONE, "A", use_edns=0, payload=1232).to_wire()
    yield "edns-any-do", q(ZONE, "ANY", use_edns=0, payload=4096,
                           want_dnssec=True).to_wire()
    yield "edns-ns-small", q(ZONE, "NS", use_edns=0, payload=512).to_wire()
    yield "edns-soa-cookie", q(ZONE, "SOA", use_edns=0, payload=1232,
                               options=[dns.edns.GenericOption(
                                   10, bytes(range(8)))]).to_wire()
    yield "edns-aaaa-nsid-ecs", q(ZONE, "AAAA", use_edns=0, options=[
        dns.edns.GenericOption(3, b""),
        dns.edns.ECSOption("198.51.100.0", 24)]).to_wire()
    yield "edns-badvers", q(ZONE, "A", use_edns=1).to_wire()
    yield "nxdomain", q("nope." + ZONE, "A").to_wire()
    yield "nxdomain-edns", q("a.b.c." + ZONE, "TXT", use_edns=0).to_wire()
    yield "refused-outside", q("example.org.", "A").to_wire()
    yield "refused-parent", q("example.com.", "NS").to_wire()
    yield "mixed-case", q("WwW.ExAmPlE.CoM.", "A").to_wire()
    yield "class-ch", q(ZONE, "TXT", rdclass="CH").to_wire()
    m = q(ZONE, "A")
    m.set_opcode(dns.opcode.NOTIFY)
    yield "opcode-notify", m.to_wire()
    m = q(ZONE, "A")
    m.flags |= dns.flags.QR
    yield "response", m.to_wire()
    m = q(ZONE, "A")
    m.flags |= dns.flags.CD | dns.flags.AD
    yield "cd-ad", m.to_wire()


def main():
    msgdir = os.path.join(HERE, "corpus", "msg")
    pipedir = os.path.join(HERE, "corpus", "pipe")
    os.makedirs(msgdir, exist_ok=True)
    os.makedirs(pipedir, exist_ok=True)
    all_ = list(seeds())
    for name, wire in all_:
        with open(os.path.join(msgdir, name), "wb") as f:
            f.write(wire)
        with open(os.path.join(pipedir, name), "wb") as f:
            f.write(struct.pack(">H", len(wire)) + wire)
    # Several queries on one stream, as a TCP client would pipeline them.
    with open(os.path.join(pipedir, "stream-3"), "wb") as f:
        for name, wire in all_[:3]:
            f.write(struct.pack(">H", len(wire)) + wire)
    # A malformed one: trailing byte, and a short length that closes.
    wire = q(ZONE, "A").to_wire() + b"\0"
    with open(os.path.join(msgdir, "trailing"), "wb") as f:
        f.write(wire)
    with open(os.path.join(pipedir, "short-length"), "wb") as f:
        f.write(b"\x00\x05hello")
    redirdir = os.path.join(HERE, "corpus", "redirect")
    os.makedirs(redirdir, exist_ok=True)
    for name, text in redirects():
        with open(os.path.join(redirdir, name), "wb") as f:
            f.write(text.encode())


def redirects():
    v4 = ["203.0.113.%d" % i for i in range(1, 18)]
    v6 = ["2001:db8::%x" % i for i in range(1, 18)]
    yield "v4", "203.0.113.9\n"
    yield "v6", "2001:db8::9\n"
    yield "both", "203.0.113.9\n2001:db8::9\n"
    yield "blanks", " 203.0.113.9\t198.51.100.7 \r\n\n2001:db8::9 "
    yield "max", "\n".join(v4[:16] + v6[:16]) + "\n"
    yield "over-v4", "\n".join(v4) + "\n"
    yield "over-v6", "\n".join(v6) + "\n"
    yield "duplicate", "203.0.113.9 203.0.113.9\n"
    yield "mapped", "::ffff:203.0.113.9\n"
    yield "embedded-v4", "::203.0.113.9 64:ff9b::203.0.113.9\n"
    yield "word", "203.0.113.9 primary\n"
    yield "comment", "# standby\n203.0.113.9\n"
    yield "empty", ""
    yield "only-blanks", " \n\t\n"
    yield "4096", "203.0.113.9" + " " * (4096 - 11)
    yield "4097", "203.0.113.9" + " " * (4097 - 11)
    yield "nul", "203.0.113.9\0\n"


if __name__ == "__main__":
    main()
