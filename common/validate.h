/*
 * validate.h - format checks for identity data (R1, R7, R12): mainland
 * resident ID numbers (GB 11643-1999), the other identity documents of
 * idType, mainland mobile numbers, unified social credit codes
 * (GB 32100-2015), e-mail addresses and gender.
 *
 * Used by the server and by the CLI, so libc only and no allocation.
 * Input strings are not NUL-terminated: exactly len bytes are read.
 * The validate_* functions return NULL when the value is acceptable,
 * else a static, short English reason naming the rule that failed (fit
 * for an LDAP diagnostic message); the reasons are constant strings and
 * safe to use from any thread.
 */
#ifndef UNIFIEDID_VALIDATE_H
#define UNIFIEDID_VALIDATE_H

#include <stddef.h>

/*
 * GB 11643-1999 citizen identity number: 6-digit address code (first
 * two digits a province: 11-15 21-23 31-37 41-46 50-54 61-65 71 81 82
 * 83), 8-digit birth date YYYYMMDD (a real date, year 1900 or later, not
 * after today in China Standard Time), 3-digit sequence number and the
 * ISO 7064 MOD 11-2 check character (0-9 or X; x is accepted as well).
 */
const char	*validate_resident_id(const char *s, size_t len);

/*
 * The same, with "today" given (for tests and for re-checking stored
 * data as of a date).  ty/tm/td is a calendar date, e.g. 2024, 2, 29.
 */
const char	*validate_resident_id_asof(const char *s, size_t len,
		    int ty, int tm, int td);

/*
 * Check s against the format of the identity document type idtype
 * (NUL-terminated, matched ignoring ASCII case like the idType attribute's
 * caseIgnoreIA5Match): resident-id, hk-macao-permit, taiwan-permit,
 * foreign-permanent-residence, passport, other.  idtype NULL means
 * resident-id, the default of an idNumber without idType (see
 * schema/unifiedid.schema).  Anything else: "unknown ID type".
 */
const char	*validate_id(const char *idtype, const char *s, size_t len);

/*
 * Mainland mobile number: 1[3-9] and 9 more digits, optionally after
 * "+86" or "86", optionally grouped 3-4-4 by one space or hyphen
 * (also one after the country code): "+86 138-0013-8000".
 */
const char	*validate_mobile(const char *s, size_t len);

/* The 11 digits of a mobile accepted by validate_mobile, NUL-terminated
 * in out; 0, or -1 (out set to "") when s is not a valid mobile. */
int		 normalize_mobile(const char *s, size_t len, char out[12]);

/*
 * GB 32100-2015 unified social credit code: 18 characters of
 * 0-9 A-H J-N P-R T U W-Y (upper case), registration authority and
 * institution type as listed by the standard (11 12 13 19, 51 52 53 59,
 * 91 92 93, Y1), a 6-digit administrative division code, and the check
 * character.
 */
const char	*validate_uscc(const char *s, size_t len);

/* A plausible local@domain (RFC 5321/5322 shapes; UTF-8 allowed). */
const char	*validate_email(const char *s, size_t len);

/* male | female | unknown (ASCII case ignored, as caseIgnoreIA5Match) */
const char	*validate_gender(const char *s, size_t len);

/*
 * Birth date of a valid resident ID (validate_resident_id() == NULL) into
 * the optional *y, *m, *d; 0, or -1 when the ID is not valid.
 */
int		 resident_id_birth(const char *s, size_t len,
		    int *y, int *m, int *d);

/* 1 male (odd 17th digit, GB 11643 clause 5.4), 2 female, 0 invalid ID */
int		 resident_id_gender(const char *s, size_t len);

#endif
