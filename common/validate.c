/*
 * validate.c - format checks for identity data; see validate.h.
 *
 * Standards cited below:
 *   GB 11643-1999  Citizen identification number (公民身份号码)
 *   ISO 7064:2003  Check character systems (MOD 11-2)
 *   GB/T 2260      Codes for the administrative divisions of China
 *   GB 32100-2015  Coding rule of the unified social credit identifier
 *                  for legal persons and other organizations
 *   RFC 5321, 5322, 6531, 6532, 1035, 5890  e-mail address and domain shapes
 *
 * Everything here is plain ASCII/UTF-8 byte work: no <ctype.h>, whose
 * answers depend on the locale, and no allocation.  Reasons are string
 * literals (the "expected X" ones come from tables) so callers can hand
 * them out as they are.
 */
/* gmtime_r is POSIX.1-2001, not C17 */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <stddef.h>
#include <string.h>
#include <time.h>

#include "validate.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static int
validate_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static int
validate_isupper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static int
validate_isalpha(int c)
{
	return validate_isupper(c) || (c >= 'a' && c <= 'z');
}

static int
validate_lower(int c)
{
	return validate_isupper(c) ? c - 'A' + 'a' : c;
}

static int
validate_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!validate_isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* s (len bytes) equals the NUL-terminated lit, ignoring ASCII case */
static int
validate_ieq(const char *s, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (lit[i] == '\0' || validate_lower((unsigned char)s[i]) !=
		    validate_lower((unsigned char)lit[i]))
			return 0;
	return lit[len] == '\0';
}

/*
 * Length of the well-formed UTF-8 sequence at s[0] (at most n bytes),
 * its code point in *cp; 0 when ill-formed.  Overlong forms, surrogates
 * and values above U+10FFFF are rejected as RFC 3629 section 3 requires,
 * so one code point has one spelling (matters for duplicate checks).
 */
static size_t
validate_utf8(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long c, min;
	size_t need, i;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return need;
}

