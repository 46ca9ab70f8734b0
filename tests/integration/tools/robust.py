#!/usr/bin/env python3
"""robust.py PORT BASE SCENARIO [ARG...]

Abuse scenarios for the robustness tests (t_robust_*.sh).  Each scenario
talks to the daemon on 127.0.0.1:PORT over raw sockets, prints what it saw
as "# ..." lines and exits 0 when the server behaved as expected, 1
otherwise.  Whether the daemon survived is checked by the caller.
"""
import os
import random
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ldapraw import (Conn, message, search_req, bind_req, add_req,  # noqa
                     delete_req, extended_req, control, unbind_req,
                     f_eq, f_sub, f_not, f_and, f_or, f_present, seq,
                     octets, integer, tlv, enum, boolean)

HOST = "127.0.0.1"
PROTOCOL_ERROR = 2
ADMINLIMIT = 11
UNAVAILABLE_CRITICAL = 12
INVALID_DN = 34


def say(*a):
    print("#", *a, flush=True)


def connect(timeout=10):
    return Conn(HOST, PORT, timeout=timeout)


def expect_closed(data, what, timeout=5):
    """Send data; the server must close the connection (it may answer
    first, e.g. with a Notice of Disconnection)."""
    c = connect()
    try:
        c.send(data)
    except OSError as e:
        say(what, ": send failed (already closed):", e)
        return True
    closed = c.closed_by_peer(timeout)
    c.close()
    say(what, ": connection closed by the server" if closed
        else ": connection still open after %ds" % timeout)
    return closed


def error_or_closed(data, codes, what, timeout=5):
    """Send one request: the answer must be a result with one of codes,
    or the server closes the connection (RFC 4511 4.1.1 allows both for a
    malformed request).  Anything else - success, a hang - fails."""
    c = connect()
    try:
        c.send(data)
        r = c.result(timeout)
    except socket.timeout:
        say(what, ": no answer within %ds" % timeout)
        c.close()
        return False
    except OSError as e:
        say(what, ": connection error", e)
        c.close()
        return True
    c.close()
    if r is None:
        say(what, ": connection closed")
        return True
    say(what, ": result", r.code, repr(r.text))
    return r.code in codes


def vmrss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


# ---- scenarios --------------------------------------------------------


