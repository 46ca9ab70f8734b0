/*
 * test_password.c - pw_hash, pw_verify and pw_is_hashed.
 *
 * Vectors were made with independent tools, not with this code:
 * {SSHA} by slappasswd (OpenLDAP 2.5), $6$ by `openssl passwd -6`,
 * {SSHA512} and {PBKDF2-SHA512} (pw-pbkdf2 format, adapted base64) by
 * python3 hashlib, the other {CRYPT} methods by python3 crypt (libxcrypt;
 * $6$rounds= also checked with openssl passwd).
 */
#include <errno.h>
#include <string.h>

#include "password.h"
#include "check.h"

struct vec {
	const char	*what;
	const char	*clear;
	const char	*stored;
	enum pw_result	 want;
	int		 rehash;
};

static const struct vec vecs[] = {
	/* slappasswd -h {SSHA} -s secret */
	{ "SSHA slappasswd", "secret",
	    "{SSHA}8KzLqJi2Y+dqZBCe1WCd3kpyZQj4EbbN", PW_MATCH, 1 },
	{ "SSHA slappasswd 2", "secret",
	    "{SSHA}pTP4ch2n57K2oiGZsQVzY1LvGnRajXRu", PW_MATCH, 1 },
	{ "SSHA slappasswd Pa55word!", "Pa55word!",
	    "{SSHA}SGMzi4rqSY59yC++rZjY5cPfQYvabxZa", PW_MATCH, 1 },
	{ "SSHA lower-case scheme", "secret",
	    "{ssha}8KzLqJi2Y+dqZBCe1WCd3kpyZQj4EbbN", PW_MATCH, 1 },
	{ "SSHA wrong password", "Secret",
	    "{SSHA}8KzLqJi2Y+dqZBCe1WCd3kpyZQj4EbbN", PW_MISMATCH, 0 },
	{ "SSHA empty password", "",
	    "{SSHA}8KzLqJi2Y+dqZBCe1WCd3kpyZQj4EbbN", PW_MISMATCH, 0 },
	{ "SSHA 3-byte salt, one '=' pad", "Pa55word!",
	    "{SSHA}7CHZGbaRDcgXXVl1hDFqPGnUBcqhssM=", PW_MATCH, 1 },
	{ "SSHA 5-byte salt, two '=' pad", "Pa55word!",
	    "{SSHA}mEJlIPFjRYAfapCEgitImrjZ6xuhssPU5Q==", PW_MATCH, 1 },
	{ "SSHA pad removed", "Pa55word!",
	    "{SSHA}mEJlIPFjRYAfapCEgitImrjZ6xuhssPU5Q", PW_UNSUPPORTED, 0 },
	{ "SSHA pad in the middle", "Pa55word!",
	    "{SSHA}mEJlIPFjRYAfapCEgitImrjZ6x=hssPU5Q==", PW_UNSUPPORTED, 0 },
	{ "SSHA three pads", "Pa55word!",
	    "{SSHA}mEJlIPFjRYAfapCEgitImrjZ6xuhssPU5===", PW_UNSUPPORTED, 0 },
	{ "SSHA bad base64 char", "secret",
	    "{SSHA}8KzLqJi2Y+dqZBCe1WCd3kpyZQj4Ebb!", PW_UNSUPPORTED, 0 },
	{ "SSHA whitespace", "secret",
	    "{SSHA}8KzLqJi2Y+dqZBCe1WCd3kpyZQj4EbbN ", PW_UNSUPPORTED, 0 },
	{ "SSHA truncated", "secret",
	    "{SSHA}8KzLqJi2Y+dqZBCe1WCd3kpy", PW_UNSUPPORTED, 0 },
	/* base64(sha1("secret")): a digest with no salt */
	{ "SSHA empty salt", "secret",
	    "{SSHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", PW_UNSUPPORTED, 0 },
	{ "SSHA empty data", "secret", "{SSHA}", PW_UNSUPPORTED, 0 },
	{ "SSHA only pads", "secret", "{SSHA}====", PW_UNSUPPORTED, 0 },

	/* python3: sha512(pw + salt), salt 0102030405060708 */
	{ "SSHA512", "secret",
	    "{SSHA512}KO8EsMPQTwZrxxbOkDAOOXEeVCc2grMQg1pnZwZhC1bBQLby8zCmFn7q"
	    "TZRvoTd+yQdROQQNYHWpTUST4zjTdQECAwQFBgcI", PW_MATCH, 1 },
	{ "SSHA512 16-byte salt", "Pa55word!",
	    "{SSHA512}Hbwybd20yClDJnFaAQKqUAOLuq0hPHAlfblj2LAEFRzVdMUuZFp7FPmx"
	    "2faAGTsxk8oM6dBkFwNAbi7pIKeTPt6tvu/K/rq+ABEiM0RVZnc=", PW_MATCH, 1 },
	{ "SSHA512 mixed-case scheme", "secret",
	    "{Ssha512}KO8EsMPQTwZrxxbOkDAOOXEeVCc2grMQg1pnZwZhC1bBQLby8zCmFn7q"
	    "TZRvoTd+yQdROQQNYHWpTUST4zjTdQECAwQFBgcI", PW_MATCH, 1 },
	{ "SSHA512 wrong password", "secret2",
	    "{SSHA512}KO8EsMPQTwZrxxbOkDAOOXEeVCc2grMQg1pnZwZhC1bBQLby8zCmFn7q"
	    "TZRvoTd+yQdROQQNYHWpTUST4zjTdQECAwQFBgcI", PW_MISMATCH, 0 },
	{ "SSHA512 digest altered", "secret",
	    "{SSHA512}KO8EsMPQTwZrxxbOkDAOOXEeVCc2grMQg1pnZwZhC1bBQLby8zCmFn7q"
	    "TZRvoTd+yQdROQQNYHWpTUST4zjTdQECAwQFBgcJ", PW_MISMATCH, 0 },
	{ "SSHA512 SSHA-sized value (no salt)", "secret",
	    "{SSHA512}8KzLqJi2Y+dqZBCe1WCd3kpyZQj4EbbN", PW_UNSUPPORTED, 0 },

	/* python3 hashlib.pbkdf2_hmac('sha512', ...), passlib ab64 */
	{ "PBKDF2-SHA512 10000", "secret",
	    "{PBKDF2-SHA512}10000$AAECAwQFBgcICQoLDA0ODw$s1qOkFay1DbcR0sablkj"
	    "BgtOqf1IcoQVkkK1uzR9LdXA0A7SkKhkz0j9Li48.pDMKueSh3UUQNkgDDksLeAu.Q",
	    PW_MATCH, 1 },
	{ "PBKDF2-SHA512 '.' in salt and hash", "Pa55word!",
	    "{PBKDF2-SHA512}1000$.3/.PoxaKx0On4p7bF1OPw$LumysvElazIWt/EYI1fGh4g"
	    "ovHiRH3/rbJvl.hugb0cdPbDMKEltMMKH44RxYORp8kESgnuyNpKHLEbyzAFgyQ",
	    PW_MATCH, 1 },
	{ "PBKDF2-SHA512 1 iteration", "x",
	    "{PBKDF2-SHA512}1$./.../.../.../.../..AQ$xNJCkJbARMWJa7M3IQhfCPlcVe"
	    "QaghBDPs8jBSzcUaKDOBl20a4rQQ9DwghtRNgPO5V3dZoEwhQNTOLMpr0FJA",
	    PW_MATCH, 1 },
	{ "PBKDF2-SHA512 lower-case scheme", "secret",
	    "{pbkdf2-sha512}10000$AAECAwQFBgcICQoLDA0ODw$s1qOkFay1DbcR0sablkj"
	    "BgtOqf1IcoQVkkK1uzR9LdXA0A7SkKhkz0j9Li48.pDMKueSh3UUQNkgDDksLeAu.Q",
	    PW_MATCH, 1 },
	{ "PBKDF2-SHA512 wrong password", "secreT",
	    "{PBKDF2-SHA512}10000$AAECAwQFBgcICQoLDA0ODw$s1qOkFay1DbcR0sablkj"
	    "BgtOqf1IcoQVkkK1uzR9LdXA0A7SkKhkz0j9Li48.pDMKueSh3UUQNkgDDksLeAu.Q",
	    PW_MISMATCH, 0 },
	{ "PBKDF2-SHA512 other iteration count", "secret",
	    "{PBKDF2-SHA512}10001$AAECAwQFBgcICQoLDA0ODw$s1qOkFay1DbcR0sablkj"
	    "BgtOqf1IcoQVkkK1uzR9LdXA0A7SkKhkz0j9Li48.pDMKueSh3UUQNkgDDksLeAu.Q",
	    PW_MISMATCH, 0 },
	{ "PBKDF2-SHA512 zero iterations", "secret",
	    "{PBKDF2-SHA512}0$AAECAwQFBgcICQoLDA0ODw$s1qOkFay1DbcR0sablkj"
	    "BgtOqf1IcoQVkkK1uzR9LdXA0A7SkKhkz0j9Li48.pDMKueSh3UUQNkgDDksLeAu.Q",
	    PW_UNSUPPORTED, 0 },
	{ "PBKDF2-SHA512 huge iteration count", "secret",
	    "{PBKDF2-SHA512}99999999999999999999999$AAECAwQFBgcICQoLDA0ODw$s1qO"
	    "kFay1DbcR0sablkjBgtOqf1IcoQVkkK1uzR9LdXA0A7SkKhkz0j9Li48.pDMKueSh3"
	    "UUQNkgDDksLeAu.Q", PW_UNSUPPORTED, 0 },
	{ "PBKDF2-SHA512 just over the iteration cap", "secret",
	    "{PBKDF2-SHA512}10000001$AAECAwQFBgcICQoLDA0ODw$s1qOkFay1DbcR0sablkj"
	    "BgtOqf1IcoQVkkK1uzR9LdXA0A7SkKhkz0j9Li48.pDMKueSh3UUQNkgDDksLeAu.Q",
	    PW_UNSUPPORTED, 0 },
	{ "PBKDF2-SHA512 signed iteration count", "secret",
	    "{PBKDF2-SHA512}+10000$AAECAwQFBgcICQoLDA0ODw$s1qOkFay1DbcR0sablkj"
	    "BgtOqf1IcoQVkkK1uzR9LdXA0A7SkKhkz0j9Li48.pDMKueSh3UUQNkgDDksLeAu.Q",
	    PW_UNSUPPORTED, 0 },
	{ "PBKDF2-SHA512 empty salt", "secret",
	    "{PBKDF2-SHA512}10000$$s1qOkFay1DbcR0sablkj"
	    "BgtOqf1IcoQVkkK1uzR9LdXA0A7SkKhkz0j9Li48.pDMKueSh3UUQNkgDDksLeAu.Q",
	    PW_UNSUPPORTED, 0 },
	{ "PBKDF2-SHA512 truncated hash", "secret",
	    "{PBKDF2-SHA512}10000$AAECAwQFBgcICQoLDA0ODw$s1qOkFay1DbcR0sablkj"
	    "BgtOqf1IcoQVkkK1uzR9LdXA0A7SkKhkz0j9Li48.pDMKueSh3UUQNkgDDksLe",
	    PW_UNSUPPORTED, 0 },
	{ "PBKDF2-SHA512 no hash", "secret",
	    "{PBKDF2-SHA512}10000$AAECAwQFBgcICQoLDA0ODw", PW_UNSUPPORTED, 0 },
	{ "PBKDF2-SHA512 padded (not adapted base64)", "secret",
	    "{PBKDF2-SHA512}10000$AAECAwQFBgcICQoLDA0ODw==$s1qOkFay1DbcR0sablkj"
	    "BgtOqf1IcoQVkkK1uzR9LdXA0A7SkKhkz0j9Li48.pDMKueSh3UUQNkgDDksLeAu.Q",
	    PW_UNSUPPORTED, 0 },
	{ "PBKDF2-SHA512 bad base64 in salt", "secret",
	    "{PBKDF2-SHA512}10000$AAECAwQF*gcICQoLDA0ODw$s1qOkFay1DbcR0sablkj"
	    "BgtOqf1IcoQVkkK1uzR9LdXA0A7SkKhkz0j9Li48.pDMKueSh3UUQNkgDDksLeAu.Q",
	    PW_UNSUPPORTED, 0 },
	{ "PBKDF2-SHA512 no iteration count", "secret",
	    "{PBKDF2-SHA512}$AAECAwQFBgcICQoLDA0ODw$s1qOkFay1DbcR0sablkj"
	    "BgtOqf1IcoQVkkK1uzR9LdXA0A7SkKhkz0j9Li48.pDMKueSh3UUQNkgDDksLeAu.Q",
	    PW_UNSUPPORTED, 0 },
	{ "PBKDF2-SHA512 empty data", "secret", "{PBKDF2-SHA512}",
	    PW_UNSUPPORTED, 0 },

	/* openssl passwd -6 -salt abcdefgh secret */
	{ "CRYPT sha512crypt", "secret",
	    "{CRYPT}$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwG"
	    "fQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.", PW_MATCH, 1 },
	{ "CRYPT sha512crypt wrong password", "secrets",
	    "{CRYPT}$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwG"
	    "fQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.", PW_MISMATCH, 0 },
	{ "CRYPT sha512crypt truncated", "secret",
	    "{CRYPT}$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwG",
	    PW_MISMATCH, 0 },
	{ "CRYPT sha256crypt", "secret",
	    "{crypt}$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA",
	    PW_MATCH, 1 },
	{ "CRYPT md5crypt", "secret",
	    "{CRYPT}$1$saltsalt$9xy1btjgzLYfb7hivXtC//", PW_MATCH, 1 },
	{ "CRYPT bcrypt", "secret",
	    "{CRYPT}$2b$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a",
	    PW_MATCH, 1 },
	{ "CRYPT yescrypt", "secret",
	    "{CRYPT}$y$j9T$F5Jx5fExrKuPp53xLKQ..1$GmcwIgvdUC9qLWcKCi6gklUa1dM3z"
	    "iD43YxYNURLKy0", PW_MATCH, 0 },
	{ "CRYPT yescrypt non-ASCII wrong", "P\xc3\xa4sssw\xc3\xb6rd 2024!",
	    "{CRYPT}$y$j9T$abcdefghijklmnopqrstu.$G0CKgrx/oTUHzBbdt.nVImP6DfgXM"
	    "Xn8FyCcCT0UTc.", PW_MISMATCH, 0 },
	{ "CRYPT yescrypt non-ASCII right", "P\xc3\xa4ssw\xc3\xb6rd 2024!",
	    "{CRYPT}$y$j9T$abcdefghijklmnopqrstu.$G0CKgrx/oTUHzBbdt.nVImP6DfgXM"
	    "Xn8FyCcCT0UTc.", PW_MATCH, 0 },
	{ "CRYPT yescrypt wrong password", "secret ",
	    "{CRYPT}$y$j9T$F5Jx5fExrKuPp53xLKQ..1$GmcwIgvdUC9qLWcKCi6gklUa1dM3z"
	    "iD43YxYNURLKy0", PW_MISMATCH, 0 },
	{ "CRYPT sha512crypt rounds=1000", "secret",
	    "{CRYPT}$6$rounds=1000$saltsalt$LAV5VE5Y7w1d73x1mFNspYWUpazfmwv2So"
	    "epNXNKJ/otop/Zok96Hr8Q13LEv0DRY/x8v0/crpIjl8NJSAqXV/", PW_MATCH, 1 },
	{ "CRYPT sha512crypt rounds over the cap", "secret",
	    "{CRYPT}$6$rounds=999999999$saltsalt$LAV5VE5Y7w1d73x1mFNspYWUpazfm"
	    "wv2SoepNXNKJ/otop/Zok96Hr8Q13LEv0DRY/x8v0/crpIjl8NJSAqXV/",
	    PW_UNSUPPORTED, 0 },
	{ "CRYPT sha256crypt rounds over the cap", "secret",
	    "{CRYPT}$5$rounds=10000001$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBv"
	    "gkYA.lpPdS5sA", PW_UNSUPPORTED, 0 },
	{ "CRYPT bcrypt $2y$", "secret",
	    "{CRYPT}$2y$04$abcdefghijklmnopqrstuu2r9OfJnfCsdneAXAGHnS4UpFFP8WIrW",
	    PW_MATCH, 1 },
	{ "CRYPT bcrypt cost 31 refused", "secret",
	    "{CRYPT}$2b$31$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a",
	    PW_UNSUPPORTED, 0 },
	{ "CRYPT locked '!'", "secret", "{CRYPT}!", PW_UNSUPPORTED, 0 },
	{ "CRYPT locked '!' before a hash", "secret",
	    "{CRYPT}!$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwG"
	    "fQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.", PW_UNSUPPORTED, 0 },
	{ "CRYPT failure token", "secret", "{CRYPT}*0", PW_UNSUPPORTED, 0 },
	{ "CRYPT unknown method", "secret", "{CRYPT}$9$abc$def",
	    PW_UNSUPPORTED, 0 },
	{ "CRYPT empty", "secret", "{CRYPT}", PW_UNSUPPORTED, 0 },

	/* never compared */
	{ "cleartext stored value", "secret", "secret", PW_UNSUPPORTED, 0 },
	{ "unknown scheme", "secret", "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=",
	    PW_UNSUPPORTED, 0 },
	{ "unclosed scheme", "secret", "{SSHA", PW_UNSUPPORTED, 0 },
	{ "empty stored value", "secret", "", PW_UNSUPPORTED, 0 },
};

