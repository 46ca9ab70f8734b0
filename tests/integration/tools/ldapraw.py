"""ldapraw - a tiny hand-rolled BER/LDAP encoder and reader for robustness
tests.  It can build well-formed messages and, on purpose, malformed ones
(wrong tags, bad lengths, truncated PDUs) that ldap-utils never send.

Only the standard library is used (python-ldap is not installed).
"""
import socket
import struct
import time

# ---- BER encoding ----------------------------------------------------


def ber_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    if isinstance(content, str):
        content = content.encode()
    return bytes([tag]) + ber_len(len(content)) + content


def integer(v, tag=0x02):
    n = 1
    while True:
        try:
            b = v.to_bytes(n, "big", signed=True)
            break
        except OverflowError:
            n += 1
    return tlv(tag, b)


def enum(v):
    return integer(v, 0x0a)


def octets(s, tag=0x04):
    return tlv(tag, s)


def boolean(v, tag=0x01):
    return tlv(tag, b"\xff" if v else b"\x00")


def seq(*items, tag=0x30):
    return tlv(tag, b"".join(items))


# ---- filters ---------------------------------------------------------


def f_and(*fs):
    return seq(*fs, tag=0xa0)


def f_or(*fs):
    return seq(*fs, tag=0xa1)


def f_not(f):
    return tlv(0xa2, f)


def f_eq(a, v):
    return seq(octets(a), octets(v), tag=0xa3)


def f_sub(a, initial=None, any_=(), final=None):
    parts = []
    if initial is not None:
        parts.append(octets(initial, 0x80))
    for x in any_:
        parts.append(octets(x, 0x81))
    if final is not None:
        parts.append(octets(final, 0x82))
    return seq(octets(a), seq(*parts), tag=0xa4)


def f_ge(a, v):
    return seq(octets(a), octets(v), tag=0xa5)


def f_le(a, v):
    return seq(octets(a), octets(v), tag=0xa6)


def f_present(a):
    return octets(a, 0x87)


def f_approx(a, v):
    return seq(octets(a), octets(v), tag=0xa8)


def f_ext(value, rule=None, type_=None, dnattrs=False):
    parts = []
    if rule is not None:
        parts.append(octets(rule, 0x81))
    if type_ is not None:
        parts.append(octets(type_, 0x82))
    parts.append(octets(value, 0x83))
    if dnattrs:
        parts.append(boolean(True, 0x84))
    return seq(*parts, tag=0xa9)


# ---- requests --------------------------------------------------------


def message(msgid, op, controls=None):
    body = integer(msgid) + op
    if controls is not None:
        body += tlv(0xa0, b"".join(controls))
    return seq(body)


def control(oid, critical=None, value=None):
    parts = [octets(oid)]
    if critical is not None:
        parts.append(boolean(critical))
    if value is not None:
        parts.append(octets(value))
    return seq(*parts)


def bind_req(dn="", pw="", version=3):
    return seq(integer(version), octets(dn), octets(pw, 0x80), tag=0x60)


def unbind_req():
    return tlv(0x42, b"")


def search_req(base, scope=2, filt=None, attrs=(), sizelimit=0,
               timelimit=0, typesonly=False, deref=0):
    if filt is None:
        filt = f_present("objectClass")
    return seq(octets(base), enum(scope), enum(deref), integer(sizelimit),
               integer(timelimit), boolean(typesonly), filt,
               seq(*[octets(a) for a in attrs]), tag=0x63)


def add_req(dn, attrs):
    """attrs: list of (type, [values])"""
    return seq(octets(dn),
               seq(*[seq(octets(t), seq(*[octets(v) for v in vs], tag=0x31))
                     for t, vs in attrs]), tag=0x68)


def delete_req(dn):
    return octets(dn, 0x4a)


def compare_req(dn, attr, value):
    return seq(octets(dn), seq(octets(attr), octets(value)), tag=0x6e)


def extended_req(oid, value=None):
    parts = [octets(oid, 0x80)]
    if value is not None:
        parts.append(octets(value, 0x81))
    return seq(*parts, tag=0x77)


# ---- BER decoding of responses ---------------------------------------


def read_tl(buf, pos):
    """(tag, length, header_size) at buf[pos:], or None if incomplete."""
    if len(buf) - pos < 2:
        return None
    tag = buf[pos]
    l0 = buf[pos + 1]
    if l0 < 0x80:
        return tag, l0, 2
    nb = l0 & 0x7f
    if len(buf) - pos < 2 + nb:
        return None
    return tag, int.from_bytes(buf[pos + 2:pos + 2 + nb], "big"), 2 + nb


def parse_elements(data):
    """Split a constructed element's content into (tag, content) pairs."""
    out = []
    pos = 0
    while pos < len(data):
        t = read_tl(data, pos)
        if t is None:
            raise ValueError("truncated element")
        tag, ln, hs = t
        out.append((tag, data[pos + hs:pos + hs + ln]))
        pos += hs + ln
    return out


class Response:
    def __init__(self, raw):
        self.raw = raw
        elems = parse_elements(raw)          # content of the outer SEQUENCE
        self.msgid = int.from_bytes(elems[0][1], "big", signed=True)
        self.optag, self.body = elems[1]
        self.code = None
        self.text = None
        self.dn = None
        if self.optag in (0x61, 0x65, 0x67, 0x69, 0x6b, 0x6d, 0x6f, 0x78):
            parts = parse_elements(self.body)
            self.code = int.from_bytes(parts[0][1], "big", signed=True)
            self.matched = parts[1][1].decode(errors="replace")
            self.text = parts[2][1].decode(errors="replace")
        elif self.optag == 0x64:
            parts = parse_elements(self.body)
            self.dn = parts[0][1].decode(errors="replace")

    def __repr__(self):
        return "<msgid=%d op=0x%02x code=%s dn=%s text=%r>" % (
            self.msgid, self.optag, self.code, self.dn, self.text)


class Conn:
    def __init__(self, host, port, timeout=10):
        self.s = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        self.eof = False

    def send(self, data):
        self.s.sendall(data)

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("deadline")
        self.s.settimeout(remaining)
        try:
            chunk = self.s.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def recv_msg(self, timeout=10):
        """Next response, or None on EOF.  Raises socket.timeout."""
        deadline = time.monotonic() + timeout
        while True:
            t = read_tl(self.buf, 0)
            if t is not None and len(self.buf) >= t[1] + t[2]:
                tag, ln, hs = t
                raw = self.buf[hs:hs + ln]
                self.buf = self.buf[hs + ln:]
                return Response(raw)
            if self.eof or not self._fill(deadline):
                return None

    def result(self, timeout=10):
        """Skip entries; return the first non-entry response (or None)."""
        while True:
            r = self.recv_msg(timeout)
            if r is None or r.optag not in (0x64, 0x73):
                return r

    def closed_by_peer(self, timeout=5):
        """True if the server closes the connection (any pending responses
        are read and dropped) within timeout."""
        deadline = time.monotonic() + timeout
        try:
            while not self.eof:
                if not self._fill(deadline):
                    return True
                self.buf = b""
            return True
        except socket.timeout:
            return False
        except OSError:
            return True
