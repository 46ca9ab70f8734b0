/*
 * test_dn.c - distinguished names: dn_normalize (case folding, spaces,
 * escapes, multi-valued RDN order, OID-form types, UTF-8, invalid input),
 * dn_parent, dn_rdn, dn_is_suffix, dn_count and the dn_key ordering that
 * makes a subtree one contiguous key range.  Run from the repository root
 * (it loads schema/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "dirsrv.h"
#include "check.h"

static struct schema *s;

static struct berval
bv(const char *str)
{
	struct berval b = { strlen(str), (char *)(uintptr_t)str };

	return b;
}

static int
bveq(const struct berval *b, const char *str)
{
	return b->bv_len == strlen(str) && memcmp(b->bv_val, str, b->bv_len) == 0;
}

/* normalise in; returns the LDAP code, ndn/pretty copied to static bufs */
static char ndn_buf[16384], pretty_buf[16384];

static int
norm(const char *in)
{
	struct arena a = { 0 };
	struct berval b = bv(in), p = { 0, NULL }, n = { 0, NULL };
	int rc;

	ndn_buf[0] = pretty_buf[0] = '\0';
	rc = dn_normalize(s, &a, &b, &p, &n);
	if (rc == LDAP_SUCCESS) {
		snprintf(ndn_buf, sizeof(ndn_buf), "%.*s", (int)n.bv_len,
		    n.bv_val);
		snprintf(pretty_buf, sizeof(pretty_buf), "%.*s", (int)p.bv_len,
		    p.bv_val);
	}
	arena_free(&a);
	return rc;
}

static void
expect_ndn(const char *in, const char *want)
{
	int rc = norm(in);

	CHECK(rc == LDAP_SUCCESS && strcmp(ndn_buf, want) == 0,
	    "normalise \"%s\" -> \"%s\" (got rc %d \"%s\")", in, want, rc,
	    ndn_buf);
}

static void
expect_same(const char *x, const char *y)
{
	char nx[16384];
	int rx, ry;

	rx = norm(x);
	snprintf(nx, sizeof(nx), "%s", ndn_buf);
	ry = norm(y);
	CHECK(rx == LDAP_SUCCESS && ry == LDAP_SUCCESS &&
	    strcmp(nx, ndn_buf) == 0,
	    "\"%s\" and \"%s\" normalise alike (\"%s\" / \"%s\")", x, y, nx,
	    ndn_buf);
}

static void
expect_invalid(const char *what, const char *in)
{
	int rc = norm(in);

	CHECK(rc == LDAP_INVALID_DN_SYNTAX, "invalid DN rejected: %s (rc %d)",
	    what, rc);
}

