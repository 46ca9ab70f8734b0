#!/usr/bin/env python3
"""Check the UnifiedID demo LDIF (etc/demo/demo.ldif by default).

- resident ID numbers: 18 characters, a real birth date, the GB 11643
  (ISO 7064 MOD 11-2) check character, gender matching the 17th digit;
- unified social credit codes: GB 32100 alphabet and check character, and
  the GB 11714 check character of the organisation code inside;
- mobile numbers (1[3-9] + 9 digits), e-mail addresses, enumerations;
- uniqueness of uid, uidNumber, gidNumber, mobile, idNumber, orgCode;
- entries appear parents first and every DN-valued reference resolves;
- organisations list exactly the people with an active post there
  (member and memberUid), roles' memberUid match their member, and each
  person's gidNumber is their primary organisation's (default_gid 20000
  without an active post);
- every person's password is the documented demo password.

Usage: verify-ids.py [FILE.ldif]     exit 0 when everything is valid.
Written independently of the generator on purpose; needs only Python 3.
"""
import base64
import ctypes
import ctypes.util
import datetime
import os
import re
import sys

SUFFIX = "dc=example,dc=gov,dc=cn"
DEFAULT_GID = 20000
DEMO_PASSWORD = "Demo@2024pass"
AGENT_PASSWORD = "HostAgent@2024"

ENUMS = {
    "gender": {"male", "female", "unknown"},
    "idtype": {"resident-id", "hk-macao-permit", "taiwan-permit",
               "foreign-permanent-residence", "passport", "other"},
    "accountstatus": {"pending", "active", "rejected", "locked", "disabled"},
    "realnamelevel": {"none", "basic", "intermediate", "advanced"},
    "realnamestatus": {"unverified", "verifying", "verified", "review-pending",
                       "review-passed", "review-failed"},
    "poststatus": {"active", "transfer-pending", "leave-pending", "pending"},
    "enterprisetype": {"enterprise", "social-organisation", "public-institution", "other"},
    "regiontype": {"domestic", "hk-macao-taiwan", "foreign"},
}
DN_ATTRS = ["orgadmin", "member", "postorg", "transferfrom", "legalrepresentative",
            "enterpriseadmin", "enterprisehandler", "licenseadmin", "mainagent",
            "authorizedperson", "authorizedby", "realnamereviewer"]

problems = []


def bad(dn, msg):
    problems.append(f"{dn}: {msg}")


