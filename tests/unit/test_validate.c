/*
 * test_validate.c - identity data format checks (common/validate.c).
 *
 * Provenance of the vectors:
 *  - 11010519491231002X is the sample number widely quoted with
 *    GB 11643-1999.  Every other resident ID, residence permit and 2023
 *    permanent residence number below had its check character computed
 *    by a python3 one-off written from the standard's text, not from
 *    validate.c:
 *	W = [7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]
 *	chk = "10X98765432"[sum(int(c)*w for c, w in zip(s17, W)) % 11]
 *    The invalid ones (bad date, bad province) carry the right check
 *    character too, so that only the rule under test fails.
 *  - Unified social credit codes: 91350100M000100Y43 (the commonly cited
 *    sample) and four published enterprise codes (914403001922038216,
 *    91440300708461136T, 91330100799655058B, 91110108551385082Q) were
 *    checked with the same kind of one-off, written from GB 32100-2015:
 *	A = "0123456789ABCDEFGHJKLMNPQRTUWXY"
 *	W = [1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28]
 *	v = 31 - sum(A.index(c)*w for c, w in zip(s17, W)) % 31
 *	chk = A[0 if v == 31 else v]
 *    All five matched; the other codes were made by that one-off.
 *  - Mobile numbers, e-mail addresses and the other ID types are written
 *    by hand from the rules in validate.h.
 *
 * Every input is copied to a malloc'd buffer of exactly its length, so
 * under ASan a read past len is caught.
 */
#include <stdlib.h>
#include <string.h>

#include "validate.h"
#include "check.h"

struct vec {
	const char	*s;
	const char	*why;	/* NULL: valid; else part of the reason */
};

typedef const char *(*vfn)(const char *, size_t);

static const char *
run(vfn fn, const char *s, size_t n)
{
	const char *r;
	char *p;

	if ((p = malloc(n ? n : 1)) == NULL)
		abort();
	memcpy(p, s, n);
	r = fn(p, n);
	free(p);
	return r;
}

static const char *
run_id(const char *type, const char *s, size_t n)
{
	const char *r;
	char *p;

	if ((p = malloc(n ? n : 1)) == NULL)
		abort();
	memcpy(p, s, n);
	r = validate_id(type, p, n);
	free(p);
	return r;
}

static int
matches(const char *got, const char *want)
{
	if (want == NULL)
		return got == NULL;
	return got != NULL && strstr(got, want) != NULL;
}

static void
table(const char *what, vfn fn, const struct vec *v, size_t n)
{
	const char *r;
	size_t i;

	for (i = 0; i < n; i++) {
		r = run(fn, v[i].s, strlen(v[i].s));
		CHECK(matches(r, v[i].why), "%s \"%s\" -> %s", what, v[i].s,
		    r ? r : "valid");
	}
}

#define TABLE(what, fn, v)	table(what, fn, v, sizeof(v) / sizeof(v[0]))

