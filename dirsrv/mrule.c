/*
 * mrule.c - LDAP syntaxes (RFC 4517) and matching rules: validation and
 * normalisation of values so that equality is a byte comparison of
 * normalised forms and ordering a comparison under mrule_compare().
 *
 * Case folding is ASCII only (safe on UTF-8 bytes); Chinese text has no
 * case.  Insignificant space handling follows RFC 4518 section 2.6.1 in
 * spirit: leading and trailing spaces dropped, inner runs folded to one.
 */
#include <ctype.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "dirsrv.h"

const struct schema *mr_schema;	/* for DN and OID normalisation */

#define S(x) "1.3.6.1.4.1.1466.115.121.1." x

static int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k, need;
	unsigned c;

	while (i < n) {
		c = s[i];
		if (c < 0x80) {
			if (c == 0)
				return 0;
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0 && c >= 0xc2)
			need = 1;
		else if ((c & 0xf0) == 0xe0)
			need = 2;
		else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
			need = 3;
		else
			return 0;
		if (i + need >= n)
			return 0;
		for (k = 1; k <= need; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		if (need == 2 && c == 0xe0 && s[i + 1] < 0xa0)
			return 0;	/* overlong */
		if (need == 2 && c == 0xed && s[i + 1] >= 0xa0)
			return 0;	/* surrogates */
		if (need == 3 && c == 0xf0 && s[i + 1] < 0x90)
			return 0;
		if (need == 3 && c == 0xf4 && s[i + 1] >= 0x90)
			return 0;
		i += need + 1;
	}
	return 1;
}

static int
v_dirstring(const struct berval *v)
{
	return v->bv_len > 0 &&
	    utf8_valid((const unsigned char *)v->bv_val, v->bv_len);
}

static int
v_ia5(const struct berval *v)
{
	size_t i;

	for (i = 0; i < v->bv_len; i++)
		if ((unsigned char)v->bv_val[i] > 0x7f || v->bv_val[i] == 0)
			return 0;
	return 1;
}

static int
v_printable(const struct berval *v)
{
	static const char extra[] = " '()+,-./:?=";
	size_t i;
	char c;

	if (v->bv_len == 0)
		return 0;
	for (i = 0; i < v->bv_len; i++) {
		c = v->bv_val[i];
		if (!isalnum((unsigned char)c) && strchr(extra, c) == NULL)
			return 0;
	}
	return 1;
}

static int
v_country(const struct berval *v)
{
	return v->bv_len == 2 && v_printable(v);
}

static int
v_integer(const struct berval *v)
{
	size_t i = 0;

	if (v->bv_len == 0)
		return 0;
	if (v->bv_val[0] == '-' || v->bv_val[0] == '+')
		i++;
	if (i == v->bv_len)
		return 0;
	for (; i < v->bv_len; i++)
		if (!isdigit((unsigned char)v->bv_val[i]))
			return 0;
	return 1;
}

static int
v_numeric(const struct berval *v)
{
	size_t i, digits = 0;

	for (i = 0; i < v->bv_len; i++) {
		if (isdigit((unsigned char)v->bv_val[i]))
			digits++;
		else if (v->bv_val[i] != ' ')
			return 0;
	}
	return digits > 0;
}

static int
v_boolean(const struct berval *v)
{
	return (v->bv_len == 4 && strncasecmp(v->bv_val, "TRUE", 4) == 0) ||
	    (v->bv_len == 5 && strncasecmp(v->bv_val, "FALSE", 5) == 0);
}

static int
v_oid(const struct berval *v)
{
	size_t i;
	int dot = 1;

	if (v->bv_len == 0)
		return 0;
	if (isalpha((unsigned char)v->bv_val[0])) {
		/* descr: keystring */
		for (i = 0; i < v->bv_len; i++)
			if (!isalnum((unsigned char)v->bv_val[i]) &&
			    v->bv_val[i] != '-')
				return 0;
		return 1;
	}
	for (i = 0; i < v->bv_len; i++) {
		if (v->bv_val[i] == '.') {
			if (dot)
				return 0;
			dot = 1;
		} else if (isdigit((unsigned char)v->bv_val[i])) {
			dot = 0;
		} else
			return 0;
	}
	return !dot;
}