static void
test_normalize(void)
{
	struct arena a = { 0 };
	struct berval in, p, n;
	char *big;
	int rc;

	/* empty DN: the root */
	in = bv("");
	rc = dn_normalize(s, &a, &in, &p, &n);
	CHECK(rc == LDAP_SUCCESS && n.bv_len == 0 && p.bv_len == 0,
	    "empty DN is valid and empty");
	arena_free(&a);

	/* case folding of types and of caseIgnore values */
	expect_ndn("UID=Alice, OU=People,DC=Example,DC=Gov,DC=CN",
	    "uid=alice,ou=people,dc=example,dc=gov,dc=cn");
	CHECK(norm("UID=Alice,OU=People") == 0 &&
	    strcmp(pretty_buf, "uid=Alice,ou=People") == 0,
	    "pretty form keeps value case, canonical type names (%s)",
	    pretty_buf);
	expect_same("cn=John Smith,dc=x", "CN=JOHN SMITH,DC=X");
	/* spaces: around separators, leading/trailing, inner runs */
	expect_ndn(" cn = a , dc = x ", "cn=a,dc=x");
	expect_ndn("cn=  Foo   Bar ,dc=x", "cn=foo bar,dc=x");
	expect_same("cn=Foo Bar,dc=x", "cn=foo    bar,dc=x");
	expect_ndn("cn=\\20a\\20,dc=x", "cn=a,dc=x");
	/* escaped comma, plus, backslash, hex escapes */
	expect_same("cn=a\\,b,dc=x", "cn=a\\2cb,dc=x");
	expect_same("cn=a\\,b,dc=x", "CN=A\\2CB,DC=X");
	CHECK(norm("cn=a\\,b,dc=x") == 0 && dn_count(&(struct berval){
	    strlen(ndn_buf), ndn_buf }) == 2,
	    "an escaped comma does not split the RDN (%s)", ndn_buf);
	expect_same("cn=a\\+b,dc=x", "cn=A\\2bB,dc=x");
	CHECK(norm("cn=a\\+b,dc=x") == 0 && strchr(ndn_buf, '+') == NULL,
	    "escaped plus is not an RDN separator (%s)", ndn_buf);
	expect_same("cn=a\\\\,dc=x", "cn=a\\5c,dc=x");
	/* multi-valued RDN ordering */
	expect_same("cn=a+sn=b,dc=x", "sn=b+cn=a,dc=x");
	expect_same("CN=A+SN=B,dc=x", "sn=b+cn=a,dc=x");
	expect_same("uid=u+cn=c+sn=s,dc=x", "sn=s+uid=u+cn=c,dc=x");
	CHECK(norm("cn=a+sn=b,dc=x") == 0 && norm("cn=a,sn=b,dc=x") == 0,
	    "a two-AVA RDN and two RDNs are both valid");
	{
		char one[16384];
		norm("cn=a+sn=b,dc=x");
		snprintf(one, sizeof(one), "%s", ndn_buf);
		norm("cn=a,sn=b,dc=x");
		CHECK(strcmp(one, ndn_buf) != 0,
		    "cn=a+sn=b differs from cn=a,sn=b");
	}
	/* OID form and alternative names */
	expect_same("2.5.4.3=X,dc=x", "cn=x,dc=x");
	expect_same("commonName=X,dc=x", "cn=x,dc=x");
	expect_same("0.9.2342.19200300.100.1.1=Alice,dc=x", "uid=alice,dc=x");
	CHECK(norm("2.5.4.3=X,dc=x") == 0 &&
	    strcmp(pretty_buf, "cn=X,dc=x") == 0,
	    "OID type gets its canonical name in the pretty form (%s)",
	    pretty_buf);
	/* UTF-8 (Chinese) values stay as UTF-8 */
	expect_ndn("ou=财政局,dc=example", "ou=财政局,dc=example");
	expect_same("OU=财政局,DC=Example", "ou=财政局,dc=example");
	expect_ndn("cn=张 三,ou=people", "cn=张 三,ou=people");
	expect_same("cn=张  三,ou=people", "cn=张 三,ou=people");
	/* the equality rule of the type drives value normalisation */
	expect_ndn("uidNumber=007,dc=x", "uidnumber=7,dc=x");
	expect_same("uidNumber=0042,dc=x", "UIDNUMBER=42,dc=x");
	expect_ndn("uidNumber=-0,dc=x", "uidnumber=0,dc=x");
	/* memberUid is caseExact: case is significant */
	{
		char x[16384];
		norm("memberUid=Bob,dc=x");
		snprintf(x, sizeof(x), "%s", ndn_buf);
		norm("memberUid=bob,dc=x");
		CHECK(strcmp(x, ndn_buf) != 0,
		    "caseExact values keep their case (%s / %s)", x, ndn_buf);
	}
	/* normalising is idempotent */
	{
		static const char *dns[] = {
			"UID=Alice,OU=People,DC=Example",
			"cn=a\\,b+SN=Q\\+R,dc=x",
			"ou=财政局,dc=example",
			"cn=  X  Y ,dc=z",
			/* values that normalise to nothing (fuzz_dn) */
			"cn=\\20,dc=x",
		};
		size_t i;
		char first[16384];

		for (i = 0; i < NELEM(dns); i++) {
			int r1 = norm(dns[i]), r2;
			snprintf(first, sizeof(first), "%s", ndn_buf);
			r2 = norm(first);
			CHECK(r1 == 0 && r2 == 0 && strcmp(first, ndn_buf) == 0,
			    "normalisation of \"%s\" is idempotent (\"%s\" -> "
			    "\"%s\")", dns[i], first, ndn_buf);
		}
	}
	/* invalid DNs */
	expect_invalid("\"=x\"", "=x");
	expect_invalid("\"cn\" (no value)", "cn");
	expect_invalid("empty RDN \"cn=a,,dc=b\"", "cn=a,,dc=b");
	expect_invalid("trailing comma", "cn=a,dc=x,");
	expect_invalid("unknown type", "foo=bar,dc=x");
	expect_invalid("unknown OID type", "1.2.3.4.5.6=x,dc=x");
	expect_invalid("empty directoryString value", "cn=,dc=x");
	expect_invalid("value invalid for the syntax", "uidNumber=abc,dc=x");
	expect_invalid("escaped NUL in a directoryString", "cn=a\\00b,dc=x");
	expect_invalid("bad hex escape", "cn=a\\zz,dc=x");
	/* separators only are no telephone number (as slapd) */
	expect_invalid("telephone number of separators only",
	    "telephoneNumber=---,dc=x");
	expect_invalid("unbalanced quote", "cn=\"abc,dc=x");
	expect_invalid("BER value form #04..", "cn=#04024869,dc=x");
	{
		struct berval nul = { 9, "cn=a\0,b=c" };
		rc = dn_normalize(s, &a, &nul, &p, &n);
		CHECK(rc == LDAP_INVALID_DN_SYNTAX, "raw NUL byte rejected");
		arena_free(&a);
	}
	/* overlong */
	big = malloc(9001);
	memcpy(big, "cn=", 3);
	memset(big + 3, 'x', 8997);
	big[9000] = '\0';
	expect_invalid("overlong (9000 bytes)", big);
	/* long but acceptable (over the dn2id key size is the store's
	 * problem, not the syntax's) */
	big[600] = '\0';
	CHECK(norm(big) == LDAP_SUCCESS, "600-byte DN is syntactically valid");
	/* many RDNs */
	{
		size_t i, off = 0;
		for (i = 0; i < 1000; i++) {
			memcpy(big + off, "cn=a,", 5);
			off += 5;
		}
		memcpy(big + off, "dc=x", 5);
		rc = norm(big);
		CHECK(rc == LDAP_SUCCESS && dn_count(&(struct berval){
		    strlen(ndn_buf), ndn_buf }) == 1001,
		    "a DN of 1001 RDNs normalises (rc %d)", rc);
	}
	free(big);
}

