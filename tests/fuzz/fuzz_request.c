/*
 * fuzz_request.c - libFuzzer target for the request decoder: the bytes a
 * client sends go through conn_frame (framing, limits) and op_decode (the
 * LDAPMessage envelope and controls); then the operation is decoded the
 * way its handler does it - DNs through dn_normalize, attribute types
 * through the schema, values through value_normalize / write_values and
 * the schema checks, a search's filter through filter_decode and a match
 * against fixed entries, and the entry encoding used by the store.
 * Several PDUs in one input are handled one after the other, as a
 * pipelining client would send them.
 */
#include "fuzz_common.h"
#include "conn.h"

#define FUZZ_MAX_PDU	(256u << 10)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config fz_cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init(1);
	config_defaults(&fz_cfg);
	/* handlers and helpers reach the schema through srv */
	srv = calloc(1, sizeof(*srv));
	srv->schema = fz_schema;
	srv->cfg = &fz_cfg;
	srv->store.schema = fz_schema;
	log_verbosity = -1;
	return 0;
}

static void
use_dn(struct arena *a, const struct berval *dn)
{
	struct berval pretty, ndn, p, r, n2, p2;
	struct rdn_ava *avas;
	size_t navas;

	if (dn_normalize(fz_schema, a, dn, &pretty, &ndn) != LDAP_SUCCESS)
		return;
	dn_parent(&ndn, &p);
	dn_rdn(&ndn, &r);
	(void)dn_count(&ndn);
	if (!dn_is_suffix(&ndn, &p))
		abort();	/* a DN is below its parent */
	if (ndn.bv_len > 0 && ndn.bv_len <= DN_KEY_MAX) {
		char *key = malloc(ndn.bv_len);
		dn_key(&ndn, key);
		free(key);
	}
	(void)dn_rdn_avas(fz_schema, a, &pretty, &avas, &navas);
	/* the pretty form names the same entry */
	if (dn_normalize(fz_schema, a, &pretty, &p2, &n2) != LDAP_SUCCESS ||
	    n2.bv_len != ndn.bv_len || memcmp(n2.bv_val, ndn.bv_val,
	    ndn.bv_len) != 0) {
		fprintf(stderr, "pretty DN \"%.*s\" does not normalise back to "
		    "\"%.*s\"\n", (int)pretty.bv_len, pretty.bv_val,
		    (int)ndn.bv_len, ndn.bv_val);
		abort();
	}
}

static struct attrtype *
desc_type(const struct berval *desc)
{
	const char *semi = memchr(desc->bv_val, ';', desc->bv_len);

	return schema_at(fz_schema, desc->bv_val, semi ? (size_t)(semi -
	    desc->bv_val) : desc->bv_len);
}

static void
do_search(struct op *op)
{
	struct berval base, attr;
	ber_int_t scope, deref, slimit, tlimit, typesonly;
	struct filter *f = NULL;
	ber_len_t len;
	ber_tag_t tag;
	char *last;

	if (ber_scanf(op->ber, "{miiiib" /*}*/, &base, &scope, &deref, &slimit,
	    &tlimit, &typesonly) == LBER_ERROR)
		return;
	use_dn(&op->arena, &base);
	if (filter_decode(fz_schema, &op->arena, op->ber, &f) != LDAP_SUCCESS)
		return;
	fz_use_filter(&op->arena, f);
	if (ber_peek_tag(op->ber, &len) != LBER_SEQUENCE)
		return;
	for (tag = ber_first_element(op->ber, &len, &last);
	    tag != LBER_DEFAULT; tag = ber_next_element(op->ber, &len, last)) {
		if (ber_scanf(op->ber, "m", &attr) == LBER_ERROR)
			return;
		(void)desc_type(&attr);
	}
}

/* an AttributeList (add) or a list of changes (modify) into an entry,
 * then the schema checks and the storage encoding */
