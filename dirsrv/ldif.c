/*
 * ldif.c - offline import and export (like slapadd and slapcat).  LDIF
 * reading and writing is libldap's (ldif_read_record,
 * ldap_parse_ldif_record, ldif_put_wrap); entries go through the same
 * checks as an LDAP add, many per transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dirsrv.h"
#include <ldif.h>

#define IMPORT_BATCH	1000


static int
import_init(struct config *cfg, struct schema *schema, int readonly)
{
	char err[512];

	srv = xcalloc(1, sizeof(*srv));
	srv->cfg = cfg;
	srv->schema = schema;
	if (server_init_names(srv, err, sizeof(err)) != 0 ||
	    store_open(&srv->store, cfg, schema, readonly, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "unifiedid-dirsrv: %s\n", err);
		return -1;
	}
	return 0;
}

/* build an entry from an LDIF add record */
static int
import_entry(struct op *op, LDIFRecord *lr, struct entry *e,
    const char **text)
{
	LDAPMod **mods = lr->lrop_mods;
	struct attrtype *at;
	struct attr *a;
	struct berval desc, *vals;
	const char *semi;
	size_t i, n;
	int rc;

	if (dn_normalize(srv->schema, &op->arena, &lr->lr_dn, &e->dn, &e->ndn)
	    != LDAP_SUCCESS) {
		*text = "invalid DN";
		return LDAP_INVALID_DN_SYNTAX;
	}
	for (i = 0; mods != NULL && mods[i] != NULL; i++) {
		desc.bv_val = mods[i]->mod_type;
		desc.bv_len = strlen(desc.bv_val);
		semi = memchr(desc.bv_val, ';', desc.bv_len);
		at = schema_at(srv->schema, desc.bv_val, semi ? (size_t)(semi -
		    desc.bv_val) : desc.bv_len);
		if (at == NULL) {
			char *t = arena_alloc(&op->arena, 200);
			snprintf(t, 200, "%s: attribute type undefined",
			    mods[i]->mod_type);
			*text = t;
			return LDAP_UNDEFINED_TYPE;
		}
		/* computed attributes in an export are not stored */
		if (at == srv->schema->a_hassubordinates ||
		    at == srv->schema->a_subschemasubentry ||
		    at == srv->schema->a_entrydn)
			continue;
		for (n = 0; mods[i]->mod_bvalues[n] != NULL; n++)
			;
		vals = arena_alloc(&op->arena, (n ? n : 1) * sizeof(*vals));
		for (n = 0; mods[i]->mod_bvalues[n] != NULL; n++)
			vals[n] = *mods[i]->mod_bvalues[n];
		a = entry_find_desc(e, at, semi ? &desc : &(struct berval){
		    strlen(at->name), (char *)(uintptr_t)at->name });
		if (a == NULL)
			a = entry_add_attr(&op->arena, e, at, semi ? &desc : NULL);
		if ((rc = write_values(&op->arena, a, vals, n, 0, NULL, text)) !=
		    LDAP_SUCCESS)
			return rc;
		if (attr_find_duplicate(a) >= 0) {
			char *t = arena_alloc(&op->arena, 200);
			snprintf(t, 200, "%s: duplicate value", at->name);
			*text = t;
			return LDAP_TYPE_OR_VALUE_EXISTS;
		}
	}
	return LDAP_SUCCESS;
}

/*
 * After an import: the data that writes derive (workflows.md), for the
 * people who hold posts and for roles, in batches of transactions.  People
 * without posts keep the gidNumber the file gave them.
 */