static const struct vec resident[] = {
	/* valid */
	{ "11010519491231002X", NULL },
	{ "11010519491231002x", NULL },	/* lower-case x accepted */
	{ "320500198104121578", NULL },
	{ "320583199001011232", NULL },
	{ "130702198506150310", NULL },
	{ "13070219850605031X", NULL },
	{ "440306200002290017", NULL },	/* 2000 is a leap year */
	{ "110101202402290075", NULL },	/* 2024 too */
	{ "110101190001010014", NULL },	/* first allowed year */
	{ "440306190001010013", NULL },
	{ "650101201010100085", NULL },
	{ "540102200002290022", NULL },
	{ "710000199001010015", NULL },	/* Taiwan */
	{ "810000199001010027", NULL },	/* HK residence permit */
	{ "820000198512310037", NULL },	/* Macao */
	{ "830000197007010049", NULL },	/* Taiwan */
	/* wrong check character, the right one named */
	{ "110105194912310021", "check character is wrong (expected X)" },
	{ "320500198104121579", "check character is wrong (expected 8)" },
	{ "32050019810412157X", "check character is wrong (expected 8)" },
	{ "320583199001011233", "check character is wrong (expected 2)" },
	{ "130702198506150311", "check character is wrong (expected 0)" },
	{ "440306200002290018", "check character is wrong (expected 7)" },
	{ "810000199001010028", "check character is wrong (expected 7)" },
	/* one digit changed (transposition 12 -> 21 in the date) */
	{ "11010519492131002X", "not a valid date" },
	{ "110105194912301002X", "18 characters" },
	{ "11010519491231020X", "check character is wrong" },
	/* bad dates (right check characters) */
	{ "110105199902300015", "not a valid date" },	/* Feb 30 */
	{ "110105190002290017", "not a valid date" },	/* 1900 not leap */
	{ "110105199904310014", "not a valid date" },	/* Apr 31 */
	{ "110105199913010013", "not a valid date" },	/* month 13 */
	{ "110105199901000010", "not a valid date" },	/* day 0 */
	{ "110105209912310010", "in the future" },
	{ "110105189912310015", "before 1900" },
	{ "11010500000101001X", "before 1900" },
	/* bad provinces (right check characters) */
	{ "910101199001010014", "province" },
	{ "100101199001010013", "province" },
	{ "160101199001010014", "province" },
	{ "990101199001010019", "province" },
	{ "00010119900101001X", "province" },
	{ "720101199001010019", "province" },
	{ "840101199001010016", "province" },
	{ "010101199001010011", "province" },
	/* shape */
	{ "", "18 characters" },
	{ "11010519491231002", "18 characters" },
	{ "11010519491231002X1", "18 characters" },
	{ "110105194912310", "18 characters" },	/* old 15-digit form */
	{ "1101051949123100AX", "17 digits" },
	{ "A1010519491231002X", "17 digits" },
	{ "11010519491231002Y", "digit or X" },
	{ "11010519491231002 ", "digit or X" },
	{ " 1010519491231002X", "17 digits" },
	{ "\xef\xbc\x91" "10105194912310029", "18 characters" },
};

static const struct vec uscc[] = {
	{ "91350100M000100Y43", NULL },
	{ "914403001922038216", NULL },
	{ "91440300708461136T", NULL },
	{ "91330100799655058B", NULL },
	{ "91110108551385082Q", NULL },
	{ "91310000MA1FL4KM3E", NULL },
	{ "53100000500021676K", NULL },
	{ "59110000MJ0000000D", NULL },
	{ "52110000MJ000000A2", NULL },
	{ "92110105MA00000X0R", NULL },
	{ "93320583MA1MXQQQ09", NULL },
	{ "121100004000000014", NULL },
	{ "131100004000000011", NULL },
	{ "19110000400000001E", NULL },
	{ "11100000000013127D", NULL },
	{ "Y1110000MA000000WJ", NULL },
	{ "91320583MA00000090", NULL },	/* sum mod 31 == 0: check 0 */
	{ "51110000MJ00000180", NULL },
	{ "91320583MA0000009Y", "check character is wrong (expected 0)" },
	/* one character changed */
	{ "91350100M000100Y44", "check character is wrong (expected 3)" },
	{ "91350100M000100Y4A", "check character is wrong (expected 3)" },
	{ "914403001922038217", "check character is wrong (expected 6)" },
	{ "91440300708461136U", "check character is wrong (expected T)" },
	{ "91350100M000200Y43", "check character is wrong" },
	{ "91350100N000100Y43", "check character is wrong" },
	{ "91350101M000100Y43", "check character is wrong" },
	/* characters GB 32100 leaves out, and lower case */
	{ "91350100M000100I43", "I, O, Z, S or V" },
	{ "91350100O000100Y43", "I, O, Z, S or V" },
	{ "91350100M000100Z43", "I, O, Z, S or V" },
	{ "91350100M0001S0Y43", "I, O, Z, S or V" },
	{ "91350100V000100Y43", "I, O, Z, S or V" },
	{ "91350100m000100y43", "upper case" },
	{ "91350100M000100Y4-", "digits and capital letters" },
	/* registration authority and institution type (right checks) */
	{ "21110000MA0000001U", "registration authority" },
	{ "311100004000000015", "registration authority" },
	{ "9A350100M000100Y47", "institution type" },
	{ "94110000MA0000001B", "institution type" },
	{ "99110000MA0000001U", "institution type" },
	{ "Y2110000MA0000001U", "institution type" },
	{ "14110000400000001X", "institution type" },
	{ "5511000050000000AX", "institution type" },
	{ "54110000400000001R", "institution type" },
	/* area code with a letter (right check) */
	{ "913501A0M000100Y4X", "area code" },
	/* length */
	{ "", "18 characters" },
	{ "91350100M000100Y4", "18 characters" },
	{ "91350100M000100Y433", "18 characters" },
};

