/*
 * test_nssmap.c - the memory-mapped NSS cache: maps built with the writer
 * (common/nssmap_write.c) in a temporary directory are read back entry by
 * entry through the published-file path (nssmap_acquire) and from
 * buffers; hostile files and buffers (truncated, wrong owner or mode,
 * offsets out of range, cycles, strings without NUL, huge counts,
 * superseded, stale heartbeat, random corruption) are refused or give
 * "not found", never a crash.  nssmap.c is included to reset its
 * once-a-second retry limit between cases.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/nssmap.c"
#include "check.h"

#define NPW	5000
#define NGR	300

static char dir[PATH_MAX], mappath[PATH_MAX];
static struct nssmap_pw_in pws[NPW + 4];
static struct nssmap_gr_in grs[NGR + 2];
static uint32_t gidbuf[NPW][3];
static char *members[NGR][20];

/* prefix, n, suffix */
static char *
xname(const char *pre, int n, const char *suf)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%s%d%s", pre, n, suf);
	return strdup(buf);
}

static void
make_input(void)
{
	int i, j;

	for (i = 0; i < NPW; i++) {
		pws[i].name = xname("user", i, "");
		pws[i].gecos = xname("User Number ", i, ",,,");
		pws[i].dir = xname("/home/user", i, "");
		pws[i].shell = i % 2 ? "/bin/bash" : "";
		pws[i].uid = 100000 + (uint32_t)i;
		pws[i].gid = 200000 + (uint32_t)(i % NGR);
		gidbuf[i][0] = pws[i].gid;
		gidbuf[i][1] = 200000 + (uint32_t)((i + 1) % NGR);
		gidbuf[i][2] = 300000 + (uint32_t)(i % 7);
		pws[i].gids = gidbuf[i];
		pws[i].ngroups = (uint32_t)(i % 4);	/* 0..3 */
	}
	/* skipped: duplicate name, duplicate uid, oversized name, empty */
	pws[NPW] = pws[7];
	pws[NPW].uid = 1;
	pws[NPW + 1] = pws[8];
	pws[NPW + 1].name = "fresh";
	pws[NPW + 2] = pws[9];
	pws[NPW + 2].name = malloc(70000);
	memset((char *)(uintptr_t)pws[NPW + 2].name, 'a', 69999);
	((char *)(uintptr_t)pws[NPW + 2].name)[69999] = '\0';
	pws[NPW + 2].uid = 2;
	pws[NPW + 3] = pws[10];
	pws[NPW + 3].name = "";
	pws[NPW + 3].uid = 3;
	for (i = 0; i < NGR; i++) {
		grs[i].name = xname("group", i, "");
		grs[i].gid = 200000 + (uint32_t)i;
		for (j = 0; j < i % 20; j++)
			members[i][j] = xname("user", i * 20 + j, "");
		grs[i].members = (const char *const *)members[i];
		grs[i].nmem = (uint32_t)(i % 20);
	}
	grs[NGR] = grs[3];			/* duplicate name */
	grs[NGR].gid = 5;
	grs[NGR + 1] = grs[4];			/* duplicate gid */
	grs[NGR + 1].name = "other";
}

static int
pw_matches(const struct nssmap_pw *pw, const struct nssmap_pw_in *in)
{
	uint32_t k;

	if (pw == NULL || pw->uid != in->uid || pw->gid != in->gid ||
	    pw->ngroups != in->ngroups ||
	    strcmp(nssmap_pw_name(pw), in->name) != 0 ||
	    strcmp(nssmap_pw_gecos(pw), in->gecos) != 0 ||
	    strcmp(nssmap_pw_dir(pw), in->dir) != 0 ||
	    strcmp(nssmap_pw_shell(pw), in->shell) != 0)
		return 0;
	for (k = 0; k < in->ngroups; k++)
		if (nssmap_pw_gids(pw)[k] != in->gids[k])
			return 0;
	return 1;
}