static int
gentime_parse(const struct berval *v, long long *secs, char *frac,
    size_t fraclen)
{
	const char *s = v->bv_val;
	size_t n = v->bv_len, i = 0, f = 0;
	struct tm tm;
	int parts[6] = { 0, 0, 0, 0, 0, 0 }, np = 0, k, off = 0;
	time_t t;

	/* YYYY MM DD HH [MM [SS]] */
	if (n < 11)
		return -1;
	for (k = 0; k < 4; k++)
		if (!isdigit((unsigned char)s[k]))
			return -1;
	parts[0] = atoi((char[5]){ s[0], s[1], s[2], s[3], 0 });
	i = 4;
	for (np = 1; np < 6 && i + 1 < n && isdigit((unsigned char)s[i]) &&
	    isdigit((unsigned char)s[i + 1]); np++, i += 2)
		parts[np] = (s[i] - '0') * 10 + (s[i + 1] - '0');
	if (np < 4)
		return -1;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		i++;
		if (i >= n || !isdigit((unsigned char)s[i]))
			return -1;
		while (i < n && isdigit((unsigned char)s[i])) {
			if (f + 1 < fraclen)
				frac[f++] = s[i];
			i++;
		}
	}
	if (fraclen)
		frac[f] = '\0';
	if (i >= n)
		return -1;
	if (s[i] == 'Z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		int sign = s[i] == '-' ? -1 : 1, hh, mm = 0;

		if (i + 3 > n || !isdigit((unsigned char)s[i + 1]) ||
		    !isdigit((unsigned char)s[i + 2]))
			return -1;
		hh = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
		i += 3;
		if (i + 2 <= n && isdigit((unsigned char)s[i]) &&
		    isdigit((unsigned char)s[i + 1])) {
			mm = (s[i] - '0') * 10 + (s[i + 1] - '0');
			i += 2;
		}
		if (hh > 23 || mm > 59)
			return -1;
		off = sign * (hh * 3600 + mm * 60);
	} else
		return -1;
	if (i != n)
		return -1;
	if (parts[1] < 1 || parts[1] > 12 || parts[2] < 1 || parts[2] > 31 ||
	    parts[3] > 23 || parts[4] > 59 || parts[5] > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = parts[0] - 1900;
	tm.tm_mon = parts[1] - 1;
	tm.tm_mday = parts[2];
	tm.tm_hour = parts[3];
	tm.tm_min = parts[4];
	tm.tm_sec = parts[5];
	t = timegm(&tm);
	/* timegm normalises 31 February: refuse dates that moved */
	{
		struct tm chk;
		gmtime_r(&t, &chk);
		if (chk.tm_mday != parts[2] && parts[5] != 60)
			return -1;
	}
	*secs = (long long)t - off;
	return 0;
}

static int
v_gentime(const struct berval *v)
{
	long long t;
	char frac[16];

	return gentime_parse(v, &t, frac, sizeof(frac)) == 0;
}

static int
v_uuid(const struct berval *v)
{
	size_t i;

	if (v->bv_len != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (v->bv_val[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)v->bv_val[i]))
			return 0;
	}
	return 1;
}

static int
v_dn(const struct berval *v)
{
	struct arena a = { 0 };
	struct berval p, n;
	int rc;

	rc = dn_normalize(mr_schema, &a, v, &p, &n);
	arena_free(&a);
	return rc == LDAP_SUCCESS;
}

static int
v_bitstring(const struct berval *v)
{
	size_t i;

	if (v->bv_len < 3 || v->bv_val[0] != '\'' ||
	    v->bv_val[v->bv_len - 2] != '\'' || v->bv_val[v->bv_len - 1] != 'B')
		return 0;
	for (i = 1; i < v->bv_len - 2; i++)
		if (v->bv_val[i] != '0' && v->bv_val[i] != '1')
			return 0;
	return 1;
}