static void
do_attrs(struct op *op, struct entry *e, int modify)
{
	const char *text = NULL;
	struct berval desc, v, vals[64];
	ber_int_t mop = 0;
	ber_len_t len;
	ber_tag_t tag, vt;
	char *last, *vlast;
	size_t nv;

	if (ber_peek_tag(op->ber, &len) != LBER_SEQUENCE)
		return;
	for (tag = ber_first_element(op->ber, &len, &last);
	    tag != LBER_DEFAULT; tag = ber_next_element(op->ber, &len, last)) {
		struct attrtype *at;
		struct attr *a;

		if (modify ? ber_scanf(op->ber, "{e{m" /*}}*/, &mop, &desc) ==
		    LBER_ERROR : ber_scanf(op->ber, "{m" /*}*/, &desc) ==
		    LBER_ERROR)
			return;
		if (ber_peek_tag(op->ber, &len) != LBER_SET)
			return;
		nv = 0;
		for (vt = ber_first_element(op->ber, &len, &vlast);
		    vt != LBER_DEFAULT;
		    vt = ber_next_element(op->ber, &len, vlast)) {
			if (ber_scanf(op->ber, "m", &v) == LBER_ERROR)
				return;
			if (nv < NELEM(vals))
				vals[nv++] = v;
		}
		if (ber_scanf(op->ber, modify ? /*{{*/ "}}" : /*{*/ "}") ==
		    LBER_ERROR)
			return;
		if ((at = desc_type(&desc)) == NULL ||
		    at == fz_schema->a_userpassword)	/* hashing is slow */
			continue;
		if ((a = entry_find_desc(e, at, &desc)) == NULL)
			a = entry_add_attr(&op->arena, e, at, &desc);
		if (modify && mop == LDAP_MOD_DELETE) {
			size_t i;
			for (i = 0; i < nv; i++) {
				struct berval n;
				int k;
				if (value_normalize(&op->arena, at, &vals[i],
				    &n) == 0 && (k = attr_find_value(a, &n)) >= 0)
					attr_del_index(a, (size_t)k);
			}
			if (nv == 0 || a->nv == 0)
				entry_del_attr(e, a);
			continue;
		}
		if (modify && mop == LDAP_MOD_REPLACE)
			a->nv = 0;
		(void)write_values(&op->arena, a, vals, nv, 1, NULL, &text);
		(void)attr_find_duplicate(a);
	}
	(void)write_check_entry(&op->arena, fz_schema, e, &text);
	(void)write_check_rdn(&op->arena, fz_schema, e, &text);
	/* what the store writes must read back */
	{
		struct buf b = { 0 };
		struct entry back;
		struct arena ra = { 0 };

		entry_encode(e, &b);
		if (entry_decode(&ra, fz_schema, b.p, b.len, &back) != 0 ||
		    back.na != e->na) {
			fprintf(stderr, "entry_encode/entry_decode round trip "
			    "failed\n");
			abort();
		}
		if (back.na > 0)
			(void)entry_dup(&ra, &back);
		buf_free(&b);
		arena_free(&ra);
	}
}

static void
do_add_modify(struct op *op, int modify)
{
	struct entry *e;
	struct berval dn;

	if (ber_scanf(op->ber, "{m" /*}*/, &dn) == LBER_ERROR)
		return;
	e = modify ? entry_dup(&op->arena, &fz_person) :
	    arena_calloc(&op->arena, 1, sizeof(*e));
	if (!modify && dn_normalize(fz_schema, &op->arena, &dn, &e->dn,
	    &e->ndn) != LDAP_SUCCESS)
		return;
	if (modify)
		use_dn(&op->arena, &dn);
	do_attrs(op, e, modify);
}

static void
do_op(struct op *op)
{
	struct berval dn, dn2, desc, val, nv;
	ber_int_t version, delold;
	ber_len_t len;
	struct attrtype *at;

	switch (op->tag) {
	case LDAP_REQ_BIND:
		if (ber_scanf(op->ber, "{im" /*}*/, &version, &dn) != LBER_ERROR)
			use_dn(&op->arena, &dn);
		break;
	case LDAP_REQ_SEARCH:
		do_search(op);
		break;
	case LDAP_REQ_ADD:
		do_add_modify(op, 0);
		break;
	case LDAP_REQ_MODIFY:
		do_add_modify(op, 1);
		break;
	case LDAP_REQ_DELETE:
		if (ber_scanf(op->ber, "m", &dn) != LBER_ERROR)
			use_dn(&op->arena, &dn);
		break;
	case LDAP_REQ_MODDN:
		if (ber_scanf(op->ber, "{mmb" /*}*/, &dn, &dn2, &delold) ==
		    LBER_ERROR)
			break;
		use_dn(&op->arena, &dn);
		use_dn(&op->arena, &dn2);
		if (ber_peek_tag(op->ber, &len) == LDAP_TAG_NEWSUPERIOR &&
		    ber_scanf(op->ber, "m", &dn) != LBER_ERROR)
			use_dn(&op->arena, &dn);
		break;
	case LDAP_REQ_COMPARE:
		if (ber_scanf(op->ber, "{m{mm}}", &dn, &desc, &val) ==
		    LBER_ERROR)
			break;
		use_dn(&op->arena, &dn);
		if ((at = desc_type(&desc)) != NULL && at_eq(at) != NULL &&
		    at_eq(at)->norm != NULL)
			(void)at_eq(at)->norm(&op->arena, &val, &nv);
		break;
	case LDAP_REQ_EXTENDED:
		if (ber_scanf(op->ber, "{m" /*}*/, &desc) != LBER_ERROR &&
		    ber_peek_tag(op->ber, &len) == LDAP_TAG_EXOP_REQ_VALUE)
			(void)ber_scanf(op->ber, "m", &val);
		break;
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	int n = 0;

	while (off < size && n++ < 16) {
		ssize_t fl = conn_frame(data + off, size - off, FUZZ_MAX_PDU);
		struct berval pdu;
		struct op *op;
		int rc;

		if (fl <= 0)
			break;
		if ((size_t)fl > size - off)
			abort();	/* framing must stay inside the input */
		/* the PDU in its own buffer, one spare byte for liblber's
		 * in-place terminators */
		pdu.bv_len = (ber_len_t)fl;
		pdu.bv_val = malloc((size_t)fl + 1);
		memcpy(pdu.bv_val, data + off, (size_t)fl);
		pdu.bv_val[fl] = 0;
		op = calloc(1, sizeof(*op));
		rc = op_decode(op, &pdu);
		if (rc == LDAP_SUCCESS && op->tag != 0 && op->ber != NULL) {
			(void)op_is_write(op->tag);
			do_op(op);
		}
		op_free(op);
		free(pdu.bv_val);
		off += (size_t)fl;
	}
	return 0;
}
