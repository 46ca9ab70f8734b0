/*
 * nssmap.c - reader of the agent's memory-mapped NSS cache (nssmap.h has
 * the format).  libc only: linked into libnss_unifiedid.so.2.
 *
 * One mapping per process, guarded by a rwlock: lookups hold it shared
 * between nssmap_acquire() and nssmap_release(); re-mapping (the file was
 * superseded, or its heartbeat is stale) takes it exclusively.  The hot
 * path makes no system call: time() is served by the vDSO, and a
 * superseded file is noticed through its `invalid` word, not by stat().
 * When there is no usable map, opening it is tried at most once a second.
 *
 * Nothing in the file is trusted: the header is checked when the file is
 * mapped and its tables again at every lookup, every record is checked
 * against the file size before it is read, and chains are followed at
 * most as many steps as there are records.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent_proto.h"
#include "nssmap.h"

static pthread_rwlock_t	 nm_lock = PTHREAD_RWLOCK_INITIALIZER;
static const unsigned char *nm_base;	/* the mapping, or NULL */
static uint32_t		 nm_size;
static time_t		 nm_tried;	/* last failed attempt to map */

#define NM_HDR		((uint32_t)sizeof(struct nssmap_header))

static uint32_t
nm_ld32(const void *p)
{
	return __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
}

/* A table's slot array lies inside the file, after the header. */
static const uint32_t *
nm_table(const struct nssmap_ref *r, const struct nssmap_table *t,
    uint32_t *mask)
{
	uint32_t	off = nm_ld32(&t->offset), n = nm_ld32(&t->nslots);

	if (off < NM_HDR || off % 4 != 0 || n == 0 || (n & (n - 1)) != 0 ||
	    (uint64_t)off + 4 * (uint64_t)n > r->size)
		return NULL;
	*mask = n - 1;
	return (const uint32_t *)(const void *)
	    ((const unsigned char *)r->base + off);
}

/* The header: magic, version, sizes, tables, counts that could fit. */
static int
nm_header_ok(const void *base, uint32_t size)
{
	const struct nssmap_header *h = base;
	struct nssmap_ref	 r = { base, size };
	uint32_t		 m;

	if (size < NM_HDR ||
	    memcmp(h->magic, NSSMAP_MAGIC, sizeof(h->magic)) != 0 ||
	    h->version != NSSMAP_VERSION || h->header_size != NM_HDR ||
	    h->file_size != size ||
	    (uint64_t)h->pw_count * sizeof(struct nssmap_pw) > size ||
	    (uint64_t)h->gr_count * sizeof(struct nssmap_gr) > size ||
	    nm_table(&r, &h->pw_name, &m) == NULL ||
	    nm_table(&r, &h->pw_uid, &m) == NULL ||
	    nm_table(&r, &h->gr_name, &m) == NULL ||
	    nm_table(&r, &h->gr_gid, &m) == NULL)
		return 0;
	return 1;
}

/* Not superseded, and the agent beat recently. */
static int
nm_fresh(const void *base, time_t now)
{
	const struct nssmap_header *h = base;
	int64_t		hb;

	if (__atomic_load_n(&h->invalid, __ATOMIC_ACQUIRE) != 0)
		return 0;
	hb = __atomic_load_n(&h->heartbeat, __ATOMIC_RELAXED);
	return hb >= (int64_t)now - NSSMAP_STALE &&
	    hb <= (int64_t)now + NSSMAP_STALE;
}

/* Open, check and map the published file.  Called with the lock held
 * exclusively. */
static int
nm_map(time_t now)
{
	char		 path[4096];
	struct stat	 st;
	void		*p;
	int		 fd;

	if (nssmap_path(ua_socket_path(), path, sizeof(path)) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
	    st.st_size < (off_t)NM_HDR || st.st_size > (off_t)NSSMAP_MAX_SIZE) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	if (!nm_header_ok(p, (uint32_t)st.st_size) || !nm_fresh(p, now)) {
		munmap(p, (size_t)st.st_size);
		errno = EINVAL;
		return -1;
	}
	nm_base = p;
	nm_size = (uint32_t)st.st_size;
	return 0;
}