/* C0, DEL and C1 controls (Unicode general category Cc) */
static int
validate_iscntrl(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* ------------------------------------------------------------------ */
/* Dates */

static int
validate_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
validate_mdays(int y, int m)
{
	static const int days[12] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && validate_leap(y) ? 29 : days[m - 1];
}

static int
validate_num(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/*
 * Today's date in China Standard Time (UTC+8, no DST): GB 11643 birth
 * dates are Beijing dates, and a person born just after midnight there
 * must not be "in the future" on a server that keeps UTC.
 */
static int
validate_today(int *y, int *m, int *d)
{
	struct tm tm;
	time_t t;

	if ((t = time(NULL)) == (time_t)-1)
		return -1;
	t += 8 * 60 * 60;
	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
	return 0;
}

/* the 8 digits at s as YYYYMMDD: a calendar date from 1900 up to today */
static const char *
validate_birth(const char *s, int ty, int tm, int td)
{
	int y, m, d;

	y = validate_num(s, 4);
	m = validate_num(s + 4, 2);
	d = validate_num(s + 6, 2);
	if (m < 1 || m > 12 || d < 1 || d > validate_mdays(y, m))
		return "ID number birth date is not a valid date";
	if (y < 1900)
		return "ID number birth year is before 1900";
	if (y > ty || (y == ty && (m > tm || (m == tm && d > td))))
		return "ID number birth date is in the future";
	return NULL;
}

/* ------------------------------------------------------------------ */
/* GB 11643-1999 */

/*
 * GB 11643-1999 clause 5.5 (ISO 7064 MOD 11-2): S = sum(a_i * W_i) over
 * the 17 digits with W_i = 2^(i-1) mod 11 counted from the right, the
 * check value is (12 - S mod 11) mod 11, written as "10X98765432"[S mod
 * 11] with X for 10.
 */
static const char gb11643_chk[] = "10X98765432";

static const char *const gb11643_msg[11] = {
	"ID number check character is wrong (expected 1)",
	"ID number check character is wrong (expected 0)",
	"ID number check character is wrong (expected X)",
	"ID number check character is wrong (expected 9)",
	"ID number check character is wrong (expected 8)",
	"ID number check character is wrong (expected 7)",
	"ID number check character is wrong (expected 6)",
	"ID number check character is wrong (expected 5)",
	"ID number check character is wrong (expected 4)",
	"ID number check character is wrong (expected 3)",
	"ID number check character is wrong (expected 2)",
};

/* s is 17 digits and a check character; NULL when the check matches */
static const char *
validate_gb11643_check(const char *s)
{
	static const int w[17] = {
	    7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int i, sum = 0, c;

	for (i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	sum %= 11;
	/* lower-case x: people type it, and idNumber matches ignoring case */
	c = s[17] == 'x' ? 'X' : s[17];
	return c == gb11643_chk[sum] ? NULL : gb11643_msg[sum];
}

/* 18 characters: 17 digits, then a digit or X/x */
static const char *
validate_gb11643_shape(const char *s, size_t len)
{
	if (len != 18)
		return "ID number must be 18 characters";
	if (!validate_digits(s, 17))
		return "ID number must be 17 digits and a check character";
	if (!validate_isdigit((unsigned char)s[17]) && s[17] != 'X' &&
	    s[17] != 'x')
		return "ID number check character must be a digit or X";
	return NULL;
}

/*
 * The first two digits of the address code (GB 11643 clause 5.2) are a
 * province-level code of GB/T 2260; 71, 81 and 82 are Taiwan, Hong Kong
 * and Macao, and 81/82/83 also open the numbers of the residence permits
 * for those residents (810000, 820000, 830000).  91, used by some old
 * systems for "abroad", is no GB/T 2260 code.
 */
static int
validate_province(const char *s)
{
	static const unsigned char lo[] = { 11, 21, 31, 41, 50, 61, 71, 81 };
	static const unsigned char hi[] = { 15, 23, 37, 46, 54, 65, 71, 83 };
	int p;
	size_t i;

	p = validate_num(s, 2);
	for (i = 0; i < NITEMS(lo); i++)
		if (p >= lo[i] && p <= hi[i])
			return 1;
	return 0;
}

const char *
validate_resident_id_asof(const char *s, size_t len, int ty, int tm, int td)
{
	const char *why;

	if (s == NULL)
		return "ID number must be 18 characters";
	if ((why = validate_gb11643_shape(s, len)) != NULL)
		return why;
	if (!validate_province(s))
		return "ID number area code is not a valid province code";
	/* clause 5.3: YYYYMMDD at characters 7-14 */
	if ((why = validate_birth(s + 6, ty, tm, td)) != NULL)
		return why;
	return validate_gb11643_check(s);
}

const char *
validate_resident_id(const char *s, size_t len)
{
	int y, m, d;

	if (validate_today(&y, &m, &d) == -1)
		return "cannot check the birth date: no system clock";
	return validate_resident_id_asof(s, len, y, m, d);
}

int
resident_id_birth(const char *s, size_t len, int *y, int *m, int *d)
{
	if (validate_resident_id(s, len) != NULL)
		return -1;
	if (y != NULL)
		*y = validate_num(s + 6, 4);
	if (m != NULL)
		*m = validate_num(s + 10, 2);
	if (d != NULL)
		*d = validate_num(s + 12, 2);
	return 0;
}

int
resident_id_gender(const char *s, size_t len)
{
	if (validate_resident_id(s, len) != NULL)
		return 0;
	/* clause 5.4: the sequence code is odd for men, even for women */
	return (s[16] - '0') % 2 == 1 ? 1 : 2;
}

/* ------------------------------------------------------------------ */
/* Other identity documents */

/*
 * 港澳居民来往内地通行证: H (Hong Kong) or M (Macao) and 8 digits on the
 * card issued since 2013 (also the 2019 permit for non-Chinese
 * residents); H/M and 10 digits is the same number with its two-digit
 * issue count, as printed on the older booklets and still found in
 * records.  港澳台居民居住证 (2018): a GB 11643 number under address code
 * 810000 or 820000.
 */
static const char *
validate_hk_macao(const char *s, size_t len)
{
	if (len == 18) {
		if (memcmp(s, "810000", 6) != 0 && memcmp(s, "820000", 6) != 0)
			return "Hong Kong/Macao residence permit number must "
			    "start with 810000 or 820000";
		return validate_resident_id(s, len);
	}
	if ((len == 9 || len == 11) && (s[0] == 'H' || s[0] == 'M') &&
	    validate_digits(s + 1, len - 1))
		return NULL;
	return "Hong Kong/Macao permit number must be H or M and 8 or 10 "
	    "digits, or an 18-character residence permit number";
}

/*
 * 台湾居民来往大陆通行证: 8 digits on the card issued since 2015;
 * 台湾居民居住证: a GB 11643 number under address code 830000.
 */
static const char *
validate_taiwan(const char *s, size_t len)
{
	if (len == 18) {
		if (memcmp(s, "830000", 6) != 0)
			return "Taiwan residence permit number must start with "
			    "830000";
		return validate_resident_id(s, len);
	}
	if (len == 8 && validate_digits(s, len))
		return NULL;
	return "Taiwan permit number must be 8 digits, or an 18-character "
	    "residence permit number";
}

/*
 * 外国人永久居留身份证: the 2004/2017 cards carry 3 letters (the
 * holder's nationality) and 12 digits; the 2023 card carries 18
 * characters built like a GB 11643 number, first digit 9 (set apart from
 * citizens' 1-8) and the same MOD 11-2 check character.
 */
static const char *
validate_foreign_pr(const char *s, size_t len)
{
	const char *why;

	if (len == 15) {
		if (validate_isupper((unsigned char)s[0]) &&
		    validate_isupper((unsigned char)s[1]) &&
		    validate_isupper((unsigned char)s[2]) &&
		    validate_digits(s + 3, 12))
			return NULL;
		return "permanent residence ID number (15 characters) must be "
		    "3 capital letters and 12 digits";
	}
	if (len == 18) {
		if (s[0] != '9')
			return "permanent residence ID number (18 characters) "
			    "must start with 9";
		if ((why = validate_gb11643_shape(s, len)) != NULL)
			return why;
		return validate_gb11643_check(s);
	}
	return "permanent residence ID number must be 15 or 18 characters";
}

/* passports of any country: ICAO 9303 document numbers are A-Z and 0-9 */
static const char *
validate_passport(const char *s, size_t len)
{
	size_t i;
	int digit = 0;

	if (len < 5 || len > 20)
		return "passport number must be 5-20 characters";
	for (i = 0; i < len; i++) {
		if (validate_isdigit((unsigned char)s[i]))
			digit = 1;
		else if (!validate_isupper((unsigned char)s[i]))
			return "passport number may only contain A-Z and 0-9";
	}
	if (!digit)
		return "passport number must contain a digit";
	return NULL;
}

/*
 * Anything printable: 1-64 characters of printable ASCII.  idNumber has
 * the IA5 String syntax (schema/unifiedid.schema), so no UTF-8 here.
 */
static const char *
validate_other_id(const char *s, size_t len)
{
	size_t i;

	if (len < 1 || len > 64)
		return "ID number must be 1-64 characters";
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return "ID number may only contain printable ASCII "
			    "characters";
	return NULL;
}

const char *
validate_id(const char *idtype, const char *s, size_t len)
{
	static const struct {
		const char	*name;
		const char	*(*fn)(const char *, size_t);
	} types[] = {
		{ "resident-id",		validate_resident_id },
		{ "hk-macao-permit",		validate_hk_macao },
		{ "taiwan-permit",		validate_taiwan },
		{ "foreign-permanent-residence", validate_foreign_pr },
		{ "passport",			validate_passport },
		{ "other",			validate_other_id },
	};
	size_t i;

	/* an idNumber without idType is a resident ID (unifiedid.schema) */
	if (idtype == NULL)
		idtype = "resident-id";
	for (i = 0; i < NITEMS(types); i++)
		if (validate_ieq(idtype, strlen(idtype), types[i].name)) {
			if (s == NULL)
				len = 0, s = "";
			return types[i].fn(s, len);
		}
	return "unknown ID type";
}

/* ------------------------------------------------------------------ */
/* Mobile numbers */

/*
 * Walk s, handing the 11 national digits to out (when not NULL).  A
 * mainland mobile number is 1, a second digit 3-9 (the 13x-19x ranges
 * the MIIT numbering plan gives to mobile networks) and 9 more digits.
 * The country code is +86 or 86; a space or hyphen may follow it and
 * may sit between the 3-4-4 groups people write, nowhere else.
 */
static const char *
validate_mobile_scan(const char *s, size_t len, char out[12])
{
	char d[12];
	size_t i = 0, nd = 0;
	int prefix = 0, c;

	if (s == NULL || len == 0)
		return "mobile number is empty";
	if (s[0] == '+') {
		if (len < 3 || s[1] != '8' || s[2] != '6')
			return "mobile number country code must be +86";
		i = 3;
		prefix = 1;
	} else if (len >= 2 && s[0] == '8' && s[1] == '6') {
		/* no mobile number starts with 8, so this is the country code */
		i = 2;
		prefix = 1;
	}
	for (; i < len; i++) {
		c = (unsigned char)s[i];
		if (validate_isdigit(c)) {
			if (nd < 11)
				d[nd] = (char)c;
			nd++;
			continue;
		}
		if (c != ' ' && c != '-')
			return "mobile number may only contain digits, +86 and "
			    "separators";
		/* i > 0 here: at nd == 0 only after the country code */
		if (!((nd == 0 && prefix) || nd == 3 || nd == 7) ||
		    !validate_isdigit((unsigned char)s[i - 1]) ||
		    i + 1 == len || !validate_isdigit((unsigned char)s[i + 1]))
			return "mobile number separators may only split it "
			    "into 3-4-4 digit groups";
	}
	if (nd != 11)
		return "mobile number must be 11 digits";
	d[11] = '\0';
	if (d[0] != '1' || d[1] < '3' || d[1] > '9')
		return "mobile number must start with 13-19";
	if (out != NULL)
		memcpy(out, d, sizeof(d));
	return NULL;
}

const char *
validate_mobile(const char *s, size_t len)
{
	return validate_mobile_scan(s, len, NULL);
}

int
normalize_mobile(const char *s, size_t len, char out[12])
{
	if (validate_mobile_scan(s, len, out) != NULL) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Unified social credit code */

/*
 * GB 32100-2015 code character set: digits and the capital letters
 * without I, O, Z, S and V (too easily read as 1, 0, 2, 5 and U).
 */
static const char uscc_set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

#define USCC_MSG(c)	"credit code check character is wrong (expected " c ")"
static const char *const uscc_msg[31] = {
	USCC_MSG("0"), USCC_MSG("1"), USCC_MSG("2"), USCC_MSG("3"),
	USCC_MSG("4"), USCC_MSG("5"), USCC_MSG("6"), USCC_MSG("7"),
	USCC_MSG("8"), USCC_MSG("9"), USCC_MSG("A"), USCC_MSG("B"),
	USCC_MSG("C"), USCC_MSG("D"), USCC_MSG("E"), USCC_MSG("F"),
	USCC_MSG("G"), USCC_MSG("H"), USCC_MSG("J"), USCC_MSG("K"),
	USCC_MSG("L"), USCC_MSG("M"), USCC_MSG("N"), USCC_MSG("P"),
	USCC_MSG("Q"), USCC_MSG("R"), USCC_MSG("T"), USCC_MSG("U"),
	USCC_MSG("W"), USCC_MSG("X"), USCC_MSG("Y"),
};
#undef USCC_MSG

static int
validate_uscc_value(int c)
{
	const char *p;

	if (c == '\0' || (p = strchr(uscc_set, c)) == NULL)
		return -1;
	return (int)(p - uscc_set);
}

/*
 * GB 32100-2015 registration authority codes (1st character) and the
 * institution types under each (2nd).  Authorities given codes after
 * the standard (e.g. 3 司法 for law firms, 8 工会, N 农业农村) are not
 * accepted yet.  1 机构编制 (1 机关, 2 事业单位,
 * 3 中央编办直管群众团体, 9 其他); 5 民政 (1 社会团体, 2 民办非企业单位,
 * 3 基金会, 9 其他); 9 工商 (1 企业, 2 个体工商户, 3 农民专业合作社);
 * Y 其他 (1).
 */
static int
validate_uscc_kind(int auth, int type)
{
	static const struct {
		char		 auth;
		const char	*types;
	} kinds[] = {
		{ '1', "1239" },
		{ '5', "1239" },
		{ '9', "123" },
		{ 'Y', "1" },
	};
	size_t i;

	for (i = 0; i < NITEMS(kinds); i++)
		if (kinds[i].auth == auth)
			return type != '\0' &&
			    strchr(kinds[i].types, type) != NULL ? 1 : 0;
	return -1;
}

const char *
validate_uscc(const char *s, size_t len)
{
	/* check character weights: W_i = 3^(i-1) mod 31 */
	static const int w[17] = {
	    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
	int i, c, v, sum = 0;

	if (s == NULL || len != 18)
		return "credit code must be 18 characters";
	for (i = 0; i < 18; i++) {
		c = (unsigned char)s[i];
		if (validate_uscc_value(c) >= 0)
			continue;
		if (c >= 'a' && c <= 'z')
			return "credit code letters must be upper case";
		if (c == 'I' || c == 'O' || c == 'Z' || c == 'S' || c == 'V')
			return "credit code may not contain I, O, Z, S or V";
		return "credit code may only contain digits and capital "
		    "letters";
	}
	switch (validate_uscc_kind(s[0], s[1])) {
	case -1:
		return "credit code registration authority (1st character) "
		    "must be 1, 5, 9 or Y";
	case 0:
		return "credit code institution type (2nd character) does not "
		    "exist for its registration authority";
	}
	/* 3rd-8th: GB/T 2260 code of the registering authority's area */
	if (!validate_digits(s + 2, 6))
		return "credit code area code (characters 3-8) must be 6 digits";
	for (i = 0; i < 17; i++)
		sum += validate_uscc_value((unsigned char)s[i]) * w[i];
	/* C18 = 31 - (sum mod 31), and 31 is written 0 */
	v = (31 - sum % 31) % 31;
	if (validate_uscc_value((unsigned char)s[17]) != v)
		return uscc_msg[v];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* E-mail */

/* RFC 5322 section 3.2.3 atext, ASCII part */
static int
validate_atext(int c)
{
	return validate_isalpha(c) || validate_isdigit(c) ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/*
 * Local part: dot-atom only (no quoted strings: nobody registers those
 * for a government account and they complicate every later consumer).
 * RFC 6532 section 3.2 adds UTF-8 to atext for internationalised
 * addresses, which Chinese mail providers hand out.  RFC 5321 section
 * 4.5.3.1.1: at most 64 octets.
 */
static const char *
validate_email_local(const char *s, size_t len)
{
	unsigned long cp;
	size_t i, n;

	if (len < 1 || len > 64)
		return "e-mail local part must be 1-64 characters";
	if (s[0] == '.' || s[len - 1] == '.')
		return "e-mail local part may not start or end with a dot";
	for (i = 0; i < len; i += n) {
		if (s[i] == '.') {
			if (i + 1 < len && s[i + 1] == '.')
				return "e-mail local part may not contain "
				    "two dots in a row";
			n = 1;
			continue;
		}
		n = validate_utf8((const unsigned char *)s + i, len - i, &cp);
		if (n == 0)
			return "e-mail address is not valid UTF-8";
		if (cp < 0x80 ? !validate_atext((int)cp) : validate_iscntrl(cp))
			return "e-mail local part contains a character that "
			    "is not allowed";
	}
	return NULL;
}

/*
 * Domain: RFC 1035 section 2.3.1 / RFC 5321 section 4.5.3.1.2 sizes
 * (labels 1-63 octets, name at most 253 without the root dot), LDH
 * labels not starting or ending with a hyphen, and U-labels of IDNA 2008
 * (RFC 5890) taken as UTF-8 without further mapping.  At least two
 * labels, for the mail must leave this host, and the top-level label
 * alphabetic: letters, an A-label (xn--...) or a U-label.
 */
static const char *
validate_email_domain(const char *s, size_t len)
{
	unsigned long cp;
	size_t i, n, start, labels = 0;
	int ascii_alpha, nonascii, other;

	if (len < 1 || len > 253)
		return "e-mail domain must be 1-253 characters";
	for (start = 0; start <= len; start = i + 1) {
		ascii_alpha = nonascii = other = 0;
		for (i = start; i < len && s[i] != '.'; i += n) {
			n = validate_utf8((const unsigned char *)s + i,
			    len - i, &cp);
			if (n == 0)
				return "e-mail address is not valid UTF-8";
			if (cp >= 0x80) {
				if (validate_iscntrl(cp))
					return "e-mail domain contains a "
					    "character that is not allowed";
				nonascii = 1;
			} else if (validate_isalpha((int)cp))
				ascii_alpha = 1;
			else if (validate_isdigit((int)cp) || cp == '-')
				other = 1;
			else
				return "e-mail domain contains a character "
				    "that is not allowed";
		}
		labels++;
		if (i == start)
			return "e-mail domain has an empty label";
		if (i - start > 63)
			return "e-mail domain label is longer than 63 "
			    "characters";
		if (s[start] == '-' || s[i - 1] == '-')
			return "e-mail domain label may not start or end "
			    "with a hyphen";
		if (i < len)
			continue;
		/* the last label */
		if (labels < 2)
			return "e-mail domain must contain a dot";
		if (i - start >= 5 && validate_ieq(s + start, 4, "xn--"))
			break;
		if (other || (ascii_alpha && nonascii) ||
		    (ascii_alpha && i - start < 2))
			return "e-mail top-level domain must be letters, "
			    "at least 2";
		break;
	}
	return NULL;
}

const char *
validate_email(const char *s, size_t len)
{
	const char *at = NULL, *why;
	size_t i;

	if (s == NULL || len == 0)
		return "e-mail address is empty";
	for (i = 0; i < len; i++)
		if (s[i] == '@') {
			if (at != NULL)
				return "e-mail address must contain only one @";
			at = s + i;
		}
	if (at == NULL)
		return "e-mail address must contain @";
	if ((why = validate_email_local(s, (size_t)(at - s))) != NULL)
		return why;
	return validate_email_domain(at + 1, len - (size_t)(at - s) - 1);
}

/* ------------------------------------------------------------------ */

const char *
validate_gender(const char *s, size_t len)
{
	if (s != NULL && (validate_ieq(s, len, "male") ||
	    validate_ieq(s, len, "female") || validate_ieq(s, len, "unknown")))
		return NULL;
	return "gender must be male, female or unknown";
}
