/*
 * fuzz_nssmap.c - libFuzzer target for the reader of the mapped NSS cache
 * (common/nssmap.c): arbitrary bytes as a map (nssmap_ref_from_buffer),
 * then lookups by name and id.  Invariants: a record that is returned
 * has the key asked for, and its strings and gids lie inside the buffer
 * with their NULs where the lengths say (ASan sees any read outside the
 * exact-size copy).  Seeds (corpus/nssmap/map-ARGS): maps written by
 * nssmap_publish, copied from tests/nss/fakeagent -m ARGS.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nssmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...) do { fprintf(stderr, __VA_ARGS__); abort(); } while (0)

static const unsigned char *lo, *hi;

static void
inside(const void *p, size_t len, const char *what)
{
	const unsigned char *c = p;

	if (c < lo || c > hi || len > (size_t)(hi - c))
		FAIL("%s outside the buffer\n", what);
}

static void
check_pw(const struct nssmap_pw *pw)
{
	const char *s[4] = { nssmap_pw_name(pw), nssmap_pw_gecos(pw),
	    nssmap_pw_dir(pw), nssmap_pw_shell(pw) };
	size_t len[4] = { pw->name_len, pw->gecos_len, pw->dir_len,
	    pw->shell_len };
	volatile uint32_t sum = 0;
	uint32_t i;
	int k;

	inside(pw, sizeof(*pw), "passwd record");
	inside(nssmap_pw_gids(pw), 4 * (size_t)pw->ngroups, "gids");
	for (i = 0; i < pw->ngroups; i++)
		sum += nssmap_pw_gids(pw)[i];
	for (k = 0; k < 4; k++) {
		inside(s[k], len[k] + 1, "passwd string");
		if (strlen(s[k]) != len[k])
			FAIL("passwd string length disagrees\n");
	}
}

static void
check_gr(const struct nssmap_gr *gr)
{
	const char *m = nssmap_gr_members(gr);
	uint32_t i;

	inside(gr, sizeof(*gr), "group record");
	inside(nssmap_gr_name(gr), (size_t)gr->name_len + 1, "group name");
	if (strlen(nssmap_gr_name(gr)) != gr->name_len)
		FAIL("group name length disagrees\n");
	inside(m, gr->members_len, "members");
	/* the reader promises a block that starts with a name and holds
	 * exactly nmem NUL-terminated strings (one may be empty) */
	if (gr->nmem > 0 && *m == '\0')
		FAIL("empty first member\n");
	for (i = 0; i < gr->nmem; i++)
		m += strlen(m) + 1;
	if (m != nssmap_gr_members(gr) + gr->members_len)
		FAIL("members do not fill members_len\n");
}

static void
probe_name(const struct nssmap_ref *r, const char *name)
{
	const struct nssmap_pw *pw;
	const struct nssmap_gr *gr;

	if ((pw = nssmap_pw_byname(r, name)) != NULL) {
		check_pw(pw);
		if (strcmp(nssmap_pw_name(pw), name) != 0)
			FAIL("pw_byname returned another name\n");
	}
	if ((gr = nssmap_gr_byname(r, name)) != NULL) {
		check_gr(gr);
		if (strcmp(nssmap_gr_name(gr), name) != 0)
			FAIL("gr_byname returned another name\n");
	}
}

static void
probe_id(const struct nssmap_ref *r, uint32_t id)
{
	const struct nssmap_pw *pw;
	const struct nssmap_gr *gr;

	if ((pw = nssmap_pw_byuid(r, id)) != NULL) {
		check_pw(pw);
		if (pw->uid != id)
			FAIL("pw_byuid returned another uid\n");
	}
	if ((gr = nssmap_gr_bygid(r, id)) != NULL) {
		check_gr(gr);
		if (gr->gid != id)
			FAIL("gr_bygid returned another gid\n");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nssmap_ref r;
	unsigned char *p;
	char name[16];
	uint32_t id;
	int i;

	/* malloc is 16-aligned: the reader wants an 8-aligned map */
	if ((p = malloc(size ? size : 1)) == NULL)
		return 0;
	if (size)
		memcpy(p, data, size);
	lo = p;
	hi = p + size;
	if (nssmap_ref_from_buffer(&r, p, size) == 0) {
		/* the seeds' keys (fakeagent's names and ids) */
		for (i = 0; i < 12; i++) {
			snprintf(name, sizeof(name), "u%d", i);
			probe_name(&r, name);
			snprintf(name, sizeof(name), "g%d", i);
			probe_name(&r, name);
			probe_id(&r, 100000 + (uint32_t)i);
			probe_id(&r, 200000 + (uint32_t)i);
		}
		probe_name(&r, "big");
		probe_name(&r, "many");
		probe_id(&r, 250000);
		probe_id(&r, 99999);
		probe_id(&r, 0);
		/* keys from the input's tail */
		if (size >= 4) {
			memcpy(&id, data + size - 4, 4);
			probe_id(&r, id);
		}
		if (size >= 12) {
			memcpy(name, data + size - 12, 8);
			name[8] = '\0';
			probe_name(&r, name);
		}
	}
	free(p);
	return 0;
}