static int
gr_matches(const struct nssmap_gr *gr, const struct nssmap_gr_in *in)
{
	const char *m;
	uint32_t k;

	if (gr == NULL || gr->gid != in->gid || gr->nmem != in->nmem ||
	    strcmp(nssmap_gr_name(gr), in->name) != 0)
		return 0;
	m = nssmap_gr_members(gr);
	for (k = 0; k < in->nmem; k++) {
		if (strcmp(m, in->members[k]) != 0)
			return 0;
		m += strlen(m) + 1;
	}
	return 1;
}

/* every entry by each key; the skipped ones absent */
static int
read_all(const struct nssmap_ref *r)
{
	int i, bad = 0;

	for (i = 0; i < NPW; i++) {
		bad += !pw_matches(nssmap_pw_byname(r, pws[i].name), &pws[i]);
		bad += !pw_matches(nssmap_pw_byuid(r, pws[i].uid), &pws[i]);
	}
	for (i = 0; i < NGR; i++) {
		bad += !gr_matches(nssmap_gr_byname(r, grs[i].name), &grs[i]);
		bad += !gr_matches(nssmap_gr_bygid(r, grs[i].gid), &grs[i]);
	}
	bad += nssmap_pw_byname(r, "fresh") != NULL;
	bad += nssmap_pw_byuid(r, 1) != NULL || nssmap_pw_byuid(r, 2) != NULL ||
	    nssmap_pw_byuid(r, 3) != NULL;
	bad += nssmap_pw_byname(r, "") != NULL;
	bad += nssmap_pw_byname(r, "nobody-here") != NULL;
	bad += nssmap_gr_byname(r, "other") != NULL;
	bad += nssmap_gr_bygid(r, 5) != NULL;
	return bad;
}

/* an 8-aligned heap copy of exactly len bytes (ASan sees overreads) */
static unsigned char *
slurp(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *p;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		abort();
	*len = (size_t)st.st_size;
	if ((p = malloc(*len)) == NULL ||
	    read(fd, p, *len) != (ssize_t)*len)
		abort();
	close(fd);
	return p;
}

static unsigned char *
dup_buf(const unsigned char *p, size_t len)
{
	unsigned char *q = malloc(len ? len : 1);

	if (q == NULL)
		abort();
	memcpy(q, p, len);
	return q;
}

static struct nssmap_header *
H(unsigned char *p)
{
	return (struct nssmap_header *)(void *)p;
}

/* acquire afresh (the retry limit reset), 0 when a map was usable */
static int
try_acquire(void)
{
	struct nssmap_ref r;

	nm_tried = 0;
	if (nssmap_acquire(&r) != 0)
		return -1;
	nssmap_release(&r);
	return 0;
}

/* lookups on a buffer must not crash and must not find anything wrong */
static int
probe(const unsigned char *p, size_t len)
{
	struct nssmap_ref r;
	const struct nssmap_pw *pw;
	const struct nssmap_gr *gr;
	int i, found = 0;

	if (nssmap_ref_from_buffer(&r, p, len) != 0)
		return -1;
	for (i = 0; i < 40; i++) {
		if ((pw = nssmap_pw_byname(&r, pws[i].name)) != NULL) {
			found++;
			(void)strlen(nssmap_pw_shell(pw));
		}
		if ((pw = nssmap_pw_byuid(&r, pws[i].uid)) != NULL) {
			found++;
			(void)strlen(nssmap_pw_shell(pw));
		}
		if ((gr = nssmap_gr_byname(&r, grs[i].name)) != NULL)
			found++;
		if ((gr = nssmap_gr_bygid(&r, grs[i].gid)) != NULL)
			found++;
	}
	return found;
}