# ------------------------------------------------------------------ LDIF
def read_ldif(path):
    """Return a list of (dn, {lower attr: [values]}) in file order."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    lines = []
    for raw in text.split("\n"):
        raw = raw.rstrip("\r")
        if raw.startswith(" ") and lines:
            if lines[-1] is not None:       # folded line (RFC 2849)
                lines[-1] += raw[1:]
        elif raw.startswith("#"):
            lines.append(None)              # comment line, possibly folded
        else:
            lines.append(raw)
    entries, cur = [], None
    for line in lines:
        if line is None:
            continue
        if line == "":
            if cur:
                entries.append(cur)
            cur = None
            continue
        m = re.match(r"^([A-Za-z][A-Za-z0-9;-]*)(::?) ?(.*)$", line)
        if not m:
            raise SystemExit(f"{path}: cannot parse line: {line[:60]}")
        attr, sep, val = m.group(1).lower(), m.group(2), m.group(3)
        if sep == "::":
            val = base64.b64decode(val)
            try:
                val = val.decode("utf-8")
            except UnicodeDecodeError:
                pass
        if attr == "version" and cur is None:
            continue
        if attr == "dn":
            cur = (val, {})
            continue
        if cur is None:
            raise SystemExit(f"{path}: attribute outside an entry: {line[:60]}")
        cur[1].setdefault(attr, []).append(val)
    if cur:
        entries.append(cur)
    return entries


def norm_dn(dn):
    # enough for this file: RDN values are ASCII codes and account names
    return ",".join(p.strip().lower() for p in dn.split(","))


def parent(dn):
    return norm_dn(dn).split(",", 1)[1] if "," in dn else ""


# ------------------------------------------------------------- checksums
GB11643_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check_resident_id(dn, s, gender):
    if not re.fullmatch(r"\d{17}[\dX]", s.upper()):
        return bad(dn, f"idNumber {s}: not 17 digits and a check character")
    try:
        born = datetime.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return bad(dn, f"idNumber {s}: invalid birth date {s[6:14]}")
    if not datetime.date(1900, 1, 1) <= born <= datetime.date.today():
        bad(dn, f"idNumber {s}: implausible birth date {born}")
    total = sum(int(d) * w for d, w in zip(s[:17], GB11643_WEIGHTS))
    want = "10X98765432"[total % 11]
    if s[17].upper() != want:
        bad(dn, f"idNumber {s}: check character {s[17]}, expected {want}")
    if gender:
        odd = int(s[16]) % 2 == 1
        if gender not in ("unknown",) and (gender == "male") != odd:
            bad(dn, f"idNumber {s}: 17th digit says {'male' if odd else 'female'}, gender is {gender}")


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
GB32100_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
GB11714_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def check_uscc(dn, s):
    s = s.upper()
    if len(s) != 18 or any(c not in USCC_ALPHABET for c in s):
        return bad(dn, f"uscc {s}: not 18 characters of the GB 32100 alphabet")
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(s[:17], GB32100_WEIGHTS))
    want = USCC_ALPHABET[(31 - total % 31) % 31]
    if s[17] != want:
        bad(dn, f"uscc {s}: check character {s[17]}, expected {want}")
    # characters 9-17 are the GB 11714 organisation code with its own check
    code = s[8:17]
    value = lambda c: int(c) if c.isdigit() else ord(c) - ord("A") + 10
    c9 = 11 - sum(value(c) * w for c, w in zip(code[:8], GB11714_WEIGHTS)) % 11
    want = {10: "X", 11: "0"}.get(c9, str(c9))
    if code[8] != want:
        bad(dn, f"uscc {s}: organisation code {code} check {code[8]}, expected {want}")


# --------------------------------------------------------------- crypt
def crypt_ok(password, hashed):
    name = ctypes.util.find_library("crypt") or "libcrypt.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.crypt.restype = ctypes.c_char_p
    lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    out = lib.crypt(password.encode(), hashed.encode())
    return out is not None and out.decode() == hashed


def check_password(dn, values, password):
    if len(values) != 1 or not values[0].startswith("{CRYPT}$y$"):
        return bad(dn, "userPassword is not one {CRYPT} yescrypt hash")
    ok = crypt_ok(password, values[0][len("{CRYPT}"):])
    if ok is False:
        bad(dn, "userPassword is not the hash of the documented password")


# ----------------------------------------------------------------- main
def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "demo.ldif")
    entries = read_ldif(path)
    seen = {}
    for dn, attrs in entries:
        n = norm_dn(dn)
        if n in seen:
            bad(dn, "duplicate DN")
        if n != SUFFIX and parent(dn) not in seen:
            bad(dn, "parent entry does not appear before it")
        seen[n] = attrs

    def oc(attrs):
        return {v.lower() for v in attrs.get("objectclass", [])}

    def one(attrs, a):
        v = attrs.get(a, [])
        return v[0] if v else None

    people = {n: a for n, a in seen.items() if "unifiedidperson" in oc(a)}
    orgs = {n: a for n, a in seen.items() if "unifiedidorg" in oc(a)}
    posts = {n: a for n, a in seen.items() if "unifiedidpost" in oc(a)}
    roles = {n: a for n, a in seen.items() if "unifiedidrole" in oc(a)}
    ents = {n: a for n, a in seen.items() if "unifiedidenterprise" in oc(a)}

    unique = {k: {} for k in ("uid", "uidnumber", "mobile", "idnumber", "gidnumber", "orgcode", "uscc")}

    def claim(kind, value, dn):
        key = value.lower()
        if key in unique[kind]:
            bad(dn, f"{kind} {value} also used by {unique[kind][key]}")
        unique[kind][key] = dn

    nid = nuscc = 0
    for n, a in seen.items():
        for attr, allowed in ENUMS.items():
            for v in a.get(attr, []):
                if v.lower() not in allowed:
                    bad(n, f"{attr}: {v} is not one of {sorted(allowed)}")
        for attr in DN_ATTRS:
            for v in a.get(attr, []):
                if norm_dn(v) not in seen:
                    bad(n, f"{attr}: {v} does not exist")
        for v in a.get("mobile", []):
            if not re.fullmatch(r"(\+86)?1[3-9]\d{9}", v):
                bad(n, f"mobile {v}: not a mainland mobile number")
            claim("mobile", v, n)
        for attr in ("mail", "backupmail"):
            for v in a.get(attr, []):
                if not re.fullmatch(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", v):
                    bad(n, f"{attr} {v}: not a plausible address")

    for n, a in people.items():
        uid = one(a, "uid")
        claim("uid", uid, n)
        claim("uidnumber", one(a, "uidnumber"), n)
        if n != norm_dn(f"uid={uid},ou=people,{SUFFIX}"):
            bad(n, "person not named uid=<uid>,ou=people")
        if one(a, "homedirectory") != f"/home/{uid}":
            bad(n, "homeDirectory is not /home/<uid>")
        if int(one(a, "uidnumber")) < 10001:
            bad(n, "uidNumber below 10001")
        idn, idtype = one(a, "idnumber"), (one(a, "idtype") or "resident-id").lower()
        if idn:
            claim("idnumber", idn, n)
            nid += 1
            if idtype == "resident-id":
                check_resident_id(n, idn, (one(a, "gender") or "").lower())
            elif idtype == "hk-macao-permit":
                if not re.fullmatch(r"[HM]\d{8}(\d{2})?", idn):
                    bad(n, f"idNumber {idn}: not a Hong Kong/Macao permit number")
        if one(a, "accountstatus") in ("rejected", "locked", "disabled") and not one(a, "statusreason"):
            bad(n, "accountStatus needs a statusReason")
        check_password(n, a.get("userpassword", []), DEMO_PASSWORD)
        # posts and primary organisation
        mine = [(pn, pa) for pn, pa in posts.items() if parent(pn) == n]
        active = sorted((int(one(pa, "postrank")), pn, pa) for pn, pa in mine
                        if one(pa, "poststatus") == "active")
        ranks = [r for r, _, _ in active]
        if ranks != list(range(len(ranks))):
            bad(n, f"active post ranks are {ranks}, expected 0..{len(ranks) - 1}")
        want_gid = int(one(orgs[norm_dn(one(active[0][2], 'postorg'))], "gidnumber")) \
            if active else DEFAULT_GID
        if int(one(a, "gidnumber")) != want_gid:
            bad(n, f"gidNumber {one(a, 'gidnumber')}, primary organisation gives {want_gid}")

    for pn, pa in posts.items():
        code = one(pa, "orgcode")
        if pn.split(",", 1)[0] != f"orgcode={code.lower()}":
            bad(pn, "post RDN is not its orgCode")
        org = orgs.get(norm_dn(one(pa, "postorg")))
        if org is None:
            bad(pn, "postOrg is not an organisation")
        elif one(org, "orgcode").lower() != code.lower():
            bad(pn, "orgCode differs from the postOrg's orgCode")
        st = one(pa, "poststatus")
        if st == "active" and one(pa, "postrank") is None:
            bad(pn, "active post without postRank")
        if st == "transfer-pending":
            tf = one(pa, "transferfrom")
            if not tf or parent(tf) != parent(pn) or norm_dn(tf) not in posts:
                bad(pn, "transferFrom is not a sibling post")
            if one(pa, "keeporigin") not in ("TRUE", "FALSE"):
                bad(pn, "keepOrigin is not TRUE or FALSE")

    for n, a in orgs.items():
        code = one(a, "orgcode")
        claim("orgcode", code, n)
        claim("gidnumber", one(a, "gidnumber"), n)
        if n.split(",", 1)[0] != f"orgcode={code.lower()}":
            bad(n, "organisation RDN is not its orgCode")
        if (one(a, "cn") or "").lower() != code.lower():
            bad(n, "cn is not the orgCode")
        holders = {parent(pn) for pn, pa in posts.items()
                   if norm_dn(one(pa, "postorg")) == n and one(pa, "poststatus") == "active"}
        members = {norm_dn(v) for v in a.get("member", [])}
        if members != holders:
            bad(n, f"member {sorted(members ^ holders)} differ from the active posts")
        uids = {one(people[h], "uid") for h in holders}
        if set(a.get("memberuid", [])) != uids:
            bad(n, "memberUid differs from the active posts")

    for n, a in roles.items():
        if "posixgroup" in oc(a):
            claim("gidnumber", one(a, "gidnumber"), n)
            uids = {one(people[norm_dn(m)], "uid") for m in a.get("member", [])
                    if norm_dn(m) in people}
            if set(a.get("memberuid", [])) != uids:
                bad(n, "memberUid differs from member")

    for n, a in ents.items():
        code = one(a, "uscc")
        claim("uscc", code, n)
        nuscc += 1
        check_uscc(n, code)
        if n.split(",", 1)[0] != f"uscc={code.lower()}":
            bad(n, "enterprise RDN is not its uscc")
        if len(a.get("licenseadmin", [])) > 5:
            bad(n, "more than five licenseAdmin values")

    for n, a in seen.items():
        if "simplesecurityobject" in oc(a):
            check_password(n, a.get("userpassword", []), AGENT_PASSWORD)

    for p in problems:
        print("verify-ids:", p)
    print(f"verify-ids: {len(entries)} entries, {len(people)} people, {nid} ID numbers, "
          f"{nuscc} credit codes, {len(orgs)} organisations: "
          + ("OK" if not problems else f"{len(problems)} problems"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
