#!/usr/bin/env python3
"""Encode UnifiedID's anonymous extended operations (dirsrv/anon.c) for
ldapexop:  uidext.py apply uid=zhangsan sn=张 ...   ->  OID::base64
           uidext.py reset-request IDENTIFIER
           uidext.py reset-confirm IDENTIFIER CODE NEWPASSWORD
           uidext.py recover IDNUMBER MOBILE
           uidext.py appeal NAME IDTYPE IDNUMBER MOBILE SCANFILE... [--note T]
"""
import base64
import sys

ARC = "2.25.78097645300808997913674460929957841451.3."


def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        head = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + head + body


def octets(s):
    return tlv(0x04, s.encode("utf-8"))


def seq(*parts):
    return tlv(0x30, b"".join(parts))


def main(argv):
    op = argv[1]
    if op == "apply":
        attrs = []
        for kv in argv[2:]:
            k, v = kv.split("=", 1)
            attrs.append(seq(octets(k), tlv(0x31, octets(v))))
        oid, value = ARC + "1", seq(*attrs)
    elif op == "reset-request":
        oid, value = ARC + "2", seq(octets(argv[2]))
    elif op == "reset-confirm":
        oid, value = ARC + "3", seq(*(octets(a) for a in argv[2:5]))
    elif op == "recover":
        oid, value = ARC + "4", seq(*(octets(a) for a in argv[2:4]))
    elif op == "appeal":
        args, note = argv[2:], None
        if "--note" in args:
            i = args.index("--note")
            note, args = args[i + 1], args[:i] + args[i + 2:]
        scans = [tlv(0x04, open(f, "rb").read()) for f in args[4:]]
        parts = [octets(a) for a in args[:4]] + [seq(*scans)]
        if note is not None:
            parts.append(octets(note))
        oid, value = ARC + "5", seq(*parts)
    elif op == "raw":          # raw OID and hex bytes, for bad input tests
        oid, value = ARC + argv[2], bytes.fromhex(argv[3])
    else:
        sys.exit("unknown operation " + op)
    print(oid + "::" + base64.b64encode(value).decode())


main(sys.argv)