static void
hostile_buffers(const unsigned char *good, size_t len)
{
	struct nssmap_ref r;
	struct nssmap_pw *pw;
	struct nssmap_gr *gr;
	unsigned char *p;
	uint32_t off, hn;
	int i, crashes_avoided = 0;
	unsigned seed = 12345;

	CHECK(probe(good, len) == 160, "the good buffer: all 160 probes found");

	p = dup_buf(good, len - 4);
	CHECK(nssmap_ref_from_buffer(&r, p, len - 4) == -1,
	    "truncated buffer (file_size disagrees) refused");
	H(p)->file_size = (uint32_t)len - 4;
	CHECK(probe(p, len - 4) >= 0, "truncated buffer with matching file_size: "
	    "lookups survive");
	free(p);

	p = dup_buf(good, 40);
	CHECK(nssmap_ref_from_buffer(&r, p, 40) == -1, "a buffer shorter than the "
	    "header refused");
	free(p);

	p = dup_buf(good, len);
	memcpy(H(p)->magic, "XIDNSS1", 8);
	CHECK(nssmap_ref_from_buffer(&r, p, len) == -1, "bad magic refused");
	memcpy(H(p)->magic, NSSMAP_MAGIC, 8);
	H(p)->version = 2;
	CHECK(nssmap_ref_from_buffer(&r, p, len) == -1, "other version refused");
	H(p)->version = NSSMAP_VERSION;
	H(p)->header_size = 116;
	CHECK(nssmap_ref_from_buffer(&r, p, len) == -1, "other header size refused");
	H(p)->header_size = sizeof(struct nssmap_header);
	H(p)->pw_count = 0xffffffffu;
	CHECK(nssmap_ref_from_buffer(&r, p, len) == -1, "huge pw_count refused");
	H(p)->pw_count = NPW;
	H(p)->gr_count = 0x7fffffffu;
	CHECK(nssmap_ref_from_buffer(&r, p, len) == -1, "huge gr_count refused");
	H(p)->gr_count = NGR;
	H(p)->pw_name.nslots = 3;
	CHECK(nssmap_ref_from_buffer(&r, p, len) == -1,
	    "table size not a power of two refused");
	H(p)->pw_name.nslots = 0x80000000u;
	CHECK(nssmap_ref_from_buffer(&r, p, len) == -1,
	    "table larger than the file refused");
	H(p)->pw_name.nslots = 1;
	H(p)->pw_name.offset = (uint32_t)len - 2;
	CHECK(nssmap_ref_from_buffer(&r, p, len) == -1,
	    "table offset out of range refused");
	H(p)->pw_name.offset = 8;
	CHECK(nssmap_ref_from_buffer(&r, p, len) == -1,
	    "table inside the header refused");
	free(p);
	CHECK(nssmap_ref_from_buffer(&r, good + 4, len - 8) == -1,
	    "misaligned buffer refused");

	/* slot pointing out of range, into the header, misaligned */
	p = dup_buf(good, len);
	hn = nssmap_hash_name("user1", 5);
	CHECK(nssmap_ref_from_buffer(&r, p, len) == 0 &&
	    (pw = (struct nssmap_pw *)(uintptr_t)nssmap_pw_byname(&r, "user1"))
	    != NULL, "user1 found in the copy");
	off = (uint32_t)((unsigned char *)pw - p);
	((uint32_t *)(void *)(p + H(p)->pw_name.offset))[hn &
	    (H(p)->pw_name.nslots - 1)] = (uint32_t)len + 100;
	CHECK(nssmap_pw_byname(&r, "user1") == NULL,
	    "slot offset beyond the end: not found");
	((uint32_t *)(void *)(p + H(p)->pw_name.offset))[hn &
	    (H(p)->pw_name.nslots - 1)] = (uint32_t)len - 8;
	CHECK(nssmap_pw_byname(&r, "user1") == NULL,
	    "record straddling the end: not found");
	((uint32_t *)(void *)(p + H(p)->pw_name.offset))[hn &
	    (H(p)->pw_name.nslots - 1)] = 16;
	CHECK(nssmap_pw_byname(&r, "user1") == NULL,
	    "slot into the header: not found");
	((uint32_t *)(void *)(p + H(p)->pw_name.offset))[hn &
	    (H(p)->pw_name.nslots - 1)] = off + 2;
	CHECK(nssmap_pw_byname(&r, "user1") == NULL,
	    "misaligned record: not found");
	((uint32_t *)(void *)(p + H(p)->pw_name.offset))[hn &
	    (H(p)->pw_name.nslots - 1)] = off;
	CHECK(nssmap_pw_byname(&r, "user1") != NULL, "restored slot: found");

	/* a cycle: the record points to itself; a name in that bucket that
	 * is not there must end the walk */
	pw->next_name = off;
	pw->next_id = off;
	CHECK(nssmap_pw_byname(&r, "user1") != NULL, "cycle: the head is found");
	{
		/* a name hashing to the same bucket that is absent */
		char name[32];
		int k, hit = 0;

		for (k = 0; k < 2000000 && !hit; k++) {
			snprintf(name, sizeof(name), "zz%d", k);
			if ((nssmap_hash_name(name, strlen(name)) ^ hn) &
			    (H(p)->pw_name.nslots - 1))
				continue;
			hit = 1;
		}
		CHECK(hit && nssmap_pw_byname(&r, name) == NULL,
		    "cycle: an absent name in the same bucket ends (%s)", name);
	}
	{
		uint32_t hu = nssmap_hash_id(100001), u;
		int hit = 0;

		for (u = 900000000u; u < 920000000u && !hit; u++)
			if (((nssmap_hash_id(u) ^ hu) & (H(p)->pw_uid.nslots - 1))
			    == 0)
				hit = 1;
		u--;
		CHECK(hit &&
		    nssmap_pw_byuid(&r, u) == NULL,
		    "cycle: an absent uid in the same bucket ends (%u)", u);
	}

	/* string without NUL, record too short for its strings */
	pw->next_name = 0;
	((char *)(uintptr_t)nssmap_pw_name(pw))[pw->name_len] = 'X';
	CHECK(nssmap_pw_byname(&r, "user1") == NULL &&
	    nssmap_pw_byuid(&r, 100001) == NULL, "name without NUL: not found");
	((char *)(uintptr_t)nssmap_pw_name(pw))[pw->name_len] = '\0';
	((char *)(uintptr_t)nssmap_pw_shell(pw))[pw->shell_len] = 'X';
	CHECK(nssmap_pw_byuid(&r, 100001) == NULL, "shell without NUL: not found");
	((char *)(uintptr_t)nssmap_pw_shell(pw))[pw->shell_len] = '\0';
	((char *)(uintptr_t)nssmap_pw_gecos(pw))[2] = '\0';
	CHECK(nssmap_pw_byuid(&r, 100001) == NULL,
	    "NUL inside gecos (length disagrees): not found");
	((char *)(uintptr_t)nssmap_pw_gecos(pw))[2] = 'e';
	CHECK(nssmap_pw_byuid(&r, 100001) != NULL, "restored record found");
	pw->ngroups = 0x40000000u;
	CHECK(nssmap_pw_byuid(&r, 100001) == NULL, "huge ngroups: not found");
	pw->ngroups = 1;
	pw->rec_size = 0xfffffff0u;
	CHECK(nssmap_pw_byuid(&r, 100001) == NULL, "huge rec_size: not found");
	pw->rec_size = 8;
	CHECK(nssmap_pw_byuid(&r, 100001) == NULL, "tiny rec_size: not found");
	free(p);

	/* groups: member count disagrees, members without NUL, empty member */
	p = dup_buf(good, len);
	CHECK(nssmap_ref_from_buffer(&r, p, len) == 0, "group copy accepted");
	gr = (struct nssmap_gr *)(uintptr_t)nssmap_gr_byname(&r, "group5");
	CHECK(gr != NULL && gr->nmem == 5, "group5 has 5 members");
	if (gr != NULL) {
		gr->nmem = 6;
		CHECK(nssmap_gr_bygid(&r, 200005) == NULL,
		    "nmem larger than the members: not found");
		gr->nmem = 5;
		((char *)(uintptr_t)nssmap_gr_members(gr))[gr->members_len - 1] = 'x';
		CHECK(nssmap_gr_byname(&r, "group5") == NULL,
		    "last member without NUL: not found");
		((char *)(uintptr_t)nssmap_gr_members(gr))[gr->members_len - 1] = '\0';
		((char *)(uintptr_t)nssmap_gr_members(gr))[0] = '\0';
		CHECK(nssmap_gr_byname(&r, "group5") == NULL,
		    "empty member name: not found");
		((char *)(uintptr_t)nssmap_gr_members(gr))[0] = 'u';
		{
			/* a NUL inside a name: one more string than nmem */
			char *mm = (char *)(uintptr_t)nssmap_gr_members(gr);

			mm[1] = '\0';
			CHECK(nssmap_gr_byname(&r, "group5") == NULL,
			    "a NUL inside a member (6 strings, nmem 5): not found");
			gr->nmem = 6;
			CHECK(nssmap_gr_byname(&r, "group5") == gr,
			    "... with nmem 6 it is 6 members, every one inside");
			gr->nmem = 5;
			mm[1] = 's';
		}
		gr->members_len = 0xfffffff0u;
		CHECK(nssmap_gr_bygid(&r, 200005) == NULL,
		    "huge members_len: not found");
	}
	free(p);

	/* random corruption: every lookup either finds a valid record or
	 * nothing; ASan and UBSan watch the reads */
	for (i = 0; i < 3000; i++) {
		int k, n;

		p = dup_buf(good, len);
		n = 1 + (int)(rand_r(&seed) % 16);
		for (k = 0; k < n; k++) {
			size_t at = (size_t)rand_r(&seed) % (i % 2 ? len :
			    (len < 4096 ? len : 4096) );
			p[at] = (unsigned char)rand_r(&seed);
		}
		if (probe(p, len) >= -1)
			crashes_avoided++;
		free(p);
	}
	CHECK(crashes_avoided == 3000, "3000 randomly corrupted buffers: lookups "
	    "survive");
}