static const struct vec mobile[] = {
	{ "13800138000", NULL },
	{ "19912345678", NULL },
	{ "16612345678", NULL },
	{ "14512345678", NULL },
	{ "+8613800138000", NULL },
	{ "8613800138000", NULL },
	{ "+86 13800138000", NULL },
	{ "+86-13800138000", NULL },
	{ "138 0013 8000", NULL },
	{ "138-0013-8000", NULL },
	{ "+86 138 0013 8000", NULL },
	{ "86-138-0013-8000", NULL },
	{ "138 00138000", NULL },
	{ "", "empty" },
	{ "1380013800", "11 digits" },
	{ "138001380001", "11 digits" },
	{ "+86138001380001", "11 digits" },
	{ "12012345678", "13-19" },
	{ "11012345678", "13-19" },
	{ "10012345678", "13-19" },
	{ "23800138000", "13-19" },
	{ "+8612012345678", "13-19" },
	{ "+85213800138000", "+86" },
	{ "+", "+86" },
	{ "+86", "11 digits" },
	{ "008613800138000", "11 digits" },
	{ "+86  138 0013 8000", "3-4-4" },
	{ "1380 013 8000", "3-4-4" },
	{ "138 0013 8000 ", "3-4-4" },
	{ " 13800138000", "3-4-4" },
	{ "-13800138000", "3-4-4" },
	{ "+86 ", "3-4-4" },
	{ "1380013-", "3-4-4" },
	{ "138--00138000", "3-4-4" },
	{ "138001380O0", "only contain digits" },
	{ "138.0013.8000", "only contain digits" },
	{ "(+86)13800138000", "only contain digits" },
};

static const struct vec email[] = {
	{ "zhang.san@example.com", NULL },
	{ "a@b.cn", NULL },
	{ "user+tag@mail.gov.cn", NULL },
	{ "o'brien_1-x@sub.example.org", NULL },
	{ "x@a-b.example.com", NULL },
	{ "x@123.example.com", NULL },
	{ "x@example.xn--fiqs8s", NULL },
	{ "\xe5\xbc\xa0\xe4\xb8\x89@\xe4\xbe\x8b\xe5\xad\x90."
	    "\xe4\xb8\xad\xe5\x9b\xbd", NULL },	/* 张三@例子.中国 */
	{ "user@\xe4\xbe\x8b\xe5\xad\x90.com", NULL },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "@example.com", NULL },			/* 64-octet local part */
	{ "zhang.san.example.com", "contain @" },
	{ "a@b@example.com", "only one @" },
	{ "a@localhost", "contain a dot" },
	{ ".a@example.com", "start or end with a dot" },
	{ "a.@example.com", "start or end with a dot" },
	{ "a..b@example.com", "two dots" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "@example.com", "1-64" },			/* 65 */
	{ "@example.com", "1-64" },
	{ "a b@example.com", "not allowed" },
	{ "a\"b@example.com", "not allowed" },
	{ "a@", "1-253" },
	{ "a@-example.com", "hyphen" },
	{ "a@example-.com", "hyphen" },
	{ "a@example.com-", "hyphen" },
	{ "a@exa_mple.com", "not allowed" },
	{ "a@example..com", "empty label" },
	{ "a@.example.com", "empty label" },
	{ "a@example.com.", "empty label" },
	{ "a@example.c", "top-level" },
	{ "a@example.123", "top-level" },
	{ "a@example.c0m", "top-level" },
	{ "a@10.0.0.1", "top-level" },
	{ "a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    ".com", "63" },				/* 64-octet label */
	{ "\xff@example.com", "UTF-8" },
	{ "\xc0\xae@example.com", "UTF-8" },		/* overlong "." */
	{ "a@ex\xed\xa0\x80.com", "UTF-8" },		/* surrogate */
	{ "\xe0\x80\xae@example.com", "UTF-8" },	/* overlong, 3 bytes */
	{ "a@ex\xf4\x90\x80\x80.com", "UTF-8" },	/* above U+10FFFF */
	{ "a@example.\xe4\xb8", "UTF-8" },		/* cut short */
	{ "a@exa\xc2\x85mple.com", "not allowed" },	/* C1 NEL */
};