static void
test_vectors(void)
{
	size_t	 i;
	int	 rehash;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		enum pw_result r;

		rehash = -1;
		r = pw_verify(v->clear, strlen(v->clear), v->stored,
		    strlen(v->stored), &rehash);
		CHECK(r == v->want && rehash == v->rehash,
		    "%s: result %d (want %d), rehash %d (want %d)", v->what,
		    (int)r, (int)v->want, rehash, v->rehash);
	}
}

static void
test_hash(void)
{
	char	 h1[PW_HASH_MAX], h2[PW_HASH_MAX], small[20];
	int	 rehash = -1;

	CHECK(pw_hash("Correct horse 1", 15, h1, sizeof(h1)) == 0,
	    "pw_hash succeeds");
	CHECK(strncmp(h1, "{CRYPT}$y$", 10) == 0, "new hash is yescrypt: %s",
	    h1);
	CHECK(pw_is_hashed(h1, strlen(h1)), "new hash is recognised as hashed");
	CHECK(pw_verify("Correct horse 1", 15, h1, strlen(h1), &rehash) ==
	    PW_MATCH && rehash == 0, "new hash verifies, no rehash");
	CHECK(pw_verify("Correct horse 2", 15, h1, strlen(h1), &rehash) ==
	    PW_MISMATCH, "new hash rejects another password");
	CHECK(pw_verify("Correct horse 1", 14, h1, strlen(h1), &rehash) ==
	    PW_MISMATCH, "new hash rejects a prefix");
	CHECK(pw_hash("Correct horse 1", 15, h2, sizeof(h2)) == 0 &&
	    strcmp(h1, h2) != 0, "two hashes of one password differ (salt)");
	CHECK(pw_verify("Correct horse 1", 15, h2, strlen(h2), NULL) ==
	    PW_MATCH, "rehash pointer may be NULL");

	CHECK(pw_hash("", 0, h2, sizeof(h2)) == 0 &&
	    pw_verify("", 0, h2, strlen(h2), &rehash) == PW_MATCH &&
	    pw_verify("x", 1, h2, strlen(h2), &rehash) == PW_MISMATCH,
	    "empty password hashes and verifies (policy is elsewhere)");

	errno = 0;
	CHECK(pw_hash("ab\0cd", 5, h2, sizeof(h2)) == -1 && errno == EINVAL,
	    "pw_hash rejects an embedded NUL");
	errno = 0;
	CHECK(pw_hash("secret", 6, small, sizeof(small)) == -1 &&
	    errno == ERANGE, "pw_hash reports a short output buffer");
}