static int
import_derive(struct op *op)
{
	struct store *st = &srv->store;
	struct attrtype *oc = srv->schema->a_objectclass;
	struct idl people = { 0 }, roles = { 0 };
	struct berval v, nv;
	MDB_txn *txn = NULL;
	size_t i, n = 0;
	int rc;

	if ((rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn)) != 0)
		return rc;
	v.bv_val = "unifiedIdPost";
	v.bv_len = 13;
	if (value_normalize(&op->arena, oc, &v, &nv) == 0)
		index_eq(st, txn, oc, &nv, &people);
	v.bv_val = "unifiedIdRole";
	if (value_normalize(&op->arena, oc, &v, &nv) == 0)
		index_eq(st, txn, oc, &nv, &roles);
	/* posts -> their people (each person once) */
	for (i = 0; i < people.n; i++) {
		struct entry e;
		struct berval parent;
		uint64_t pid;

		if (store_get(st, txn, &op->arena, people.ids[i], &e) != 0)
			continue;
		dn_parent(&e.ndn, &parent);
		people.ids[i] = store_dn2id(st, txn, &parent, &pid) == 0 ? pid : 0;
	}
	mdb_txn_abort(txn);
	txn = NULL;
	idl_sort(&people);
	for (i = 0; i < people.n + roles.n; i++) {
		uint64_t id = i < people.n ? people.ids[i] : roles.ids[i -
		    people.n];
		struct entry e;

		if (id == 0)
			continue;
		if (txn == NULL && (rc = mdb_txn_begin(st->env, NULL, 0, &txn)) != 0)
			goto done;
		if (store_get_copy(st, txn, &op->arena, id, &e) == 0 &&
		    (rc = i < people.n ? derive_person(op, txn, &e.ndn) :
		    derive_role(op, txn, &e.ndn)) != 0)
			goto done;
		arena_reset(&op->arena);
		if (++n % IMPORT_BATCH == 0) {
			if ((rc = mdb_txn_commit(txn)) != 0) {
				txn = NULL;
				goto done;
			}
			txn = NULL;
		}
	}
	rc = txn ? mdb_txn_commit(txn) : 0;
	txn = NULL;
done:
	if (txn)
		mdb_txn_abort(txn);
	idl_free(&people);
	idl_free(&roles);
	return rc;
}

int
ldif_import(struct config *cfg, struct schema *schema, const char *file)
{
	LDIFFP *lfp = NULL, stdin_lfp;
	LDIFRecord lr;
	MDB_txn *txn = NULL;
	struct op op;
	struct berval rbuf;
	unsigned long lineno = 0, recline;
	char *buf = NULL;
	int buflen = 0, rc, ret = 1;
	size_t count = 0, inbatch = 0;

	memset(&op, 0, sizeof(op));
	if (import_init(cfg, schema, 0) != 0)
		return 1;
	if (strcmp(file, "-") == 0) {
		stdin_lfp.fp = stdin;
		stdin_lfp.prev = NULL;
		lfp = &stdin_lfp;
	} else if ((lfp = ldif_open(file, "r")) == NULL) {
		fprintf(stderr, "unifiedid-dirsrv: %s: %s\n", file,
		    strerror(errno));
		goto done;
	}
	/* like slapadd -q: no fsync per batch, one at the end; an import
	 * that fails half-way leaves whole batches, each one consistent */
	store_set_bulk(&srv->store, 1);
	memset(&op, 0, sizeof(op));
	op.isroot = 1;
	op.import = 1;
	op.binddn = srv->rootdn;
	op.bindndn = srv->nrootdn;
	for (;;) {
		struct entry *e;
		const char *text = NULL, *matched = NULL;

		recline = lineno + 1;
		rc = ldif_read_record(lfp, &lineno, &buf, &buflen);
		if (rc <= 0)
			break;
		rbuf.bv_val = buf;
		rbuf.bv_len = strlen(buf);
		if (ldap_parse_ldif_record(&rbuf, lineno, &lr, "import",
		    LDIF_DEFAULT_ADD | LDIF_ENTRIES_ONLY | LDIF_NO_CONTROLS) != 0) {
			fprintf(stderr, "unifiedid-dirsrv: %s: record near line "
			    "%lu: not valid LDIF\n", file, recline);
			goto done;
		}
		if (lr.lr_op != LDAP_REQ_ADD) {
			ldap_ldif_record_done(&lr);
			continue;
		}
		if (txn == NULL && (rc = mdb_txn_begin(srv->store.env, NULL, 0,
		    &txn)) != 0) {
			fprintf(stderr, "unifiedid-dirsrv: %s\n", mdb_strerror(rc));
			ldap_ldif_record_done(&lr);
			goto done;
		}
		e = arena_calloc(&op.arena, 1, sizeof(*e));
		rc = import_entry(&op, &lr, e, &text);
		if (rc == LDAP_SUCCESS)
			rc = add_entry(&op, txn, e, &text, &matched);
		if (rc != LDAP_SUCCESS) {
			fprintf(stderr, "unifiedid-dirsrv: %s: entry \"%s\" (record "
			    "ending at line %lu): %s (%d)%s%s\n", file,
			    lr.lr_dn.bv_val, lineno,
			    ldap_err2string(rc), rc, text ? ": " : "",
			    text ? text : "");
			ldap_ldif_record_done(&lr);
			goto done;
		}
		ldap_ldif_record_done(&lr);
		arena_reset(&op.arena);
		count++;
		if (++inbatch >= IMPORT_BATCH) {
			if ((rc = mdb_txn_commit(txn)) != 0) {
				txn = NULL;
				fprintf(stderr, "unifiedid-dirsrv: commit: %s\n",
				    mdb_strerror(rc));
				goto done;
			}
			txn = NULL;
			inbatch = 0;
		}
	}
	if (rc < 0) {
		fprintf(stderr, "unifiedid-dirsrv: %s: read error near line %lu\n",
		    file, lineno);
		goto done;
	}
	if (txn != NULL) {
		if ((rc = mdb_txn_commit(txn)) != 0) {
			txn = NULL;
			fprintf(stderr, "unifiedid-dirsrv: commit: %s\n",
			    mdb_strerror(rc));
			goto done;
		}
		txn = NULL;
	}
	if ((rc = import_derive(&op)) != 0) {
		fprintf(stderr, "unifiedid-dirsrv: deriving memberships: %s\n",
		    mdb_strerror(rc));
		goto done;
	}
	if ((rc = store_sync(&srv->store)) != 0) {
		fprintf(stderr, "unifiedid-dirsrv: sync: %s\n", mdb_strerror(rc));
		goto done;
	}
	fprintf(stderr, "unifiedid-dirsrv: imported %zu entries\n", count);
	ret = 0;
done:
	/* entries of earlier batches stay: they were complete and checked */
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (lfp != NULL && lfp != &stdin_lfp)
		ldif_close(lfp);
	ber_memfree(buf);
	arena_free(&op.arena);
	store_close(&srv->store);
	return ret;
}

