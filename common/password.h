/*
 * password.h - password hashing and verification.
 *
 * Stored form is RFC 3112 style "{SCHEME}data".  New hashes are
 * "{CRYPT}" + yescrypt ($y$) through libxcrypt crypt_r.  Verification
 * accepts {CRYPT} (any method libxcrypt knows), {SSHA}, {SSHA512},
 * {PBKDF2-SHA512} (the "{PBKDF2-SHA512}iterations$salt$hash" form of
 * OpenLDAP's pw-pbkdf2 module, adapted-base64), and rejects cleartext
 * or unknown schemes.  Comparisons are constant-time; temporary
 * buffers holding secrets are wiped with explicit_bzero.
 */
#ifndef UNIFIEDID_PASSWORD_H
#define UNIFIEDID_PASSWORD_H

#include <stddef.h>

#define PW_HASH_MAX 512

/*
 * Hash the cleartext (len bytes, may contain NUL? no: rejected) into out
 * as "{CRYPT}$y$...".  Returns 0, or -1 (errno set) if the hash cannot be made.
 */
int	pw_hash(const char *clear, size_t len, char *out, size_t outlen)
	__attribute__((warn_unused_result));

enum pw_result {
	PW_MATCH = 0,		/* password matches */
	PW_MISMATCH = 1,	/* wrong password */
	PW_UNSUPPORTED = 2,	/* stored value is not a usable hash */
};

/*
 * Check clear against one stored value (not NUL-terminated, stored_len
 * bytes).  *rehash is set to 1 on PW_MATCH when the stored value is not
 * in the current default scheme and should be replaced.
 */
enum pw_result pw_verify(const char *clear, size_t clear_len,
	    const char *stored, size_t stored_len, int *rehash);

/* 1 when s looks like "{SCHEME}..." with a scheme we verify, else 0. */
int	pw_is_hashed(const char *s, size_t len);

#endif