static const struct vec gender[] = {
	{ "male", NULL },
	{ "female", NULL },
	{ "unknown", NULL },
	{ "Male", NULL },
	{ "", "male, female or unknown" },
	{ "m", "male, female or unknown" },
	{ "males", "male, female or unknown" },
	{ "femal", "male, female or unknown" },
	{ "\xe7\x94\xb7", "male, female or unknown" },	/* 男 */
};

struct idvec {
	const char	*type;
	const char	*s;
	const char	*why;
};

static const struct idvec ids[] = {
	{ "resident-id", "11010519491231002X", NULL },
	{ "resident-id", "110105194912310021", "expected X" },
	{ NULL, "320500198104121578", NULL },	/* no idType: resident-id */
	{ NULL, "H12345678", "18 characters" },
	{ "Resident-ID", "320500198104121578", NULL },

	{ "hk-macao-permit", "H12345678", NULL },
	{ "hk-macao-permit", "M87654321", NULL },
	{ "hk-macao-permit", "H1234567801", NULL },
	{ "hk-macao-permit", "810000199001010027", NULL },
	{ "hk-macao-permit", "820000198512310037", NULL },
	{ "hk-macao-permit", "810000199001010028", "expected 7" },
	{ "hk-macao-permit", "830000197007010049", "810000 or 820000" },
	{ "hk-macao-permit", "320500198104121578", "810000 or 820000" },
	{ "hk-macao-permit", "H1234567", "H or M" },
	{ "hk-macao-permit", "H123456789", "H or M" },
	{ "hk-macao-permit", "h12345678", "H or M" },
	{ "hk-macao-permit", "C12345678", "H or M" },
	{ "hk-macao-permit", "H1234567A", "H or M" },
	{ "hk-macao-permit", "", "H or M" },

	{ "taiwan-permit", "12345678", NULL },
	{ "taiwan-permit", "830000197007010049", NULL },
	{ "taiwan-permit", "830000197007010040", "expected 9" },
	{ "taiwan-permit", "810000199001010027", "830000" },
	{ "taiwan-permit", "1234567", "8 digits" },
	{ "taiwan-permit", "123456789", "8 digits" },
	{ "taiwan-permit", "1234567A", "8 digits" },

	{ "foreign-permanent-residence", "USA110079120001", NULL },
	{ "foreign-permanent-residence", "JPN310085060105", NULL },
	{ "foreign-permanent-residence", "911840198808080012", NULL },
	{ "foreign-permanent-residence", "931392196001010025", NULL },
	{ "foreign-permanent-residence", "92182620011231003X", NULL },
	{ "foreign-permanent-residence", "92182620011231003x", NULL },
	{ "foreign-permanent-residence", "911840198808080013",
	    "expected 2" },
	{ "foreign-permanent-residence", "811840198808080019",
	    "start with 9" },
	{ "foreign-permanent-residence", "91184019880808001A", "digit or X" },
	{ "foreign-permanent-residence", "usa110079120001", "3 capital" },
	{ "foreign-permanent-residence", "US1110079120001", "3 capital" },
	{ "foreign-permanent-residence", "USA11007912000A", "3 capital" },
	{ "foreign-permanent-residence", "USA11007912000", "15 or 18" },
	{ "foreign-permanent-residence", "11010519491231002", "15 or 18" },

	{ "passport", "E12345678", NULL },
	{ "passport", "G1234567", NULL },
	{ "passport", "K25345719", NULL },
	{ "passport", "AB1234", NULL },
	{ "passport", "12345", NULL },
	{ "passport", "A1234567890123456789", NULL },	/* 20 */
	{ "passport", "A12345678901234567890", "5-20" },
	{ "passport", "E123", "5-20" },
	{ "passport", "ABCDEFGH", "a digit" },
	{ "passport", "e12345678", "A-Z and 0-9" },
	{ "passport", "E1234-678", "A-Z and 0-9" },
	{ "passport", "E 12345678", "A-Z and 0-9" },

	{ "other", "ABC-123 (x)", NULL },
	{ "other", "1", NULL },
	{ "other", "0123456789012345678901234567890123456789012345678901"
	    "234567890123", NULL },	/* 64 */
	{ "other", "0123456789012345678901234567890123456789012345678901"
	    "2345678901234", "1-64" },	/* 65 */
	{ "other", "", "1-64" },
	{ "other", "abc\tdef", "printable" },
	{ "other", "abc\x7f", "printable" },
	{ "other", "\xe5\xbc\xa0", "printable" },

	{ "Passport", "E12345678", NULL },
	{ "driver-licence", "E12345678", "unknown ID type" },
	{ "", "E12345678", "unknown ID type" },
	{ "passport ", "E12345678", "unknown ID type" },
};

