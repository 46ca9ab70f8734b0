/*
 * password.c - password hashing and verification (see password.h).
 *
 * Every stored value is "{SCHEME}data".  New hashes are yescrypt through
 * libxcrypt; the other schemes exist only so that imported directories
 * keep working until the next successful bind rehashes them.
 */
#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "password.h"

/* Longest cleartext accepted; bounds the work done before a compare. */
#define PW_CLEAR_MAX	1024
/* libxcrypt refuses longer passphrases (ERANGE), so {CRYPT} stops here. */
#define PW_CRYPT_MAX	(CRYPT_MAX_PASSPHRASE_SIZE - 1)

/* Largest base64 payload that fits in PW_HASH_MAX, decoded. */
#define PW_DECODED_MAX	(PW_HASH_MAX / 4 * 3 + 3)

/* pw-pbkdf2 uses 64-byte salts at most; we accept the same. */
#define PW_PBKDF2_SALT_MAX	64
/* Above this an imported hash is a denial of service, not a password. */
#define PW_PBKDF2_ITER_MAX	10000000UL
/* The same few seconds of CPU for sha256crypt/sha512crypt and bcrypt. */
#define PW_SHACRYPT_ROUNDS_MAX	10000000UL
#define PW_BCRYPT_COST_MAX	16

struct pw_scheme {
	const char	*name;
	enum pw_result	(*verify)(const char *, size_t, const char *, size_t,
			    int *);
};

static enum pw_result pw_verify_crypt(const char *, size_t, const char *,
		    size_t, int *);
static enum pw_result pw_verify_ssha(const char *, size_t, const char *,
		    size_t, int *);
static enum pw_result pw_verify_ssha512(const char *, size_t, const char *,
		    size_t, int *);
static enum pw_result pw_verify_pbkdf2(const char *, size_t, const char *,
		    size_t, int *);

static const struct pw_scheme pw_schemes[] = {
	{ "{CRYPT}",		pw_verify_crypt },
	{ "{SSHA}",		pw_verify_ssha },
	{ "{SSHA512}",		pw_verify_ssha512 },
	{ "{PBKDF2-SHA512}",	pw_verify_pbkdf2 },
};

/* RFC 3112 scheme names are case-insensitive. */
static const struct pw_scheme *
pw_scheme_find(const char *s, size_t len, size_t *skip)
{
	size_t	 i, n;

	for (i = 0; i < sizeof(pw_schemes) / sizeof(pw_schemes[0]); i++) {
		n = strlen(pw_schemes[i].name);
		if (len >= n && strncasecmp(s, pw_schemes[i].name, n) == 0) {
			*skip = n;
			return &pw_schemes[i];
		}
	}
	return NULL;
}

int
pw_is_hashed(const char *s, size_t len)
{
	size_t	 skip;

	if (s == NULL || memchr(s, '\0', len) != NULL)
		return 0;
	return pw_scheme_find(s, len, &skip) != NULL;
}

int
pw_hash(const char *clear, size_t len, char *out, size_t outlen)
{
	struct crypt_data	*cd = NULL;
	char			 setting[CRYPT_GENSALT_OUTPUT_SIZE];
	char			 buf[PW_CLEAR_MAX + 1];
	const char		*h;
	size_t			 hlen;
	int			 rc = -1, saved;

	if ((clear == NULL && len > 0) || len > PW_CRYPT_MAX ||
	    (len > 0 && memchr(clear, '\0', len) != NULL) || out == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* NULL rbytes: libxcrypt reads the salt from the OS CSPRNG. */
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof(setting)) ==
	    NULL)
		return -1;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return -1;
	if (len > 0)
		memcpy(buf, clear, len);
	buf[len] = '\0';
	if ((h = crypt_rn(buf, setting, cd, sizeof(*cd))) == NULL)
		goto fail;
	if (h[0] == '*') {
		errno = EINVAL;
		goto fail;
	}
	hlen = strlen(h);
	if (sizeof("{CRYPT}") - 1 + hlen + 1 > outlen) {
		errno = ERANGE;
		goto fail;
	}
	memcpy(out, "{CRYPT}", sizeof("{CRYPT}") - 1);
	memcpy(out + sizeof("{CRYPT}") - 1, h, hlen + 1);
	rc = 0;
 fail:
	saved = errno;
	explicit_bzero(buf, sizeof(buf));
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	errno = saved;
	return rc;
}