static void
put_value(FILE *fp, const char *type, const struct berval *v)
{
	char *s = ldif_put_wrap(LDIF_PUT_VALUE, type, v->bv_val, v->bv_len, 76);

	if (s != NULL) {
		fputs(s, fp);
		ber_memfree(s);
	}
}

int
ldif_export(struct config *cfg, struct schema *schema)
{
	struct arena a = { 0 };
	MDB_txn *txn = NULL;
	MDB_cursor *c = NULL;
	MDB_val k, v;
	size_t i, j;
	int rc, ret = 1;
	char desc[512];

	if (import_init(cfg, schema, 1) != 0)
		return 1;
	if ((rc = mdb_txn_begin(srv->store.env, NULL, MDB_RDONLY, &txn)) != 0 ||
	    (rc = mdb_cursor_open(txn, srv->store.dn2id, &c)) != 0)
		goto dberr;
	/* dn2id keys are reversed DNs: parents sort before children */
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		struct entry e;
		uint64_t id;

		memcpy(&id, v.mv_data, sizeof(id));
		if ((rc = store_get(&srv->store, txn, &a, id, &e)) != 0)
			goto dberr;
		put_value(stdout, "dn", &e.dn);
		for (i = 0; i < e.na; i++) {
			struct attr *at = &e.attrs[i];

			if (at->external && (rc = store_load_external(&srv->store,
			    txn, &a, &e, at)) != 0)
				goto dberr;
			snprintf(desc, sizeof(desc), "%.*s", (int)at->desc.bv_len,
			    at->desc.bv_val);
			for (j = 0; j < at->nv; j++)
				put_value(stdout, desc, &at->vals[j]);
		}
		fputc('\n', stdout);
		arena_reset(&a);
	}
	if (rc != MDB_NOTFOUND)
		goto dberr;
	ret = fflush(stdout) == 0 ? 0 : 1;
	goto done;
dberr:
	fprintf(stderr, "unifiedid-dirsrv: export: %s\n", mdb_strerror(rc));
done:
	if (c)
		mdb_cursor_close(c);
	if (txn)
		mdb_txn_abort(txn);
	arena_free(&a);
	store_close(&srv->store);
	return ret;
}