/* dn_normalize in a child with a time limit: "member=member=...=cn=x"
 * nests DN-valued RDNs; each level was validated and normalised
 * separately, doubling the work per level (found by fuzz_dn) */
static void
test_nested_dn_values(void)
{
	static const int levels[] = { 8, 40, 200 };
	size_t i;

	for (i = 0; i < NELEM(levels); i++) {
		char *dn = malloc((size_t)levels[i] * 7 + 8);
		pid_t pid;
		int status = 0, k;

		for (k = 0; k < levels[i]; k++)
			memcpy(dn + k * 7, "member=", 7);
		strcpy(dn + levels[i] * 7, "cn=x");
		fflush(stdout);
		if ((pid = fork()) == 0) {
			alarm(5);
			(void)norm(dn);
			_exit(0);
		}
		free(dn);
		CHECK(pid > 0 && waitpid(pid, &status, 0) == pid &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "a DN of %d nested member= values is handled within 5 s "
		    "(%s %d)", levels[i], WIFSIGNALED(status) ?
		    "killed by signal" : "exit status", WIFSIGNALED(status) ?
		    WTERMSIG(status) : WEXITSTATUS(status));
	}
}

static void
test_parent_rdn_count(void)
{
	struct berval d, p, r;

	d = bv("uid=a,ou=people,dc=x");
	dn_parent(&d, &p);
	CHECK(bveq(&p, "ou=people,dc=x"), "dn_parent of a 3-RDN DN");
	dn_rdn(&d, &r);
	CHECK(bveq(&r, "uid=a"), "dn_rdn of a 3-RDN DN");
	CHECK(dn_count(&d) == 3, "dn_count = 3");

	d = bv("dc=x");
	dn_parent(&d, &p);
	CHECK(p.bv_len == 0, "dn_parent of a one-RDN DN is empty");
	dn_rdn(&d, &r);
	CHECK(bveq(&r, "dc=x"), "dn_rdn of a one-RDN DN is itself");
	CHECK(dn_count(&d) == 1, "dn_count = 1");

	d = bv("");
	dn_parent(&d, &p);
	CHECK(p.bv_len == 0, "dn_parent of the root is empty");
	CHECK(dn_count(&d) == 0, "dn_count of the root = 0");

	/* escaped separators */
	d = bv("cn=a\\,b,dc=x");
	dn_parent(&d, &p);
	CHECK(bveq(&p, "dc=x"), "dn_parent skips an escaped comma");
	dn_rdn(&d, &r);
	CHECK(bveq(&r, "cn=a\\,b"), "dn_rdn keeps an escaped comma");
	CHECK(dn_count(&d) == 2, "dn_count with an escaped comma = 2");

	d = bv("cn=a\\\\,dc=x");	/* value ends in a backslash */
	dn_parent(&d, &p);
	CHECK(bveq(&p, "dc=x"), "dn_parent after an escaped backslash");
	CHECK(dn_count(&d) == 2, "dn_count after an escaped backslash = 2");

	d = bv("cn=a\\2Cb,dc=x");
	dn_parent(&d, &p);
	CHECK(bveq(&p, "dc=x"), "dn_parent with a hex-escaped comma");

	d = bv("cn=a+sn=b,dc=x");
	dn_rdn(&d, &r);
	CHECK(bveq(&r, "cn=a+sn=b"), "dn_rdn of a multi-valued RDN");
	CHECK(dn_count(&d) == 2, "dn_count of a multi-valued RDN DN = 2");

	d = bv("ou=财政局,dc=example");
	dn_parent(&d, &p);
	CHECK(bveq(&p, "dc=example"), "dn_parent of a UTF-8 DN");
}