enum pw_result
pw_verify(const char *clear, size_t clear_len, const char *stored,
    size_t stored_len, int *rehash)
{
	const struct pw_scheme	*sc;
	int			 dummy;
	size_t			 skip;

	if (rehash == NULL)
		rehash = &dummy;
	*rehash = 0;
	if (stored == NULL || stored_len > PW_HASH_MAX ||
	    memchr(stored, '\0', stored_len) != NULL)
		return PW_UNSUPPORTED;
	/* Cleartext and unknown schemes are never compared. */
	if ((sc = pw_scheme_find(stored, stored_len, &skip)) == NULL)
		return PW_UNSUPPORTED;
	/*
	 * No stored hash can be of a password we would never have accepted;
	 * answering "wrong password" keeps the caller's bind logic simple.
	 */
	if ((clear == NULL && clear_len > 0) || clear_len > PW_CLEAR_MAX ||
	    (clear_len > 0 && memchr(clear, '\0', clear_len) != NULL))
		return PW_MISMATCH;
	if (clear == NULL)
		clear = "";
	return sc->verify(clear, clear_len, stored + skip, stored_len - skip,
	    rehash);
}

/*
 * Refuse {CRYPT} settings whose cost would tie up a worker for minutes:
 * whoever can store a hash must not be able to stall binds.  Only the
 * CPU-bound families with a plain cost field are checked (bcrypt,
 * sha256crypt, sha512crypt); yescrypt and scrypt parameters are left
 * to libxcrypt.
 */
static int
pw_crypt_cost_ok(const char *s)
{
	unsigned long	 n = 0;
	const char	*p;

	if (s[0] == '$' && s[1] == '2' && s[2] != '\0' && s[3] == '$') {
		if (s[4] < '0' || s[4] > '9' || s[5] < '0' || s[5] > '9')
			return 1;	/* malformed: crypt_rn refuses it */
		return (s[4] - '0') * 10 + (s[5] - '0') <= PW_BCRYPT_COST_MAX;
	}
	if (strncmp(s, "$5$rounds=", 10) == 0 ||
	    strncmp(s, "$6$rounds=", 10) == 0) {
		for (p = s + 10; *p >= '0' && *p <= '9'; p++)
			if ((n = n * 10 + (unsigned long)(*p - '0')) >
			    PW_SHACRYPT_ROUNDS_MAX)
				return 0;
	}
	return 1;
}

static enum pw_result
pw_verify_crypt(const char *clear, size_t clear_len, const char *data,
    size_t len, int *rehash)
{
	struct crypt_data	*cd = NULL;
	char			 setting[PW_HASH_MAX + 1];
	char			 buf[PW_CLEAR_MAX + 1];
	const char		*h;
	enum pw_result		 res = PW_MISMATCH;

	if (len == 0)
		return PW_UNSUPPORTED;
	/* Not hashable here, so it cannot be what was stored. */
	if (clear_len > PW_CRYPT_MAX)
		return PW_MISMATCH;
	memcpy(setting, data, len);
	setting[len] = '\0';
	if (!pw_crypt_cost_ok(setting))
		return PW_UNSUPPORTED;
	memcpy(buf, clear, clear_len);
	buf[clear_len] = '\0';
	/* Out of memory: fail closed as a mismatch. */
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		goto fail;
	/*
	 * crypt_rn returns NULL rather than a "*0" token for a bad setting;
	 * locked accounts ("{CRYPT}!...", "*") end up here too.
	 */
	if ((h = crypt_rn(buf, setting, cd, sizeof(*cd))) == NULL ||
	    h[0] == '*') {
		res = PW_UNSUPPORTED;
		goto fail;
	}
	if (strlen(h) == len && CRYPTO_memcmp(h, data, len) == 0) {
		res = PW_MATCH;
		*rehash = !(len >= 3 && memcmp(data, "$y$", 3) == 0);
	}
 fail:
	explicit_bzero(buf, sizeof(buf));
	if (cd != NULL) {
		explicit_bzero(cd, sizeof(*cd));
		free(cd);
	}
	return res;
}

static int
pw_b64char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/*
 * Strict base64 decode of in[0..len) into out (outsz bytes).  With
 * adapted set, the input is passlib/pw-pbkdf2 "adapted base64": '.' for
 * '+' and no padding.  EVP_DecodeBlock counts pad characters as zero
 * bytes and skips whitespace, so both are handled here first.
 * Returns the decoded length, or -1.
 */
