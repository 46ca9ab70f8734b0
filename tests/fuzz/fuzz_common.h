/*
 * fuzz_common.h - shared set-up of the libFuzzer targets: the schema
 * (schema/ of the repository, or $UNIFIEDID_SCHEMA_DIR), and fixed entries
 * that decoded filters are matched against.  Header-only: each target is
 * one translation unit linked with the daemon's objects.
 */
#ifndef UNIFIEDID_FUZZ_COMMON_H
#define UNIFIEDID_FUZZ_COMMON_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dirsrv.h"

static struct schema *fz_schema;
static struct store fz_store;		/* .schema only: no LMDB */
static struct arena fz_earena;
static struct entry fz_person, fz_org;

static void
fz_put(struct entry *e, const char *name, ...)
{
	struct attrtype *at = schema_at(fz_schema, name, strlen(name));
	struct attr *a;
	const char *v;
	va_list ap;

	if (at == NULL) {
		fprintf(stderr, "fuzz: schema lacks %s\n", name);
		abort();
	}
	if ((a = entry_find(e, at)) == NULL)
		a = entry_add_attr(&fz_earena, e, at, NULL);
	va_start(ap, name);
	while ((v = va_arg(ap, const char *)) != NULL) {
		struct berval val, nv;

		val.bv_len = strlen(v);
		val.bv_val = arena_strndup(&fz_earena, v, val.bv_len);
		if (value_normalize(&fz_earena, at, &val, &nv) != 0) {
			fprintf(stderr, "fuzz: bad value %s: %s\n", name, v);
			abort();
		}
		attr_append_value(&fz_earena, a, &val, &nv);
	}
	va_end(ap);
}

static void
fz_dn(struct entry *e, const char *dn)
{
	struct berval in = { strlen(dn), (char *)(uintptr_t)dn };

	memset(e, 0, sizeof(*e));
	e->id = 1;
	if (dn_normalize(fz_schema, &fz_earena, &in, &e->dn, &e->ndn) != 0) {
		fprintf(stderr, "fuzz: bad DN %s\n", dn);
		abort();
	}
}

/* load the schema and build the entries; call from LLVMFuzzerInitialize */
static void
fz_init(int entries)
{
	const char *dir = getenv("UNIFIEDID_SCHEMA_DIR");
	char err[512];

	if (dir == NULL)
		dir = "schema";
	if ((fz_schema = schema_load(dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz: %s (run from the repository root or set "
		    "UNIFIEDID_SCHEMA_DIR)\n", err);
		exit(1);
	}
	fz_store.schema = fz_schema;
	if (!entries)
		return;
	fz_dn(&fz_person, "uid=alice,ou=people,dc=example,dc=gov,dc=cn");
	fz_put(&fz_person, "objectClass", "top", "inetOrgPerson", "posixAccount",
	    "unifiedIdPerson", NULL);
	fz_put(&fz_person, "uid", "alice", NULL);
	fz_put(&fz_person, "cn", "Alice Smith", "张三", NULL);
	fz_put(&fz_person, "sn", "Smith", NULL);
	fz_put(&fz_person, "mail", "alice@example.gov.cn", NULL);
	fz_put(&fz_person, "uidNumber", "10001", NULL);
	fz_put(&fz_person, "gidNumber", "-20", NULL);
	fz_put(&fz_person, "homeDirectory", "/home/alice", NULL);
	fz_put(&fz_person, "telephoneNumber", "+86 10-1234 5678", NULL);
	fz_put(&fz_person, "mobile", "13800138000", NULL);
	fz_put(&fz_person, "description", "the quick brown fox", NULL);
	fz_put(&fz_person, "manager",
	    "uid=bob,ou=people,dc=example,dc=gov,dc=cn", NULL);
	fz_put(&fz_person, "createTimestamp", "20240101120000Z", NULL);
	fz_put(&fz_person, "entryUUID", "0f2d3c4b-5a69-4788-97a6-b5c4d3e2f1a0",
	    NULL);
	fz_put(&fz_person, "memberUid", "Bob", NULL);
	fz_put(&fz_person, "userPassword", "{CRYPT}$y$j9T$x$y", NULL);
	fz_put(&fz_person, "accountStatus", "active", NULL);

	fz_dn(&fz_org, "orgCode=fin,ou=orgs,dc=example,dc=gov,dc=cn");
	fz_put(&fz_org, "objectClass", "top", "organizationalUnit", "posixGroup",
	    "unifiedIdOrg", NULL);
	fz_put(&fz_org, "ou", "财政局", NULL);
	fz_put(&fz_org, "orgCode", "fin", NULL);
	fz_put(&fz_org, "cn", "fin", NULL);
	fz_put(&fz_org, "gidNumber", "20001", NULL);
	fz_put(&fz_org, "member", "uid=alice,ou=people,dc=example,dc=gov,dc=cn",
	    NULL);
}

/* evaluate f against the fixed entries and print it: what a search does
 * with a decoded filter */
static void
fz_use_filter(struct arena *a, const struct filter *f)
{
	struct buf b = { 0 };
	int r;

	r = filter_match(&fz_store, NULL, a, f, &fz_person);
	if (r != FR_TRUE && r != FR_FALSE && r != FR_UNDEF)
		abort();
	r = filter_match(&fz_store, NULL, a, f, &fz_org);
	if (r != FR_TRUE && r != FR_FALSE && r != FR_UNDEF)
		abort();
	filter_to_string(f, &b);
	buf_free(&b);
}

/* an exact-size heap copy, so that ASan sees reads past the input */
static char *
fz_copy(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1);

	if (p == NULL)
		abort();
	if (size)
		memcpy(p, data, size);
	return p;
}

#endif