static void
test_is_suffix(void)
{
	struct berval a, b;

#define SUF(x, y, want) do {						\
	a = bv(x); b = bv(y);						\
	CHECK(dn_is_suffix(&a, &b) == (want),				\
	    "dn_is_suffix(\"%s\", \"%s\") == %d", x, y, want);		\
} while (0)
	SUF("uid=a,ou=people,dc=x", "dc=x", 1);
	SUF("uid=a,ou=people,dc=x", "ou=people,dc=x", 1);
	SUF("uid=a,ou=people,dc=x", "uid=a,ou=people,dc=x", 1);
	SUF("dc=x", "dc=x", 1);
	SUF("dc=x", "", 1);
	SUF("", "", 1);
	SUF("", "dc=x", 0);
	SUF("dc=x", "ou=people,dc=x", 0);
	SUF("uid=a,ou=people,dc=x", "dc=y", 0);
	/* a suffix of the string that is not a suffix of RDNs */
	SUF("uid=a,ou=people,dc=xx", "dc=x", 0);
	SUF("uid=a,ou=people,dc=x", "c=x", 0);
	SUF("ou=apeople,dc=x", "people,dc=x", 0);
	SUF("cn=xdc=x", "dc=x", 0);
	/* escaped comma: "cn=a\,dc=x" is one RDN */
	SUF("cn=a\\,dc=x", "dc=x", 0);
	/* escaped backslash, then a real comma */
	SUF("cn=a\\\\,dc=x", "dc=x", 1);
	/* escaped backslash, then an escaped comma */
	SUF("cn=a\\\\\\,dc=x", "dc=x", 0);
	SUF("cn=a\\2C,dc=x", "dc=x", 1);
	SUF("cn=a\\,b,dc=x", "cn=a\\,b,dc=x", 1);
	SUF("cn=q,cn=a\\,b,dc=x", "cn=a\\,b,dc=x", 1);
	SUF("cn=q,cn=a\\,b,dc=x", "b,dc=x", 0);
	SUF("ou=科室,ou=财政局,dc=example", "ou=财政局,dc=example", 1);
	SUF("ou=财政局,dc=example", "ou=科室,ou=财政局,dc=example", 0);
#undef SUF
}

/* keys of normalised DNs, for the ordering property */
struct kdn {
	char	 ndn[512];
	char	 key[512];
	size_t	 len;
};

static int
kdn_cmp(const void *x, const void *y)
{
	const struct kdn *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, n);

	return c ? c : (a->len > b->len) - (a->len < b->len);
}