static int
pw_b64decode(const char *in, size_t len, int adapted, unsigned char *out,
    size_t outsz)
{
	char	 tmp[PW_HASH_MAX + 4];
	size_t	 i, n = len, pad = 0;
	int	 r;

	if (len == 0 || len > PW_HASH_MAX)
		return -1;
	if (adapted) {
		if (len % 4 == 1)
			return -1;
		pad = (4 - len % 4) % 4;
	} else {
		if (len % 4 != 0)
			return -1;
		while (pad < 2 && in[len - 1 - pad] == '=')
			pad++;
		n = len - pad;
	}
	for (i = 0; i < n; i++) {
		tmp[i] = (adapted && in[i] == '.') ? '+' : in[i];
		if (!pw_b64char((unsigned char)tmp[i]))
			return -1;
	}
	for (i = 0; i < pad; i++)
		tmp[n + i] = '=';
	n += pad;
	if (n / 4 * 3 > outsz)
		return -1;
	if ((r = EVP_DecodeBlock(out, (const unsigned char *)tmp, (int)n)) < 0 ||
	    (size_t)r < pad || (size_t)r - pad == 0)
		return -1;
	return r - (int)pad;
}

/* {SSHA} and {SSHA512}: base64(H(password || salt) || salt), salt >= 1. */
static enum pw_result
pw_verify_salted(const EVP_MD *md, const char *clear, size_t clear_len,
    const char *data, size_t len, int *rehash)
{
	unsigned char	 dec[PW_DECODED_MAX];
	unsigned char	 buf[PW_CLEAR_MAX + PW_DECODED_MAX];
	unsigned char	 dig[EVP_MAX_MD_SIZE];
	unsigned int	 diglen;
	size_t		 mdlen = (size_t)EVP_MD_get_size(md), saltlen;
	int		 n;
	enum pw_result	 res = PW_UNSUPPORTED;

	if ((n = pw_b64decode(data, len, 0, dec, sizeof(dec))) < 0 ||
	    (size_t)n <= mdlen)
		goto fail;
	saltlen = (size_t)n - mdlen;
	memcpy(buf, clear, clear_len);
	memcpy(buf + clear_len, dec + mdlen, saltlen);
	res = PW_MISMATCH;
	if (EVP_Digest(buf, clear_len + saltlen, dig, &diglen, md, NULL) != 1 ||
	    diglen != mdlen)
		goto fail;
	if (CRYPTO_memcmp(dig, dec, mdlen) == 0) {
		res = PW_MATCH;
		*rehash = 1;
	}
 fail:
	explicit_bzero(buf, sizeof(buf));
	explicit_bzero(dig, sizeof(dig));
	return res;
}

static enum pw_result
pw_verify_ssha(const char *clear, size_t clear_len, const char *data,
    size_t len, int *rehash)
{
	return pw_verify_salted(EVP_sha1(), clear, clear_len, data, len,
	    rehash);
}

static enum pw_result
pw_verify_ssha512(const char *clear, size_t clear_len, const char *data,
    size_t len, int *rehash)
{
	return pw_verify_salted(EVP_sha512(), clear, clear_len, data, len,
	    rehash);
}

/* OpenLDAP pw-pbkdf2: "<iterations>$<ab64 salt>$<ab64 derived key>". */
static enum pw_result
pw_verify_pbkdf2(const char *clear, size_t clear_len, const char *data,
    size_t len, int *rehash)
{
	unsigned char	 salt[PW_DECODED_MAX], want[PW_DECODED_MAX];
	unsigned char	 dk[64];
	const char	*p = data, *end = data + len, *s, *d;
	unsigned long	 iter = 0;
	int		 saltlen, wantlen;
	enum pw_result	 res = PW_UNSUPPORTED;

	/* Digits only: strtoul would accept signs and spaces. */
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		iter = iter * 10 + (unsigned long)(*p - '0');
		if (iter > PW_PBKDF2_ITER_MAX)
			goto fail;
	}
	if (p == data || iter == 0 || p == end || *p != '$')
		goto fail;
	s = ++p;
	if ((d = memchr(s, '$', (size_t)(end - s))) == NULL)
		goto fail;
	if ((saltlen = pw_b64decode(s, (size_t)(d - s), 1, salt,
	    sizeof(salt))) <= 0 || saltlen > PW_PBKDF2_SALT_MAX)
		goto fail;
	d++;
	if ((wantlen = pw_b64decode(d, (size_t)(end - d), 1, want,
	    sizeof(want))) != (int)sizeof(dk))
		goto fail;
	res = PW_MISMATCH;
	if (PKCS5_PBKDF2_HMAC(clear, (int)clear_len, salt, saltlen, (int)iter,
	    EVP_sha512(), (int)sizeof(dk), dk) != 1)
		goto fail;
	if (CRYPTO_memcmp(dk, want, sizeof(dk)) == 0) {
		res = PW_MATCH;
		*rehash = 1;
	}
 fail:
	explicit_bzero(dk, sizeof(dk));
	return res;
}