static const struct syntax syntaxes[] = {
	{ S("3"), "Attribute Type Description", v_dirstring, 0 },
	{ S("5"), "Binary", NULL, 1 },
	{ S("6"), "Bit String", v_bitstring, 0 },
	{ S("7"), "Boolean", v_boolean, 0 },
	{ S("8"), "Certificate", NULL, 1 },
	{ S("9"), "Certificate List", NULL, 1 },
	{ S("10"), "Certificate Pair", NULL, 1 },
	{ S("11"), "Country String", v_country, 0 },
	{ S("12"), "Distinguished Name", v_dn, 0 },
	{ S("14"), "Delivery Method", v_dirstring, 0 },
	{ S("15"), "Directory String", v_dirstring, 0 },
	{ S("16"), "DIT Content Rule Description", v_dirstring, 0 },
	{ S("17"), "DIT Structure Rule Description", v_dirstring, 0 },
	{ S("22"), "Facsimile Telephone Number", v_dirstring, 0 },
	{ S("23"), "Fax", NULL, 1 },
	{ S("24"), "Generalized Time", v_gentime, 0 },
	{ S("25"), "Guide", v_dirstring, 0 },
	{ S("26"), "IA5 String", v_ia5, 0 },
	{ S("27"), "INTEGER", v_integer, 0 },
	{ S("28"), "JPEG", NULL, 1 },
	{ S("30"), "Matching Rule Description", v_dirstring, 0 },
	{ S("31"), "Matching Rule Use Description", v_dirstring, 0 },
	{ S("34"), "Name And Optional UID", v_dirstring, 0 },
	{ S("35"), "Name Form Description", v_dirstring, 0 },
	{ S("36"), "Numeric String", v_numeric, 0 },
	{ S("37"), "Object Class Description", v_dirstring, 0 },
	{ S("38"), "OID", v_oid, 0 },
	{ S("39"), "Other Mailbox", v_ia5, 0 },
	{ S("40"), "Octet String", NULL, 0 },
	{ S("41"), "Postal Address", v_dirstring, 0 },
	{ S("44"), "Printable String", v_printable, 0 },
	{ S("45"), "SubtreeSpecification", v_dirstring, 0 },
	{ S("49"), "Supported Algorithm", NULL, 1 },
	{ S("50"), "Telephone Number", v_dirstring, 0 },
	{ S("51"), "Teletex Terminal Identifier", v_dirstring, 0 },
	{ S("52"), "Telex Number", v_dirstring, 0 },
	{ S("54"), "LDAP Syntax Description", v_dirstring, 0 },
	{ S("58"), "Substring Assertion", v_dirstring, 0 },
	{ "1.3.6.1.1.16.1", "UUID", v_uuid, 0 },
	{ "1.3.6.1.1.1.0.0", "RFC2307 NIS Netgroup Triple", v_ia5, 0 },
	{ "1.3.6.1.1.1.0.1", "RFC2307 Boot Parameter", v_ia5, 0 },
};

/* ---- normalisers ---- */