static void
test_key_order(void)
{
	static const char *dns[] = {
		"dc=example,dc=gov,dc=cn",
		"ou=people,dc=example,dc=gov,dc=cn",
		"uid=alice,ou=people,dc=example,dc=gov,dc=cn",
		"orgCode=fin,uid=alice,ou=people,dc=example,dc=gov,dc=cn",
		"uid=bob,ou=people,dc=example,dc=gov,dc=cn",
		"uid=alice2,ou=people,dc=example,dc=gov,dc=cn",
		"uid=alic,ou=people,dc=example,dc=gov,dc=cn",
		"uid=a\\,b,ou=people,dc=example,dc=gov,dc=cn",
		"uid=a,ou=people,dc=example,dc=gov,dc=cn",
		"uid=a b,ou=people,dc=example,dc=gov,dc=cn",
		"uid=a\\+x,ou=people,dc=example,dc=gov,dc=cn",
		"cn=x+uid=a,ou=people,dc=example,dc=gov,dc=cn",
		"ou=people2,dc=example,dc=gov,dc=cn",
		"ou=peopl,dc=example,dc=gov,dc=cn",
		"ou=people,ou=people,dc=example,dc=gov,dc=cn",
		"ou=orgs,dc=example,dc=gov,dc=cn",
		"orgCode=fin,ou=orgs,dc=example,dc=gov,dc=cn",
		"orgCode=sub,orgCode=fin,ou=orgs,dc=example,dc=gov,dc=cn",
		"orgCode=fin2,ou=orgs,dc=example,dc=gov,dc=cn",
		"ou=财政局,ou=orgs,dc=example,dc=gov,dc=cn",
		"ou=财政局2,ou=orgs,dc=example,dc=gov,dc=cn",
		"dc=example2,dc=gov,dc=cn",
		"dc=exampl,dc=gov,dc=cn",
		"dc=gov,dc=cn",
		"dc=cn",
		"dc=cnx",
		"ou=x,dc=example,dc=gov,dc=cnx",
	};
	struct kdn *k = calloc(NELEM(dns), sizeof(*k));
	size_t i, j, n = NELEM(dns);

	for (i = 0; i < n; i++) {
		int rc = norm(dns[i]);
		if (rc != 0) {
			CHECK(0, "normalise %s for key test", dns[i]);
			free(k);
			return;
		}
		snprintf(k[i].ndn, sizeof(k[i].ndn), "%.500s", ndn_buf);
		k[i].len = strlen(ndn_buf);
		dn_key(&(struct berval){ k[i].len, k[i].ndn }, k[i].key);
	}
	/* "a,b,c" -> "c\0b\0a" */
	{
		char key[64];
		struct berval d = bv("uid=a,ou=p,dc=x");
		dn_key(&d, key);
		CHECK(d.bv_len == 15 && memcmp(key, "dc=x\0ou=p\0uid=a", 15) == 0,
		    "dn_key reverses RDNs with NUL separators");
		d = bv("cn=a\\,b,dc=x");
		dn_key(&d, key);
		CHECK(memcmp(key, "dc=x\0cn=a\\,b", d.bv_len) == 0,
		    "dn_key does not split at an escaped comma");
	}
	qsort(k, n, sizeof(*k), kdn_cmp);
	/* for every base: the entries at or below it form one contiguous
	 * run of the sorted keys, starting with the base itself */
	for (i = 0; i < n; i++) {
		struct berval base = { k[i].len, k[i].ndn };
		size_t first = n, last = 0, cnt = 0;
		int ok;

		for (j = 0; j < n; j++) {
			struct berval d = { k[j].len, k[j].ndn };
			if (dn_is_suffix(&d, &base)) {
				if (first == n)
					first = j;
				last = j;
				cnt++;
			}
		}
		ok = first == i && cnt == last - first + 1;
		/* and the run is exactly the keys "base" or "base\0..." */
		for (j = 0; ok && j < n; j++) {
			int pre = k[j].len >= k[i].len &&
			    memcmp(k[j].key, k[i].key, k[i].len) == 0 &&
			    (k[j].len == k[i].len || k[j].key[k[i].len] == '\0');
			if (pre != (j >= first && j <= last))
				ok = 0;
		}
		CHECK(ok, "subtree of %s is a contiguous key range (%zu "
		    "entries)", k[i].ndn, cnt);
	}
	free(k);
}

int
main(void)
{
	char err[512];

	setvbuf(stdout, NULL, _IOLBF, 0);
	s = schema_load("schema", err, sizeof(err));
	CHECK(s != NULL, "schema loads (%s)", s ? "ok" : err);
	if (s == NULL)
		return check_done();
	test_normalize();
	test_nested_dn_values();
	test_parent_rdn_count();
	test_is_suffix();
	test_key_order();
	schema_free(s);
	return check_done();
}