int
nssmap_acquire(struct nssmap_ref *ref)
{
	time_t	now = time(NULL);

	if (pthread_rwlock_rdlock(&nm_lock) != 0)
		return -1;
	if (nm_base != NULL && nm_fresh(nm_base, now))
		goto ok;
	if (nm_base == NULL && nm_tried == now) {
		/* no map this second: ask the socket */
		pthread_rwlock_unlock(&nm_lock);
		return -1;
	}
	pthread_rwlock_unlock(&nm_lock);

	if (pthread_rwlock_wrlock(&nm_lock) != 0)
		return -1;
	if (nm_base == NULL || !nm_fresh(nm_base, now)) {
		/* a superseded map is replaced at once; a stale one (agent
		 * killed) or none is looked for again once a second */
		int superseded = nm_base != NULL && nm_ld32(
		    &((const struct nssmap_header *)(const void *)nm_base)->invalid);

		if (superseded || nm_tried != now) {
			if (nm_base != NULL) {
				munmap((void *)(uintptr_t)nm_base, nm_size);
				nm_base = NULL;
				nm_size = 0;
			}
			if (nm_map(now) == -1)
				nm_tried = now;
		}
	}
	pthread_rwlock_unlock(&nm_lock);

	if (pthread_rwlock_rdlock(&nm_lock) != 0)
		return -1;
	if (nm_base != NULL && nm_fresh(nm_base, now))
		goto ok;
	pthread_rwlock_unlock(&nm_lock);
	return -1;
ok:
	ref->base = nm_base;
	ref->size = nm_size;
	return 0;
}

void
nssmap_release(struct nssmap_ref *ref)
{
	ref->base = NULL;
	ref->size = 0;
	pthread_rwlock_unlock(&nm_lock);
}

int
nssmap_ref_from_buffer(struct nssmap_ref *ref, const void *p, size_t len)
{
	if (p == NULL || (uintptr_t)p % 8 != 0 || len > NSSMAP_MAX_SIZE ||
	    !nm_header_ok(p, (uint32_t)len)) {
		errno = EINVAL;
		return -1;
	}
	ref->base = p;
	ref->size = (uint32_t)len;
	return 0;
}

int
nssmap_path(const char *socket_path, char *buf, size_t len)
{
	const char	*slash = strrchr(socket_path, '/');
	size_t		 dl = slash != NULL ? (size_t)(slash - socket_path) + 1 : 0;

	if (dl + sizeof(NSSMAP_FILE) > len)
		return -1;
	memcpy(buf, socket_path, dl);
	memcpy(buf + dl, NSSMAP_FILE, sizeof(NSSMAP_FILE));
	return 0;
}

/* ---- records --------------------------------------------------------- */

/* A record header at off: aligned, after the header, inside the file,
 * its rec_size inside the file too. */
static const void *
nm_rec(const struct nssmap_ref *r, uint32_t off, size_t hsize)
{
	const unsigned char *p;
	uint32_t	 rs;

	if (off < NM_HDR || off % 4 != 0 || off > r->size ||
	    r->size - off < hsize)
		return NULL;
	p = (const unsigned char *)r->base + off;
	rs = nm_ld32(p);
	if (rs < hsize || rs % 4 != 0 || rs > r->size - off)
		return NULL;
	return p;
}

/* len bytes without NUL, then a NUL */
static int
nm_str_ok(const char *s, size_t len)
{
	return s[len] == '\0' && memchr(s, '\0', len) == NULL;
}

/* Everything a passwd record promises fits in its rec_size. */
static int
nm_pw_ok(const struct nssmap_pw *pw)
{
	uint64_t	need = sizeof(*pw) + 4 * (uint64_t)pw->ngroups +
			    (uint64_t)pw->name_len + pw->gecos_len +
			    pw->dir_len + pw->shell_len + 4;
	const char	*s;

	if (need > pw->rec_size)
		return 0;
	s = nssmap_pw_name(pw);
	if (!nm_str_ok(s, pw->name_len))
		return 0;
	s += pw->name_len + 1;
	if (!nm_str_ok(s, pw->gecos_len))
		return 0;
	s += pw->gecos_len + 1;
	if (!nm_str_ok(s, pw->dir_len))
		return 0;
	s += pw->dir_len + 1;
	return nm_str_ok(s, pw->shell_len);
}

/* How many NUL bytes p[0..len) holds, eight at a time (a hot getgrgid
 * of a big organisation checks thousands of bytes). */
static uint64_t
nm_count_nul(const unsigned char *p, size_t len)
{
	const uint64_t	lo7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t	w, n = 0;
	size_t		i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		/* the high bit of each byte of the result: that byte was 0 */
		n += (uint64_t)__builtin_popcountll(~(((w & lo7) + lo7) | w |
		    lo7));
	}
	for (; i < len; i++)
		n += p[i] == 0;
	return n;
}

/*
 * The name, then nmem NUL-terminated members filling exactly members_len
 * bytes: the block starts with a name (not a NUL), ends with a NUL and
 * holds nmem NULs.  Walking the members from the start is then bounded:
 * every string ends inside the block.  (Two NULs in a row would be an
 * empty member: harmless, and the agent never writes one.)
 */
static int
nm_gr_ok(const struct nssmap_gr *gr)
{
	uint64_t	 need = sizeof(*gr) + (uint64_t)gr->name_len + 1 +
			    gr->members_len;
	const unsigned char *m;

	if (need > gr->rec_size || !nm_str_ok(nssmap_gr_name(gr), gr->name_len))
		return 0;
	if (gr->members_len == 0)
		return gr->nmem == 0;
	m = (const unsigned char *)nssmap_gr_members(gr);
	return m[0] != 0 && m[gr->members_len - 1] == 0 &&
	    nm_count_nul(m, gr->members_len) == gr->nmem;
}