static int
norm_space(struct arena *a, const struct berval *in, struct berval *out,
    int fold)
{
	char *p = arena_alloc(a, in->bv_len + 1);
	size_t i, n = 0;
	int sp = 0;

	for (i = 0; i < in->bv_len; i++) {
		unsigned char c = (unsigned char)in->bv_val[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			sp = n > 0;
			continue;
		}
		if (sp) {
			p[n++] = ' ';
			sp = 0;
		}
		p[n++] = (char)(fold && c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	/* a value of spaces only is one space (RFC 4518 2.6.1), so that a
	 * normalised value is never empty when the value is not */
	if (n == 0 && in->bv_len > 0)
		p[n++] = ' ';
	p[n] = '\0';
	out->bv_val = p;
	out->bv_len = n;
	return 0;
}

int
mr_norm_case_ignore(struct arena *a, const struct berval *in,
    struct berval *out)
{
	return norm_space(a, in, out, 1);
}

int
mr_norm_case_exact(struct arena *a, const struct berval *in,
    struct berval *out)
{
	return norm_space(a, in, out, 0);
}

static int
norm_integer(struct arena *a, const struct berval *in, struct berval *out)
{
	size_t i = 0, start;
	int neg = 0;
	char *p;

	if (!v_integer(in))
		return -1;
	if (in->bv_val[0] == '-' || in->bv_val[0] == '+') {
		neg = in->bv_val[0] == '-';
		i++;
	}
	while (i + 1 < in->bv_len && in->bv_val[i] == '0')
		i++;
	start = i;
	if (in->bv_len - start == 1 && in->bv_val[start] == '0')
		neg = 0;
	p = arena_alloc(a, in->bv_len - start + 2);
	out->bv_len = 0;
	if (neg)
		p[out->bv_len++] = '-';
	memcpy(p + out->bv_len, in->bv_val + start, in->bv_len - start);
	out->bv_len += in->bv_len - start;
	p[out->bv_len] = '\0';
	out->bv_val = p;
	return 0;
}

static int
norm_numeric(struct arena *a, const struct berval *in, struct berval *out)
{
	char *p = arena_alloc(a, in->bv_len + 1);
	size_t i, n = 0;

	for (i = 0; i < in->bv_len; i++)
		if (in->bv_val[i] != ' ')
			p[n++] = in->bv_val[i];
	if (n == 0 && in->bv_len > 0)
		return -1;	/* spaces only: not a numeric string */
	p[n] = '\0';
	out->bv_val = p;
	out->bv_len = n;
	return 0;
}

static int
norm_telephone(struct arena *a, const struct berval *in, struct berval *out)
{
	char *p = arena_alloc(a, in->bv_len + 1);
	size_t i, n = 0;

	for (i = 0; i < in->bv_len; i++) {
		unsigned char c = (unsigned char)in->bv_val[i];
		if (c == ' ' || c == '-')
			continue;
		p[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	if (n == 0 && in->bv_len > 0)
		return -1;	/* separators only: no number */
	p[n] = '\0';
	out->bv_val = p;
	out->bv_len = n;
	return 0;
}

static int
norm_boolean(struct arena *a, const struct berval *in, struct berval *out)
{
	if (!v_boolean(in))
		return -1;
	out->bv_val = arena_strndup(a, in->bv_len == 4 ? "TRUE" : "FALSE",
	    in->bv_len);
	out->bv_len = in->bv_len;
	return 0;
}

static int
norm_gentime(struct arena *a, const struct berval *in, struct berval *out)
{
	long long t;
	char frac[16], buf[16], *p;
	size_t fl;

	if (gentime_parse(in, &t, frac, sizeof(frac)) != 0)
		return -1;
	/* a time zone may carry the instant out of four-digit years */
	if (t < -62167219200LL || t > 253402300799LL)
		return -1;
	gentime_format(t, buf);
	fl = strlen(frac);
	while (fl > 0 && frac[fl - 1] == '0')
		frac[--fl] = '\0';
	p = arena_alloc(a, 32);
	if (fl)
		out->bv_len = (size_t)snprintf(p, 32, "%.14s.%sZ", buf, frac);
	else
		out->bv_len = (size_t)snprintf(p, 32, "%s", buf);
	out->bv_val = p;
	return 0;
}

static int
norm_oid(struct arena *a, const struct berval *in, struct berval *out)
{
	struct attrtype *at;
	struct objclass *oc;
	const char *name = NULL;

	if (!v_oid(in))
		return -1;
	if (mr_schema != NULL) {
		if ((oc = schema_oc(mr_schema, in->bv_val, in->bv_len)) != NULL)
			name = oc->name;
		else if ((at = schema_at(mr_schema, in->bv_val, in->bv_len))
		    != NULL)
			name = at->name;
	}
	if (name != NULL) {
		struct berval tmp = { strlen(name), (char *)(uintptr_t)name };
		return norm_space(a, &tmp, out, 1);
	}
	return norm_space(a, in, out, 1);
}

static int
norm_uuid(struct arena *a, const struct berval *in, struct berval *out)
{
	if (!v_uuid(in))
		return -1;
	return norm_space(a, in, out, 1);
}

static int
norm_dn(struct arena *a, const struct berval *in, struct berval *out)
{
	struct berval pretty;

	if (dn_normalize(mr_schema, a, in, &pretty, out) != LDAP_SUCCESS)
		return -1;
	return 0;
}

static int
norm_unique_member(struct arena *a, const struct berval *in,
    struct berval *out)
{
	struct berval dn = *in, pretty, ndn;
	const char *hash = NULL;
	size_t i;
	char *p;

	/* nameAndOptionalUID: DN [ "#" BitString ] */
	for (i = in->bv_len; i > 0; i--)
		if (in->bv_val[i - 1] == '#') {
			hash = in->bv_val + i - 1;
			break;
		}
	if (hash != NULL && hash[1] == '\'') {
		struct berval bits = { in->bv_len - (size_t)(hash + 1 - in->bv_val),
		    (char *)(uintptr_t)(hash + 1) };
		if (v_bitstring(&bits))
			dn.bv_len = (size_t)(hash - in->bv_val);
		else
			hash = NULL;
	} else
		hash = NULL;
	if (dn_normalize(mr_schema, a, &dn, &pretty, &ndn) != LDAP_SUCCESS)
		return -1;
	if (hash == NULL) {
		*out = ndn;
		return 0;
	}
	p = arena_alloc(a, ndn.bv_len + in->bv_len - dn.bv_len + 1);
	memcpy(p, ndn.bv_val, ndn.bv_len);
	memcpy(p + ndn.bv_len, hash, in->bv_len - dn.bv_len);
	out->bv_len = ndn.bv_len + in->bv_len - dn.bv_len;
	p[out->bv_len] = '\0';
	out->bv_val = p;
	return 0;
}

#define CIM	"2.5.13.2"
static const struct mrule mrules[] = {
	{ "2.5.13.0", "objectIdentifierMatch", MR_EQUALITY, norm_oid, MR_CMP_BYTES, S("38") },
	{ "2.5.13.1", "distinguishedNameMatch", MR_EQUALITY, norm_dn, MR_CMP_BYTES, S("12") },
	{ "2.5.13.2", "caseIgnoreMatch", MR_EQUALITY, mr_norm_case_ignore, MR_CMP_BYTES, S("15") },
	{ "2.5.13.3", "caseIgnoreOrderingMatch", MR_ORDERING, mr_norm_case_ignore, MR_CMP_BYTES, S("15") },
	{ "2.5.13.4", "caseIgnoreSubstringsMatch", MR_SUBSTR, mr_norm_case_ignore, MR_CMP_BYTES, S("58") },
	{ "2.5.13.5", "caseExactMatch", MR_EQUALITY, mr_norm_case_exact, MR_CMP_BYTES, S("15") },
	{ "2.5.13.6", "caseExactOrderingMatch", MR_ORDERING, mr_norm_case_exact, MR_CMP_BYTES, S("15") },
	{ "2.5.13.7", "caseExactSubstringsMatch", MR_SUBSTR, mr_norm_case_exact, MR_CMP_BYTES, S("58") },
	{ "2.5.13.8", "numericStringMatch", MR_EQUALITY, norm_numeric, MR_CMP_BYTES, S("36") },
	{ "2.5.13.9", "numericStringOrderingMatch", MR_ORDERING, norm_numeric, MR_CMP_BYTES, S("36") },
	{ "2.5.13.10", "numericStringSubstringsMatch", MR_SUBSTR, norm_numeric, MR_CMP_BYTES, S("58") },
	{ "2.5.13.11", "caseIgnoreListMatch", MR_EQUALITY, mr_norm_case_ignore, MR_CMP_BYTES, S("41") },
	{ "2.5.13.12", "caseIgnoreListSubstringsMatch", MR_SUBSTR, mr_norm_case_ignore, MR_CMP_BYTES, S("58") },
	{ "2.5.13.13", "booleanMatch", MR_EQUALITY, norm_boolean, MR_CMP_BYTES, S("7") },
	{ "2.5.13.14", "integerMatch", MR_EQUALITY, norm_integer, MR_CMP_INTEGER, S("27") },
	{ "2.5.13.15", "integerOrderingMatch", MR_ORDERING, norm_integer, MR_CMP_INTEGER, S("27") },
	{ "2.5.13.16", "bitStringMatch", MR_EQUALITY, NULL, MR_CMP_BYTES, S("6") },
	{ "2.5.13.17", "octetStringMatch", MR_EQUALITY, NULL, MR_CMP_BYTES, S("40") },
	{ "2.5.13.18", "octetStringOrderingMatch", MR_ORDERING, NULL, MR_CMP_BYTES, S("40") },
	{ "2.5.13.19", "octetStringSubstringsMatch", MR_SUBSTR, NULL, MR_CMP_BYTES, S("58") },
	{ "2.5.13.20", "telephoneNumberMatch", MR_EQUALITY, norm_telephone, MR_CMP_BYTES, S("50") },
	{ "2.5.13.21", "telephoneNumberSubstringsMatch", MR_SUBSTR, norm_telephone, MR_CMP_BYTES, S("58") },
	{ "2.5.13.22", "presentationAddressMatch", MR_EQUALITY, mr_norm_case_ignore, MR_CMP_BYTES, S("43") },
	{ "2.5.13.23", "uniqueMemberMatch", MR_EQUALITY, norm_unique_member, MR_CMP_BYTES, S("34") },
	{ "2.5.13.24", "protocolInformationMatch", MR_EQUALITY, mr_norm_case_ignore, MR_CMP_BYTES, S("42") },
	{ "2.5.13.27", "generalizedTimeMatch", MR_EQUALITY, norm_gentime, MR_CMP_BYTES, S("24") },
	{ "2.5.13.28", "generalizedTimeOrderingMatch", MR_ORDERING, norm_gentime, MR_CMP_TIME, S("24") },
	{ "2.5.13.29", "integerFirstComponentMatch", MR_EQUALITY, norm_integer, MR_CMP_INTEGER, S("27") },
	{ "2.5.13.30", "objectIdentifierFirstComponentMatch", MR_EQUALITY, norm_oid, MR_CMP_BYTES, S("38") },
	{ "2.5.13.31", "directoryStringFirstComponentMatch", MR_EQUALITY, mr_norm_case_ignore, MR_CMP_BYTES, S("15") },
	{ "2.5.13.34", "certificateExactMatch", MR_EQUALITY, NULL, MR_CMP_BYTES, "1.3.6.1.1.15.1" },
	{ "2.5.13.35", "certificateMatch", MR_EQUALITY, NULL, MR_CMP_BYTES, "1.3.6.1.1.15.2" },
	{ "1.3.6.1.4.1.1466.109.114.1", "caseExactIA5Match", MR_EQUALITY, mr_norm_case_exact, MR_CMP_BYTES, S("26") },
	{ "1.3.6.1.4.1.1466.109.114.2", "caseIgnoreIA5Match", MR_EQUALITY, mr_norm_case_ignore, MR_CMP_BYTES, S("26") },
	{ "1.3.6.1.4.1.1466.109.114.3", "caseIgnoreIA5SubstringsMatch", MR_SUBSTR, mr_norm_case_ignore, MR_CMP_BYTES, S("58") },
	{ "1.3.6.1.4.1.4203.1.2.1", "caseExactIA5SubstringsMatch", MR_SUBSTR, mr_norm_case_exact, MR_CMP_BYTES, S("58") },
	/* OpenLDAP's CSN rules (entryCSN): ordered octet strings */
	{ "1.3.6.1.4.1.4203.666.11.2.2", "CSNMatch", MR_EQUALITY, NULL, MR_CMP_BYTES, "1.3.6.1.4.1.4203.666.11.2.1" },
	{ "1.3.6.1.4.1.4203.666.11.2.3", "CSNOrderingMatch", MR_ORDERING, NULL, MR_CMP_BYTES, "1.3.6.1.4.1.4203.666.11.2.1" },
	{ "1.3.6.1.4.1.4203.666.11.2.5", "CSNSIDMatch", MR_EQUALITY, NULL, MR_CMP_BYTES, "1.3.6.1.4.1.4203.666.11.2.4" },
	{ "1.3.6.1.1.16.2", "UUIDMatch", MR_EQUALITY, norm_uuid, MR_CMP_BYTES, "1.3.6.1.1.16.1" },
	{ "1.3.6.1.1.16.3", "UUIDOrderingMatch", MR_ORDERING, norm_uuid, MR_CMP_BYTES, "1.3.6.1.1.16.1" },
};

const struct mrule *
mrule_find(const char *s)
{
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < NELEM(mrules); i++)
		if (strcmp(s, mrules[i].oid) == 0 ||
		    strcasecmp(s, mrules[i].name) == 0)
			return &mrules[i];
	return NULL;
}

const struct syntax *
syntax_find(const char *oid)
{
	size_t i;

	if (oid == NULL)
		return NULL;
	for (i = 0; i < NELEM(syntaxes); i++)
		if (strcmp(oid, syntaxes[i].oid) == 0)
			return &syntaxes[i];
	return NULL;
}

void
mrule_each(void (*fn)(const struct mrule *, void *), void *arg)
{
	size_t i;

	for (i = 0; i < NELEM(mrules); i++)
		fn(&mrules[i], arg);
}

void
syntax_each(void (*fn)(const struct syntax *, void *), void *arg)
{
	size_t i;

	for (i = 0; i < NELEM(syntaxes); i++)
		fn(&syntaxes[i], arg);
}

static int
bv_cmp(const struct berval *a, const struct berval *b)
{
	size_t n = a->bv_len < b->bv_len ? a->bv_len : b->bv_len;
	int c = n ? memcmp(a->bv_val, b->bv_val, n) : 0;

	if (c != 0)
		return c;
	return (a->bv_len > b->bv_len) - (a->bv_len < b->bv_len);
}

int
mrule_compare(const struct mrule *mr, const struct berval *a,
    const struct berval *b)
{
	int na, nb, c;
	struct berval ma, mb;

	if (mr == NULL || mr->cmp == MR_CMP_BYTES)
		return bv_cmp(a, b);
	if (mr->cmp == MR_CMP_TIME) {
		/* "YYYYMMDDHHMMSS[.fff]Z": seconds, then the fraction digit by
		 * digit, a missing digit being 0 */
		size_t i, la, lb;

		if (a->bv_len < 15 || b->bv_len < 15)
			return bv_cmp(a, b);
		if ((c = memcmp(a->bv_val, b->bv_val, 14)) != 0)
			return c;
		la = a->bv_len - 1;	/* without the Z */
		lb = b->bv_len - 1;
		for (i = 15; i < la || i < lb; i++) {
			char x = i < la ? a->bv_val[i] : '0';
			char y = i < lb ? b->bv_val[i] : '0';
			if (x != y)
				return x < y ? -1 : 1;
		}
		return 0;
	}
	/* integers in normalised form: sign, then length, then digits */
	na = a->bv_len > 0 && a->bv_val[0] == '-';
	nb = b->bv_len > 0 && b->bv_val[0] == '-';
	if (na != nb)
		return na ? -1 : 1;
	ma = *a;
	mb = *b;
	if (na) {
		ma.bv_val++, ma.bv_len--;
		mb.bv_val++, mb.bv_len--;
	}
	if (ma.bv_len != mb.bv_len)
		c = ma.bv_len < mb.bv_len ? -1 : 1;
	else
		c = bv_cmp(&ma, &mb);
	return na ? -c : c;
}