static void
test_ids(void)
{
	const char *r;
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		r = run_id(ids[i].type, ids[i].s, strlen(ids[i].s));
		CHECK(matches(r, ids[i].why), "id %s \"%s\" -> %s",
		    ids[i].type ? ids[i].type : "(none)", ids[i].s,
		    r ? r : "valid");
	}
}

/* lengths shorter than the string, embedded NULs, NULL pointers */
static void
test_lengths(void)
{
	static const char nul[18] = "110105\0" "9491231002X";
	char out[12];

	CHECK(validate_resident_id("11010519491231002X99", 18) == NULL,
	    "resident ID: only len bytes are read");
	CHECK(validate_resident_id("11010519491231002X", 17) != NULL,
	    "resident ID: len 17 of an 18-char string");
	CHECK(matches(validate_resident_id(nul, sizeof(nul)), "17 digits"),
	    "resident ID: embedded NUL");
	CHECK(validate_resident_id(NULL, 0) != NULL, "resident ID: NULL");
	CHECK(validate_uscc("91350100M000100Y43xyz", 18) == NULL,
	    "USCC: only len bytes are read");
	CHECK(validate_mobile("13800138000123", 11) == NULL,
	    "mobile: only len bytes are read");
	CHECK(matches(validate_mobile("138\0" "0138000", 11),
	    "only contain digits"), "mobile: embedded NUL");
	CHECK(validate_email("a@b.cn@", 6) == NULL,
	    "e-mail: only len bytes are read");
	CHECK(matches(validate_email("a@b.cn\0x", 8), "not allowed"),
	    "e-mail: embedded NUL");
	CHECK(validate_gender("maleX", 4) == NULL,
	    "gender: only len bytes are read");
	CHECK(validate_gender(NULL, 0) != NULL, "gender: NULL");
	CHECK(validate_id("other", NULL, 0) != NULL, "other: NULL number");
	CHECK(validate_id("passport", "E12345678xx", 9) == NULL,
	    "passport: only len bytes are read");
	CHECK(normalize_mobile("+86 138", 7, out) == -1 && out[0] == '\0',
	    "normalize_mobile: short input, out emptied");
}