static void
set_heartbeat(int64_t hb)
{
	int fd = open(mappath, O_RDWR);

	if (fd == -1 || pwrite(fd, &hb, sizeof(hb),
	    offsetof(struct nssmap_header, heartbeat)) != sizeof(hb))
		abort();
	close(fd);
}

/* the current file, if any, superseded (invalid=1) and removed */
static void
retire(void)
{
	uint32_t one = 1;
	int fd = open(mappath, O_WRONLY | O_NOFOLLOW);

	if (fd != -1) {
		if (pwrite(fd, &one, 4, offsetof(struct nssmap_header,
		    invalid)) != 4)
			abort();
		close(fd);
	}
	unlink(mappath);
}

/* publish a copy of buf with the given mode and owner (uid -1: ours),
 * superseding the current file */
static void
put_file(const unsigned char *buf, size_t len, mode_t mode, int uid)
{
	char tmp[PATH_MAX + 8];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.t", mappath);
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    write(fd, buf, len) != (ssize_t)len || fchmod(fd, mode) == -1 ||
	    (uid != -1 && fchown(fd, (uid_t)uid, (gid_t)uid) == -1))
		abort();
	close(fd);
	retire();
	if (rename(tmp, mappath) == -1)
		abort();
}

int
main(void)
{
	struct nssmap_writer *w;
	struct nssmap_ref r, r2;
	char sock[PATH_MAX + 16], path[64];
	unsigned char *good, *p;
	struct stat st;
	size_t len, goodlen, skipped = 99;
	int rc;

	if (getenv("TMPDIR") != NULL)
		snprintf(dir, sizeof(dir), "%s/nssmap.XXXXXX", getenv("TMPDIR"));
	else
		snprintf(dir, sizeof(dir), "/tmp/nssmap.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(sock, sizeof(sock), "%s/agent.sock", dir);
	setenv(UA_SOCKET_ENV, sock, 1);
	CHECK(nssmap_path(sock, mappath, sizeof(mappath)) == 0 &&
	    strlen(mappath) == strlen(dir) + 8 &&
	    strcmp(mappath + strlen(dir), "/nss.map") == 0,
	    "nssmap_path: the socket's directory + /nss.map");
	CHECK(nssmap_path("agent.sock", path, sizeof(path)) == 0 &&
	    strcmp(path, "nss.map") == 0, "nssmap_path: relative socket");
	CHECK(nssmap_path("/a.sock", path, sizeof(path)) == 0 &&
	    strcmp(path, "/nss.map") == 0, "nssmap_path: socket in /");
	CHECK(nssmap_path("/run/unifiedid/agent.sock", path, 10) == -1,
	    "nssmap_path: too long for the buffer");
	make_input();

	CHECK(try_acquire() == -1, "no map yet: acquire fails");
	w = nssmap_writer_open(mappath);
	CHECK(w != NULL, "writer opens");
	rc = nssmap_publish(w, pws, NPW + 4, grs, NGR + 2, &skipped);
	CHECK(rc == 0, "publish %d people, %d groups", NPW, NGR);
	CHECK(skipped == 6, "6 skipped (duplicate name/uid/gid, oversized, "
	    "empty): %zu", skipped);
	CHECK(stat(mappath, &st) == 0 && (st.st_mode & 07777) == 0644 &&
	    st.st_uid == geteuid(), "map is mode 0644, owned by the writer");
	CHECK(try_acquire() == 0, "acquire the published map");
	nm_tried = 0;
	if (nssmap_acquire(&r) == 0) {
		CHECK(read_all(&r) == 0, "every entry read back by name and id "
		    "through the published file");
		CHECK(H((unsigned char *)(uintptr_t)r.base)->generation == 1 &&
		    H((unsigned char *)(uintptr_t)r.base)->pw_count == NPW &&
		    H((unsigned char *)(uintptr_t)r.base)->gr_count == NGR,
		    "header: generation 1, counts");
		nssmap_release(&r);
	} else
		CHECK(0, "acquire");

	good = slurp(mappath, &goodlen);
	len = goodlen;
	CHECK(nssmap_ref_from_buffer(&r, good, goodlen) == 0 && read_all(&r) == 0,
	    "every entry read back from a buffer");

	/* a second publication supersedes the first at once */
	{
		int fd = open(mappath, O_RDONLY);
		const struct nssmap_header *first = fd == -1 ? MAP_FAILED :
		    mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);

		pws[0].shell = "/bin/zsh";
		CHECK(nssmap_publish(w, pws, NPW, grs, NGR, NULL) == 0,
		    "second publication");
		CHECK(first != MAP_FAILED && first->invalid == 1,
		    "the first file is marked invalid");
		if (first != MAP_FAILED)
			munmap((void *)(uintptr_t)first, len);
		close(fd);
	}
	CHECK(nssmap_acquire(&r) == 0 &&
	    strcmp(nssmap_pw_shell(nssmap_pw_byname(&r, "user0")), "/bin/zsh")
	    == 0 && H((unsigned char *)(uintptr_t)r.base)->generation == 2,
	    "the new map is used at once");
	nssmap_release(&r);
	p = slurp(mappath, &len);
	CHECK(H(p)->invalid == 0, "the current map is valid");
	free(p);
	pws[0].shell = "";

	/* stale heartbeat, then a beat */
	set_heartbeat((int64_t)time(NULL) - NSSMAP_STALE - 5);
	CHECK(try_acquire() == -1, "stale heartbeat: no map");
	nssmap_heartbeat(w);
	CHECK(try_acquire() == 0, "after a heartbeat: map used again");
	set_heartbeat((int64_t)time(NULL) + 3600);
	CHECK(try_acquire() == -1, "heartbeat far in the future: no map");
	set_heartbeat(INT64_MIN);
	CHECK(try_acquire() == -1, "heartbeat INT64_MIN: no map");
	nssmap_heartbeat(w);
	CHECK(try_acquire() == 0, "beat again: map used");

	/* hostile files through the published path */
	p = slurp(mappath, &len);
	H(p)->heartbeat = (int64_t)time(NULL);
	put_file(p, len, 0664, -1);
	CHECK(try_acquire() == -1, "group-writable file refused");
	put_file(p, len, 0646, -1);
	CHECK(try_acquire() == -1, "other-writable file refused");
	put_file(p, len, 0644, -1);
	CHECK(try_acquire() == 0, "the same file mode 0644 accepted");
	if (geteuid() == 0) {
		put_file(p, len, 0644, 12345);
		CHECK(try_acquire() == -1, "file owned by another uid refused");
		put_file(p, len, 0644, 0);
		CHECK(try_acquire() == 0, "owned by root: accepted");
	} else
		printf("# not root: cannot make a file owned by another uid\n");
	put_file(p, len - 100, 0644, -1);
	CHECK(try_acquire() == -1, "truncated file refused");
	put_file(p, 50, 0644, -1);
	CHECK(try_acquire() == -1, "file shorter than a header refused");
	H(p)->file_size += 4;
	put_file(p, len, 0644, -1);
	CHECK(try_acquire() == -1, "file_size disagreeing with the file refused");
	H(p)->file_size -= 4;
	H(p)->invalid = 1;
	put_file(p, len, 0644, -1);
	CHECK(try_acquire() == -1, "invalid=1 file refused");
	H(p)->invalid = 0;
	retire();
	CHECK(mkdir(mappath, 0755) == 0 && try_acquire() == -1,
	    "a directory in the map's place refused");
	rmdir(mappath);
	CHECK(symlink(sock, mappath) == 0 && try_acquire() == -1,
	    "a symbolic link in the map's place refused");
	unlink(mappath);
	put_file(p, len, 0644, -1);
	CHECK(try_acquire() == 0, "a good file again");
	/* once a second: a failed attempt is not repeated at once */
	retire();
	CHECK(try_acquire() == -1, "map superseded and gone: no map");
	put_file(p, len, 0644, -1);
	nm_tried = time(NULL);
	rc = nssmap_acquire(&r2);
	if (rc == 0)
		nssmap_release(&r2);
	CHECK(rc == -1 || nm_tried != time(NULL),
	    "within the same second no new attempt");
	CHECK(try_acquire() == 0, "the next attempt finds the file");
	free(p);

	hostile_buffers(good, goodlen);
	free(good);

	/* the writer: clean close invalidates and unlinks its own file
	 * (the test's own file, mapped now, superseded first) */
	retire();
	CHECK(nssmap_publish(w, pws, NPW, grs, NGR, NULL) == 0,
	    "third publication");
	CHECK(try_acquire() == 0, "map usable");
	CHECK(nssmap_acquire(&r) == 0, "hold a reference across the close");
	{
		const struct nssmap_header *h = r.base;
		nssmap_release(&r);
		nssmap_writer_close(w);
		CHECK(h->invalid == 1, "close set invalid in the published file");
	}
	CHECK(access(mappath, F_OK) == -1 && errno == ENOENT,
	    "close unlinked the map");
	CHECK(try_acquire() == -1, "after a clean stop: no map");

	/* a new writer continues the generation and invalidates a leftover */
	w = nssmap_writer_open(mappath);
	CHECK(nssmap_publish(w, pws, 10, grs, 2, NULL) == 0, "restarted writer "
	    "publishes");
	{
		struct nssmap_writer *w2;

		p = slurp(mappath, &len);
		CHECK(H(p)->generation == 1 && H(p)->pw_count == 10,
		    "small map: 10 people");
		free(p);
		/* simulate a killed agent: its map stays; a new agent opens */
		w2 = nssmap_writer_open(mappath);
		p = slurp(mappath, &len);
		CHECK(H(p)->invalid == 1, "a new writer invalidates a leftover map");
		free(p);
		CHECK(nssmap_publish(w2, pws, 5, NULL, 0, NULL) == 0,
		    "the new writer publishes");
		p = slurp(mappath, &len);
		CHECK(H(p)->generation == 2 && H(p)->invalid == 0 &&
		    H(p)->gr_count == 0, "generation continues (2), no groups");
		free(p);
		nssmap_writer_close(w2);
	}
	/* the first writer's file was replaced: its close must not unlink
	 * the other's (already gone) nor crash */
	nssmap_writer_close(w);

	/* empty map, bad path */
	w = nssmap_writer_open(mappath);
	CHECK(nssmap_publish(w, NULL, 0, NULL, 0, NULL) == 0, "empty map");
	CHECK(try_acquire() == 0 && nssmap_acquire(&r) == 0 &&
	    nssmap_pw_byname(&r, "user1") == NULL &&
	    nssmap_gr_bygid(&r, 200000) == NULL, "empty map: nothing found");
	nssmap_release(&r);
	nssmap_writer_close(w);
	CHECK(nssmap_writer_open("") == NULL, "empty path refused");
	snprintf(path, sizeof(path), "/nonexistent-dir-%d/nss.map", (int)getpid());
	w = nssmap_writer_open(path);
	CHECK(w != NULL && nssmap_publish(w, pws, 3, NULL, 0, NULL) == -1,
	    "publish into a missing directory fails");
	nssmap_writer_close(w);
	rmdir(dir);
	CHECK(rmdir(dir) == -1 && errno == ENOENT,
	    "no temporary files left behind");
	return check_done();
}