def sc_garbage():
    rnd = random.Random(4511)
    ok = True
    for i in range(20):
        n = rnd.randint(1, 4096)
        data = bytes(rnd.getrandbits(8) for _ in range(n))
        if data[0] == 0x30:
            data = b"\x01" + data[1:]
        ok &= expect_closed(data, "garbage #%d (%d bytes)" % (i, n))
    # printable garbage, as a confused HTTP client would send
    ok &= expect_closed(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP request")
    return ok


def sc_wrong_tag():
    body = integer(1) + search_req(BASE, 0)
    ok = True
    for tag in (0x31, 0x04, 0x60, 0xa0, 0x00, 0xff):
        ok &= expect_closed(bytes([tag]) + bytes([len(body)]) + body,
                            "outer tag 0x%02x" % tag)
    return ok


def fd_count(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return -1


def cpu_ticks(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return int(parts[11]) + int(parts[12])
    except (OSError, IndexError, ValueError):
        return -1


def settled(pid, fds_before, what):
    """After clients went away: the server closed their sockets and is
    not spinning on them."""
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and fd_count(pid) > fds_before:
        time.sleep(0.1)
    fds = fd_count(pid)
    t0 = cpu_ticks(pid)
    time.sleep(2)
    busy = (cpu_ticks(pid) - t0) / os.sysconf("SC_CLK_TCK")
    say("%s: server fds %d -> %d, CPU %.2fs in the 2s after" % (
        what, fds_before, fds, busy))
    return fds <= fds_before and busy < 0.5


def sc_truncated_close(pid):
    pid = int(pid)
    pdu = message(1, search_req(BASE, 2))
    before = fd_count(pid)
    for cut in (1, 2, 5, len(pdu) // 2, len(pdu) - 1):
        c = connect()
        c.send(pdu[:cut])
        c.close()
    say("sent 5 truncated PDUs and closed")
    ok = settled(pid, before, "truncated PDUs then close")
    # half-close: the client shuts down its sending side only
    before = fd_count(pid)
    c = connect()
    c.send(pdu[:7])
    c.s.shutdown(socket.SHUT_WR)
    closed = c.closed_by_peer(5)
    c.close()
    say("truncated PDU then shutdown(SHUT_WR): %s" % (
        "server closed" if closed else "server kept the connection"))
    ok &= closed
    ok &= settled(pid, before, "truncated PDU then half-close")
    return ok


def sc_truncated_idle(seconds="3"):
    """Half a PDU, then silence: other clients are served meanwhile."""
    pdu = message(1, search_req(BASE, 0))
    stalled = []
    for _ in range(5):
        c = connect()
        c.send(pdu[:len(pdu) // 2])
        stalled.append(c)
    t0 = time.monotonic()
    ok = True
    while time.monotonic() - t0 < float(seconds):
        c = connect()
        c.send(message(7, search_req(BASE, 0)))
        r = c.result(5)
        c.close()
        if r is None or r.code != 0:
            say("a normal search failed while clients stalled:", r)
            ok = False
            break
        time.sleep(0.2)
    # the stalled clients finish their PDUs late and get an answer
    for c in stalled:
        c.send(pdu[len(pdu) // 2:])
        r = c.result(5)
        if r is None or r.msgid != 1 or r.code != 0:
            say("a PDU completed after a pause was not answered:", r)
            ok = False
        c.close()
    say("normal searches served while 5 clients held half a PDU")
    return ok


def sc_oversized(pid):
    pid = int(pid)
    before = vmrss_kb(pid)
    ok = True
    for hdr in (b"\x30\x84\x7f\xff\xff\xff", b"\x30\x84\xff\xff\xff\xff",
                b"\x30\x88\x7f\xff\xff\xff\xff\xff\xff\xff",
                b"\x30\x83\x10\x00\x00"):
        c = connect()
        try:
            c.send(hdr + b"\x02\x01\x01" + b"A" * 65536)
        except OSError:
            pass
        closed = c.closed_by_peer(5)
        c.close()
        say("length header %s: %s" % (hdr.hex(), "closed" if closed
                                       else "still open"))
        ok &= closed
    after = vmrss_kb(pid)
    say("VmRSS before %d kB, after %d kB" % (before, after))
    if before > 0 and after > before + 64 * 1024:
        say("memory grew by more than 64 MB")
        ok = False
    return ok


def search_of_size(total, msgid=1):
    """A SearchRequest PDU of exactly total bytes (a long assertion)."""
    for extra in range(8):
        attrs = ("1.1",) + ("x",) * extra
        pad = 0
        for _ in range(50):
            pdu = message(msgid, search_req(BASE, 0,
                                            f_eq("description", "x" * pad),
                                            attrs=attrs))
            if len(pdu) == total:
                return pdu
            pad = max(0, pad + total - len(pdu))
    raise ValueError("cannot build a PDU of %d bytes" % total)


def sc_max_pdu(limit):
    limit = int(limit)
    ok = True
    for total in (limit - 512, limit - 1):
        c = connect()
        c.send(search_of_size(total))
        r = c.result(10)
        c.close()
        good = r is not None and r.code == 0
        say("PDU of %d bytes (max_pdu %d): %s" % (total, limit,
            "answered %s" % r.code if r else "no answer"))
        ok &= good
    for total in (limit + 1, limit + 512, 4 * limit):
        good = expect_closed(search_of_size(total),
                             "PDU of %d bytes (max_pdu %d)" % (total, limit))
        ok &= good
    return ok


def sc_indefinite():
    body = integer(1) + search_req(BASE, 0)
    ok = expect_closed(b"\x30\x80" + body + b"\x00\x00",
                       "indefinite outer length")
    # indefinite length inside a definite envelope
    inner = b"\x63\x80" + search_req(BASE, 0)[2:] + b"\x00\x00"
    ok &= error_or_closed(seq(integer(2) + inner), (PROTOCOL_ERROR,),
                          "indefinite inner length")
    return ok


def sc_invalid_dn():
    ok = True
    for dn in ("cn=a,,dc=b", "=x", "cn", "foo=bar," + BASE, "cn=\"unterminated",
               "cn=a\\zz", "x" * 9000, "cn=a\x00b," + BASE):
        ok &= error_or_closed(message(1, search_req(dn, 0)),
                              (INVALID_DN, PROTOCOL_ERROR),
                              "search base %r" % dn[:30])
        ok &= error_or_closed(message(1, add_req(dn, [("objectClass",
                                                     ["person"])])),
                              (INVALID_DN, PROTOCOL_ERROR, 50),
                              "add %r" % dn[:30])
        ok &= error_or_closed(message(1, delete_req(dn)),
                              (INVALID_DN, PROTOCOL_ERROR, 50),
                              "delete %r" % dn[:30])
        ok &= error_or_closed(message(1, bind_req(dn, "pw")),
                              (INVALID_DN, PROTOCOL_ERROR, 49),
                              "bind %r" % dn[:30])
    return ok


def nested(tag, depth, leaf):
    f = leaf
    for _ in range(depth):
        f = tlv(tag, f)
    return f


def sc_bad_filter():
    ok = True
    cases = [
        ("filter tag 0xaa", b"\xaa\x04\x04\x02cn"),
        ("substrings without pieces", seq(octets("cn"), seq(), tag=0xa4)),
        ("substrings piece tag [5]",
         seq(octets("cn"), seq(octets("a", 0x85)), tag=0xa4)),
        ("equality without a value", seq(octets("cn"), tag=0xa3)),
        ("extensible without type or rule", seq(octets("x", 0x83), tag=0xa9)),
        ("NOT nested 200 deep", nested(0xa2, 200, f_present("cn"))),
        ("AND nested 200 deep", nested(0xa0, 200, f_present("cn"))),
        ("OR of 5000 filters", f_or(*[f_present("cn")] * 5000)),
        ("NOT with two children", tlv(0xa2, f_present("cn") +
                                      f_present("sn"))),
        ("empty NOT", tlv(0xa2, b"")),
        ("presence with a constructed tag", seq(octets("cn"), tag=0xa7)),
    ]
    for what, filt in cases:
        pdu = message(1, search_req(BASE, 2, filt))
        ok &= error_or_closed(pdu, (PROTOCOL_ERROR, ADMINLIMIT), what)
    # NUL bytes and odd descriptions are fine (Undefined), never a crash
    for desc in ("cn\x00xyz", "\x00", "cn;" + "x" * 3000, "1.2.3.4.5.6.7",
                 "cn;\x00", "", b"o\0\0\0\0\0\0\0`\xd0\0"):
        c = connect()
        c.send(message(1, search_req(BASE, 2, f_eq(desc, "x"))))
        r = c.result(5)
        c.close()
        say("filter on description %r: %s" % (desc[:20], r))
        ok &= r is None or r.code in (0, PROTOCOL_ERROR)
    return ok


def sc_unknown_op():
    ok = True
    for op in (tlv(0x7f, b"\x04\x00"), tlv(0x5e, b""), tlv(0x69, b"\x0a\x01\x00"),
               tlv(0x04, b"abc"), tlv(0x78, b"\x0a\x01\x00\x04\x00\x04\x00")):
        ok &= error_or_closed(message(1, op), (PROTOCOL_ERROR,),
                              "operation tag 0x%02x" % op[0])
    # an envelope with no operation at all
    ok &= error_or_closed(seq(integer(1)), (PROTOCOL_ERROR,), "no operation")
    ok &= error_or_closed(message(-5, search_req(BASE, 0)),
                          (PROTOCOL_ERROR,), "negative messageID")
    # malformed extended request
    ok &= error_or_closed(message(1, tlv(0x77, b"\x04\x03abc")),
                          (PROTOCOL_ERROR, 53), "extended request, bad OID tag")
    return ok


def sc_strict_envelope():
    """Elements of the wrong type where RFC 4511 fixes it: liblber's
    ber_scanf does not check tags, so the server must (slapd does)."""
    ok = error_or_closed(seq(octets("1") + search_req(BASE, 0)),
                         (PROTOCOL_ERROR,), "messageID as an OCTET STRING")
    ok &= error_or_closed(seq(integer(1) + search_req(BASE, 0) +
                              tlv(0xa0, seq(boolean(True)))),
                          (PROTOCOL_ERROR,), "a control without an OID")
    return ok


def pipelined(n, attrs, what):
    c = connect(timeout=20)
    data = b"".join(message(i + 1, search_req(BASE, 0, attrs=attrs))
                    for i in range(n))
    c.send(data)
    got = []
    try:
        while len(got) < n:
            r = c.result(20)
            if r is None:
                break
            got.append(r)
    except socket.timeout:
        pass
    c.close()
    ids = [r.msgid for r in got]
    good = ids == list(range(1, n + 1)) and all(r.code == 0 for r in got)
    say("%s: %d of %d answered%s" % (what, len(got), n,
        "" if good else "; first ids %s" % ids[:10]))
    return good


def sc_pipeline(n="200"):
    n = int(n)
    ok = pipelined(n, (), "%d pipelined searches, no attribute list" % n)
    ok &= pipelined(n, ("dc", "objectClass"),
                    "%d pipelined searches with an attribute list" % n)
    ok &= pipelined(n, ("1.1",), "%d pipelined searches for 1.1" % n)
    return ok


def sc_pipeline_writes(n="50"):
    """Adds, searches and deletes in one write: answered in order."""
    n = int(n)
    c = connect(timeout=20)
    c.send(message(1, bind_req(ADMIN_DN, ADMIN_PW)))
    r = c.result(10)
    if r is None or r.code != 0:
        say("admin bind failed:", r)
        return False
    reqs = []
    mid = 2
    for i in range(n):
        dn = "cn=pipe%d,%s" % (i, BASE)
        reqs.append((mid, 0x69, message(mid, add_req(dn, [
            ("objectClass", ["person"]), ("cn", ["pipe%d" % i]),
            ("sn", ["p"])]))))
        mid += 1
        reqs.append((mid, 0x65, message(mid, search_req(dn, 0,
                                                        attrs=("cn",)))))
        mid += 1
    for i in range(n):
        dn = "cn=pipe%d,%s" % (i, BASE)
        reqs.append((mid, 0x6b, message(mid, delete_req(dn))))
        mid += 1
    c.send(b"".join(r[2] for r in reqs))
    got = []
    try:
        while len(got) < len(reqs):
            r = c.result(20)
            if r is None:
                break
            got.append(r)
    except socket.timeout:
        pass
    c.close()
    want = [(m, t) for m, t, _ in reqs]
    have = [(r.msgid, r.optag) for r in got]
    good = have == want and all(r.code == 0 for r in got)
    say("%d pipelined adds/searches/deletes: %d answered%s" % (
        len(reqs), len(got), "" if good else "; first %s / codes %s" % (
            have[:6], [r.code for r in got][:10])))
    return good


def sc_bind_v2():
    ok = error_or_closed(message(1, bind_req("", "", version=2)),
                         (PROTOCOL_ERROR,), "anonymous bind version 2")
    ok &= error_or_closed(message(1, bind_req(ADMIN_DN, ADMIN_PW, version=2)),
                          (PROTOCOL_ERROR,), "admin bind version 2")
    ok &= error_or_closed(message(1, bind_req("", "", version=4)),
                          (PROTOCOL_ERROR,), "bind version 4")
    ok &= error_or_closed(message(1, bind_req("", "", version=-1)),
                          (PROTOCOL_ERROR,), "bind version -1")
    return ok


def sc_controls():
    ok = error_or_closed(message(1, search_req(BASE, 0), [control(
        "1.2.3.4.5", True)]), (UNAVAILABLE_CRITICAL,),
        "unknown critical control")
    c = connect()
    c.send(message(1, search_req(BASE, 0), [control("1.2.3.4.5", False)]))
    r = c.result(5)
    c.close()
    say("unknown non-critical control:", r)
    ok &= r is not None and r.code == 0
    for what, ctrls in (
            ("controls not a sequence of sequences",
             tlv(0xa0, octets("1.2.3"))),
            ("65 controls", tlv(0xa0, b"".join(
                control("1.2.3.%d" % i) for i in range(65)))),
            ("paged control with a garbage value",
             tlv(0xa0, control("1.2.840.113556.1.4.319", True, "\x01\x02")))):
        pdu = seq(integer(1) + search_req(BASE, 0) + ctrls)
        ok &= error_or_closed(pdu, (PROTOCOL_ERROR, ADMINLIMIT, 53),
                              what)
    return ok


def sc_deletes():
    """Anonymous deletes with DNs of every length from 4 to 120 bytes:
    each is refused (insufficientAccess or noSuchObject); the server
    must survive all of them."""
    ok = True
    c = connect()
    n = 0
    for ln in range(4, 121):
        dn = "cn=" + "x" * (ln - 3)
        for rep in range(3):
            n += 1
            try:
                c.send(message(n, delete_req(dn)))
                r = c.result(5)
            except (OSError, socket.timeout) as e:
                r = None
                say("delete of a %d-byte DN: %s" % (ln, e))
            if r is None or r.code not in (50, 32, 34):
                say("delete of a %d-byte DN (PDU %d bytes): %s" % (
                    ln, len(message(n, delete_req(dn))), r))
                ok = False
                c.close()
                try:
                    c = connect()
                except OSError as e:
                    say("cannot reconnect:", e)
                    return False
    c.close()
    say("%d anonymous deletes sent" % n)
    return ok


def sc_nested_dn(levels="40"):
    """A DN whose value is a DN whose value is a DN...: every level must
    not multiply the work (it doubled per level: 40 levels were days)."""
    levels = int(levels)
    dn = "member=" * levels + "cn=x," + BASE
    ok = True
    for what, op in (("search base", search_req(dn, 0)),
                     ("compare", seq(octets(BASE), seq(octets("member"),
                                                       octets(dn)),
                                     tag=0x6e)),
                     ("filter value", search_req(BASE, 0,
                                                 f_eq("member", dn)))):
        c = connect()
        t0 = time.monotonic()
        c.send(message(1, op))
        try:
            r = c.result(5)
            say("%s with %d nested DN values: %s after %.2fs" % (
                what, levels, r.code if r else "closed",
                time.monotonic() - t0))
        except socket.timeout:
            say("%s with %d nested DN values: NO ANSWER within 5s" % (
                what, levels))
            ok = False
        c.close()
    return ok


def sc_search_attrs():
    """Odd attribute lists: huge, empty strings, NULs."""
    ok = True
    for what, attrs in (("5000 attributes", ["cn%d" % i for i in range(5000)]),
                        ("empty names", ["", "", ""]),
                        ("NUL bytes", ["cn\x00", "\x00\x00", "o;\x00"]),
                        ("long option", ["cn;" + "x" * 20000])):
        c = connect()
        c.send(message(1, search_req(BASE, 0, attrs=attrs)))
        r = c.result(10)
        c.close()
        say("search with %s: %s" % (what, r))
        ok &= r is not None and r.code in (0, PROTOCOL_ERROR)
    return ok


# ---- connection handling (t_robust_conn.sh) ----------------------------


def sc_concurrent(n="300"):
    """n clients connected at once, then each searches."""
    n = int(n)
    conns = []
    for _ in range(n):
        conns.append(connect(timeout=30))
    results = [None] * n
    errors = []

    def run(i):
        try:
            conns[i].send(message(1, search_req(BASE, 0, attrs=("dc",))))
            results[i] = conns[i].result(30)
        except Exception as e:  # noqa
            errors.append("%d: %s" % (i, e))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    t0 = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    dt = time.monotonic() - t0
    for c in conns:
        c.close()
    good = sum(1 for r in results if r is not None and r.code == 0)
    say("%d concurrent clients: %d answered in %.2fs%s" % (
        n, good, dt, "; errors: %s" % errors[:3] if errors else ""))
    return good == n


def run_ldapsearch(timeout=10):
    import subprocess
    t0 = time.monotonic()
    try:
        p = subprocess.run(["ldapsearch", "-x", "-H", "ldap://%s:%d" % (
            HOST, PORT), "-b", BASE, "-s", "base", "-LLL", "dn"],
            capture_output=True, timeout=timeout)
        ok = p.returncode == 0 and b"dn: " in p.stdout
    except subprocess.TimeoutExpired:
        ok = False
    return ok, time.monotonic() - t0


def sc_stalled(n="20", limit="2"):
    """n clients each send half a PDU and stall; ldapsearch still completes
    within limit seconds, several times."""
    n, limit = int(n), float(limit)
    pdu = message(1, search_req(BASE, 2))
    stalled = []
    for i in range(n):
        c = connect()
        # vary the cut: inside the header, inside the length, in the body
        c.send(pdu[:1 + i % (len(pdu) - 1)])
        stalled.append(c)
    # a slowloris: one byte at a time, in the background
    stop = threading.Event()

    def drip():
        c = connect()
        for b in pdu[:-1]:
            if stop.is_set():
                break
            try:
                c.send(bytes([b]))
            except OSError:
                break
            time.sleep(0.05)
        stalled.append(c)

    th = threading.Thread(target=drip)
    th.start()
    ok = True
    worst = 0.0
    for _ in range(5):
        good, dt = run_ldapsearch(limit * 3)
        worst = max(worst, dt)
        ok &= good and dt <= limit
        time.sleep(0.2)
    stop.set()
    th.join()
    for c in stalled:
        c.close()
    say("%d stalled clients and a slowloris: 5 ldapsearch, slowest %.2fs "
        "(limit %.1fs)" % (n, worst, limit))
    return ok


def sc_idle(timeout="2"):
    timeout = float(timeout)
    idle = connect(timeout=30)
    busy = connect(timeout=30)
    t0 = time.monotonic()
    ok = True
    closed_at = None
    # busy keeps working; idle does nothing
    while time.monotonic() - t0 < timeout * 3 + 2:
        busy.send(message(1, search_req(BASE, 0)))
        r = busy.result(5)
        if r is None or r.code != 0:
            say("a client that works was disconnected after %.1fs" % (
                time.monotonic() - t0))
            ok = False
            break
        if closed_at is None:
            try:
                idle.s.settimeout(0.01)
                chunk = idle.s.recv(100)
                if chunk == b"":
                    closed_at = time.monotonic() - t0
            except socket.timeout:
                pass
            except OSError:
                closed_at = time.monotonic() - t0
        time.sleep(0.3)
    idle.close()
    busy.close()
    if closed_at is None:
        say("idle client not disconnected within %.1fs" % (timeout * 3 + 2))
        return False
    say("idle client disconnected after %.1fs (idle_timeout %.0fs); the "
        "busy one stayed" % (closed_at, timeout))
    return ok and closed_at >= timeout * 0.75


def sc_max_connections(limit="10"):
    limit = int(limit)
    conns = []
    ok = True
    for i in range(limit):
        c = connect()
        c.send(message(1, search_req(BASE, 0)))
        r = c.result(5)
        if r is None or r.code != 0:
            say("connection %d of %d not served: %s" % (i + 1, limit, r))
            ok = False
        conns.append(c)
    # one more: refused (closed at once) or at least never served
    extra = connect()
    served = False
    try:
        extra.send(message(1, search_req(BASE, 0)))
        r = extra.result(3)
        served = r is not None
    except (OSError, socket.timeout):
        pass
    extra.close()
    say("connection %d: %s" % (limit + 1, "SERVED" if served else "refused"))
    ok &= not served
    # the first ones still work
    for i, c in enumerate(conns):
        c.send(message(2, search_req(BASE, 0)))
        r = c.result(5)
        if r is None or r.code != 0:
            say("connection %d stopped working: %s" % (i + 1, r))
            ok = False
    # closing frees slots
    for c in conns[:limit // 2]:
        c.close()
    time.sleep(1)
    again = []
    for i in range(limit // 2):
        c = connect()
        c.send(message(1, search_req(BASE, 0)))
        r = c.result(5)
        if r is None or r.code != 0:
            say("after closing %d, new connection %d not served: %s" % (
                limit // 2, i + 1, r))
            ok = False
        again.append(c)
    for c in again + conns[limit // 2:]:
        c.close()
    # many quick connect/close cycles do not leak slots
    for i in range(300):
        c = connect()
        if i % 3 == 0:
            c.send(message(1, search_req(BASE, 0))[:5])
        c.close()
    time.sleep(1)
    for i in range(limit):
        c = connect()
        c.send(message(1, search_req(BASE, 0)))
        r = c.result(5)
        if r is None or r.code != 0:
            say("after 300 connect/close cycles, connection %d not "
                "served: %s" % (i + 1, r))
            ok = False
            break
        again.append(c)
    for c in again:
        c.close()
    say("max_connections %d: the extra client refused, slots reused" % limit)
    return ok


def sc_nonreader(pid, n="20", limit="2"):
    """A client pipelines big searches and never reads the results:
    other clients are served, and the server does not buffer without
    bound."""
    pid, n, limit = int(pid), int(n), float(limit)
    before = vmrss_kb(pid)
    hog = connect(timeout=30)
    hog.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    hog.send(message(1, bind_req(ADMIN_DN, ADMIN_PW)))
    r = hog.result(5)
    if r is None or r.code != 0:
        say("admin bind failed:", r)
        return False
    hog.send(b"".join(message(i + 2, search_req(BASE, 2))
                      for i in range(n)))
    time.sleep(1)
    ok = True
    worst = 0.0
    for _ in range(10):
        good, dt = run_ldapsearch(limit * 3)
        worst = max(worst, dt)
        ok &= good and dt <= limit
    peak = vmrss_kb(pid)
    # and a search through the raw protocol for the big result, read fully
    c = connect(timeout=30)
    c.send(message(1, bind_req(ADMIN_DN, ADMIN_PW)))
    c.result(5)
    c.send(message(2, search_req(BASE, 2)))
    entries = 0
    while True:
        r = c.recv_msg(30)
        if r is None or r.optag != 0x64:
            break
        entries += 1
    c.close()
    say("reader got %d entries and result %s while the hog waits" % (
        entries, r.code if r else None))
    ok &= r is not None and r.code == 0 and entries > 0
    hog.close()
    say("non-reading client with %d big searches: 10 ldapsearch, slowest "
        "%.2fs; VmRSS %d -> %d kB" % (n, worst, before, peak))
    if before > 0 and peak - before > 200 * 1024:
        say("the server buffered more than 200 MB for one client")
        ok = False
    return ok


def main():
    global PORT, BASE, ADMIN_DN, ADMIN_PW
    PORT = int(sys.argv[1])
    BASE = sys.argv[2]
    ADMIN_DN = os.environ.get("ADMIN_DN", "cn=admin," + BASE)
    ADMIN_PW = os.environ.get("ADMIN_PW", "secret")
    fn = globals().get("sc_" + sys.argv[3])
    if fn is None:
        print("unknown scenario", sys.argv[3], file=sys.stderr)
        return 2
    try:
        good = fn(*sys.argv[4:])
    except Exception as e:  # a dead server shows up as socket errors
        say("scenario raised %s: %s" % (type(e).__name__, e))
        good = False
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