static const struct nssmap_header *
nm_hdr(const struct nssmap_ref *r)
{
	return r->base;
}

const struct nssmap_pw *
nssmap_pw_byname(const struct nssmap_ref *r, const char *name)
{
	const struct nssmap_pw	*pw;
	const uint32_t		*slots;
	size_t			 len = strlen(name);
	uint32_t		 mask, off, steps = nm_ld32(&nm_hdr(r)->pw_count);

	if (len > 65535 ||
	    (slots = nm_table(r, &nm_hdr(r)->pw_name, &mask)) == NULL)
		return NULL;
	off = nm_ld32(&slots[nssmap_hash_name(name, len) & mask]);
	for (; off != 0 && steps > 0; steps--) {
		if ((pw = nm_rec(r, off, sizeof(*pw))) == NULL)
			return NULL;
		if (pw->name_len == len && nm_pw_ok(pw) &&
		    memcmp(nssmap_pw_name(pw), name, len) == 0)
			return pw;
		off = pw->next_name;
	}
	return NULL;
}

const struct nssmap_pw *
nssmap_pw_byuid(const struct nssmap_ref *r, uint32_t uid)
{
	const struct nssmap_pw	*pw;
	const uint32_t		*slots;
	uint32_t		 mask, off, steps = nm_ld32(&nm_hdr(r)->pw_count);

	if ((slots = nm_table(r, &nm_hdr(r)->pw_uid, &mask)) == NULL)
		return NULL;
	off = nm_ld32(&slots[nssmap_hash_id(uid) & mask]);
	for (; off != 0 && steps > 0; steps--) {
		if ((pw = nm_rec(r, off, sizeof(*pw))) == NULL)
			return NULL;
		if (pw->uid == uid && nm_pw_ok(pw))
			return pw;
		off = pw->next_id;
	}
	return NULL;
}

const struct nssmap_gr *
nssmap_gr_byname(const struct nssmap_ref *r, const char *name)
{
	const struct nssmap_gr	*gr;
	const uint32_t		*slots;
	size_t			 len = strlen(name);
	uint32_t		 mask, off, steps = nm_ld32(&nm_hdr(r)->gr_count);

	if (len > 65535 ||
	    (slots = nm_table(r, &nm_hdr(r)->gr_name, &mask)) == NULL)
		return NULL;
	off = nm_ld32(&slots[nssmap_hash_name(name, len) & mask]);
	for (; off != 0 && steps > 0; steps--) {
		if ((gr = nm_rec(r, off, sizeof(*gr))) == NULL)
			return NULL;
		if (gr->name_len == len &&
		    sizeof(*gr) + (uint64_t)len + 1 <= gr->rec_size &&
		    memcmp(nssmap_gr_name(gr), name, len) == 0 && nm_gr_ok(gr))
			return gr;
		off = gr->next_name;
	}
	return NULL;
}

const struct nssmap_gr *
nssmap_gr_bygid(const struct nssmap_ref *r, uint32_t gid)
{
	const struct nssmap_gr	*gr;
	const uint32_t		*slots;
	uint32_t		 mask, off, steps = nm_ld32(&nm_hdr(r)->gr_count);

	if ((slots = nm_table(r, &nm_hdr(r)->gr_gid, &mask)) == NULL)
		return NULL;
	off = nm_ld32(&slots[nssmap_hash_id(gid) & mask]);
	for (; off != 0 && steps > 0; steps--) {
		if ((gr = nm_rec(r, off, sizeof(*gr))) == NULL)
			return NULL;
		if (gr->gid == gid && nm_gr_ok(gr))
			return gr;
		off = gr->next_id;
	}
	return NULL;
}

const uint32_t *
nssmap_pw_gids(const struct nssmap_pw *pw)
{
	return (const uint32_t *)(const void *)(pw + 1);
}

const char *
nssmap_pw_name(const struct nssmap_pw *pw)
{
	return (const char *)(nssmap_pw_gids(pw) + pw->ngroups);
}

const char *
nssmap_pw_gecos(const struct nssmap_pw *pw)
{
	return nssmap_pw_name(pw) + pw->name_len + 1;
}

const char *
nssmap_pw_dir(const struct nssmap_pw *pw)
{
	return nssmap_pw_gecos(pw) + pw->gecos_len + 1;
}

const char *
nssmap_pw_shell(const struct nssmap_pw *pw)
{
	return nssmap_pw_dir(pw) + pw->dir_len + 1;
}

const char *
nssmap_gr_name(const struct nssmap_gr *gr)
{
	return (const char *)(gr + 1);
}

const char *
nssmap_gr_members(const struct nssmap_gr *gr)
{
	return nssmap_gr_name(gr) + gr->name_len + 1;
}