static void
test_limits(void)
{
	static char	 big[2048], stored[PW_HASH_MAX + 64];
	const char	*ssha = "{SSHA}8KzLqJi2Y+dqZBCe1WCd3kpyZQj4EbbN";
	char		 h[PW_HASH_MAX];
	int		 rehash = -1;
	size_t		 n;

	memset(big, 'a', sizeof(big));
	/* libxcrypt's CRYPT_MAX_PASSPHRASE_SIZE includes the NUL. */
	CHECK(pw_hash(big, 511, h, sizeof(h)) == 0 &&
	    pw_verify(big, 511, h, strlen(h), &rehash) == PW_MATCH,
	    "511-byte password hashes and verifies");
	CHECK(pw_verify(big, 512, h, strlen(h), &rehash) == PW_MISMATCH,
	    "512-byte password does not match its 511-byte prefix");
	errno = 0;
	CHECK(pw_hash(big, 512, h, sizeof(h)) == -1 && errno == EINVAL,
	    "512-byte password refused by pw_hash");
	errno = 0;
	CHECK(pw_hash(big, 1025, h, sizeof(h)) == -1 && errno == EINVAL,
	    "1025-byte password refused by pw_hash");
	/* python3: sha512(1024 * "a" + 01020304) */
	CHECK(pw_verify(big, 1024, "{SSHA512}YA0y+0bX3wmCpVFfiQffNL0kQ7NuWP9Ii"
	    "bOcO/+INeZweuvNTPiEhg7ZSfuT70wWJTZ0SGcA9LL5V9Nn+zjFGgECAwQ=", 101,
	    &rehash) == PW_MATCH, "1024-byte password verifies against SSHA512");
	CHECK(pw_verify(big, sizeof(big), ssha, strlen(ssha), &rehash) ==
	    PW_MISMATCH && rehash == 0, "oversize password is a mismatch");
	CHECK(pw_verify("sec\0ret", 7, ssha, strlen(ssha), &rehash) ==
	    PW_MISMATCH, "password with NUL is a mismatch");
	CHECK(pw_verify("secret", 6, "{SSHA}8KzLqJi2\0+dqZBCe1WCd3kpyZQj4EbbN",
	    38, &rehash) == PW_UNSUPPORTED, "stored value with NUL refused");
	CHECK(pw_verify("secret", 6, ssha, 4, &rehash) == PW_UNSUPPORTED,
	    "stored value cut inside the scheme name refused");

	/* A long but well-formed {SSHA}: salt fills PW_HASH_MAX exactly. */
	memcpy(stored, "{SSHA}", 6);
	n = 6 + (PW_HASH_MAX - 6) / 4 * 4;
	memset(stored + 6, 'A', n - 6);
	CHECK(pw_verify("secret", 6, stored, n, &rehash) == PW_MISMATCH,
	    "{SSHA} with a %zu-byte value is compared", n);
	memset(stored + 6, 'A', sizeof(stored) - 6);
	CHECK(pw_verify("secret", 6, stored, sizeof(stored), &rehash) ==
	    PW_UNSUPPORTED, "stored value over PW_HASH_MAX refused");
	memcpy(stored, "{CRYPT}$6$", 10);
	CHECK(pw_verify("secret", 6, stored, PW_HASH_MAX, &rehash) !=
	    PW_MATCH, "{CRYPT} of PW_HASH_MAX bytes does not match");
	CHECK(pw_verify(NULL, 0, ssha, strlen(ssha), &rehash) == PW_MISMATCH,
	    "NULL empty password is a mismatch");
}

static void
test_is_hashed(void)
{
	CHECK(pw_is_hashed("{CRYPT}$y$x", 11), "{CRYPT} is hashed");
	CHECK(pw_is_hashed("{ssha}abcd", 10), "{ssha} is hashed");
	CHECK(pw_is_hashed("{SSHA512}abcd", 13), "{SSHA512} is hashed");
	CHECK(pw_is_hashed("{PBKDF2-SHA512}1$a$b", 20),
	    "{PBKDF2-SHA512} is hashed");
	CHECK(!pw_is_hashed("secret", 6), "cleartext is not hashed");
	CHECK(!pw_is_hashed("{MD5}abcd", 9), "{MD5} is not a scheme we verify");
	CHECK(!pw_is_hashed("{SSHA", 5), "unclosed scheme is not hashed");
	CHECK(!pw_is_hashed("{CRYPT}", 5), "length is honoured");
	CHECK(!pw_is_hashed("{SS\0A}abcd", 10), "NUL is not hashed");
	CHECK(!pw_is_hashed("", 0), "empty is not hashed");
}

int
main(void)
{
	test_vectors();
	test_hash();
	test_limits();
	test_is_hashed();
	return check_done();
}