static void
test_normalize(void)
{
	static const struct {
		const char	*in;
		const char	*out;
	} v[] = {
		{ "13800138000", "13800138000" },
		{ "+86 138 0013 8000", "13800138000" },
		{ "86-199-1234-5678", "19912345678" },
		{ "+8616612345678", "16612345678" },
		{ "12012345678", NULL },
		{ "138001380001", NULL },
	};
	char out[12];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(out, 'Z', sizeof(out));
		rc = normalize_mobile(v[i].in, strlen(v[i].in), out);
		if (v[i].out != NULL)
			CHECK(rc == 0 && strcmp(out, v[i].out) == 0,
			    "normalize_mobile \"%s\" -> \"%.12s\"", v[i].in,
			    out);
		else
			CHECK(rc == -1 && out[0] == '\0',
			    "normalize_mobile \"%s\" rejected", v[i].in);
	}
}

static void
test_birth_gender(void)
{
	int y = 0, m = 0, d = 0;

	CHECK(resident_id_birth("11010519491231002X", 18, &y, &m, &d) == 0 &&
	    y == 1949 && m == 12 && d == 31, "birth of 11010519491231002X: "
	    "%04d-%02d-%02d", y, m, d);
	CHECK(resident_id_birth("440306200002290017", 18, &y, &m, &d) == 0 &&
	    y == 2000 && m == 2 && d == 29, "birth of 440306200002290017: "
	    "%04d-%02d-%02d", y, m, d);
	CHECK(resident_id_birth("320500198104121578", 18, NULL, &m, NULL) ==
	    0 && m == 4, "birth: out-params optional");
	CHECK(resident_id_birth("110105199902300015", 18, &y, &m, &d) == -1,
	    "birth: invalid date -> -1");
	CHECK(resident_id_birth("110105194912310021", 18, &y, &m, &d) == -1,
	    "birth: wrong check -> -1");
	CHECK(resident_id_gender("11010519491231002X", 18) == 2,
	    "gender of 11010519491231002X (17th digit 2): female");
	CHECK(resident_id_gender("320500198104121578", 18) == 1,
	    "gender of 320500198104121578 (17th digit 7): male");
	CHECK(resident_id_gender("810000199001010027", 18) == 2,
	    "gender of HK residence permit 810000199001010027: female");
	CHECK(resident_id_gender("130702198506150310", 18) == 1,
	    "gender of 130702198506150310 (17th digit 1): male");
	CHECK(resident_id_gender("110105194912310021", 18) == 0,
	    "gender: wrong check -> 0");
	CHECK(resident_id_gender("", 0) == 0, "gender: empty -> 0");
}

/* "today" given: the future-date rule at its edge */
static void
test_asof(void)
{
	/* born 2024-06-15 and 2024-02-29 (check characters by python) */
	static const char j15[] = "110108202406150023";
	static const char f29[] = "110108202402290037";

	CHECK(validate_resident_id_asof(j15, 18, 2024, 6, 15) == NULL,
	    "born today is not in the future");
	CHECK(matches(validate_resident_id_asof(j15, 18, 2024, 6, 14),
	    "in the future"), "born tomorrow is in the future");
	CHECK(matches(validate_resident_id_asof(j15, 18, 2024, 5, 31),
	    "in the future"), "born next month is in the future");
	CHECK(matches(validate_resident_id_asof(j15, 18, 2023, 12, 31),
	    "in the future"), "born next year is in the future");
	CHECK(validate_resident_id_asof(f29, 18, 2024, 3, 1) == NULL,
	    "born on a leap day");
	CHECK(validate_resident_id_asof(j15, 18, 2025, 1, 1) == NULL,
	    "born last year");
}

int
main(void)
{
	TABLE("resident", validate_resident_id, resident);
	TABLE("uscc", validate_uscc, uscc);
	TABLE("mobile", validate_mobile, mobile);
	TABLE("email", validate_email, email);
	TABLE("gender", validate_gender, gender);
	test_ids();
	test_lengths();
	test_normalize();
	test_birth_gender();
	test_asof();
	return check_done();
}
