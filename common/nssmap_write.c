/*
 * nssmap_write.c - the agent's side of the memory-mapped NSS cache
 * (nssmap.h has the format): build a complete file in memory, write it
 * under a temporary name in the map's directory, rename it over the map,
 * and only then mark the previous file invalid, so that a reader never
 * sees a half-written map.  The published file stays mapped read-write
 * here so that its `invalid` and `heartbeat` words can be updated.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nssmap.h"

struct nssmap_writer {
	pthread_mutex_t		 lock;		/* publish vs heartbeat */
	char			*path;
	struct nssmap_header	*map;		/* the published file, or NULL */
	size_t			 map_size;
	dev_t			 dev;
	ino_t			 ino;
	uint64_t		 generation;
	unsigned		 seq;
};

/* the file under construction */
struct nw_build {
	unsigned char	*buf;
	size_t		 used;
	uint32_t	*pw_name, *pw_uid, *gr_name, *gr_gid;	/* slots */
	uint32_t	 pw_name_n, pw_uid_n, gr_name_n, gr_gid_n;
};

#define NW_ALIGN4(x)	(((x) + 3) & ~(uint64_t)3)

/* the smallest power of two >= 2n (at least 1), or 0 when too large */
static uint32_t
nw_nslots(size_t n)
{
	uint64_t	s = 1;

	while (s < 2 * (uint64_t)n)
		s <<= 1;
	return s > (1u << 29) ? 0 : (uint32_t)s;
}

static size_t
nw_len(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

/* Record size of a passwd entry, or 0 when it is skipped (oversized). */
static uint64_t
nw_pw_size(const struct nssmap_pw_in *p)
{
	size_t	nl = nw_len(p->name), gl = nw_len(p->gecos),
		dl = nw_len(p->dir), sl = nw_len(p->shell);

	if (nl == 0 || nl > 65535 || gl > 65535 || dl > 65535 || sl > 65535 ||
	    (p->ngroups > 0 && p->gids == NULL))
		return 0;
	return NW_ALIGN4(sizeof(struct nssmap_pw) + 4 * (uint64_t)p->ngroups +
	    nl + gl + dl + sl + 4);
}

static uint64_t
nw_gr_size(const struct nssmap_gr_in *g)
{
	uint64_t	sz;
	size_t		nl = nw_len(g->name);
	uint32_t	i;

	if (nl == 0 || nl > 65535 || (g->nmem > 0 && g->members == NULL))
		return 0;
	sz = sizeof(struct nssmap_gr) + nl + 1;
	for (i = 0; i < g->nmem; i++)
		sz += nw_len(g->members[i]) + 1;
	return NW_ALIGN4(sz);
}

static struct nssmap_pw *
nw_pw(struct nw_build *b, uint32_t off)
{
	return (struct nssmap_pw *)(void *)(b->buf + off);
}

static struct nssmap_gr *
nw_gr(struct nw_build *b, uint32_t off)
{
	return (struct nssmap_gr *)(void *)(b->buf + off);
}

static const char *
nw_pw_name(struct nw_build *b, uint32_t off)
{
	struct nssmap_pw	*r = nw_pw(b, off);

	return (const char *)(r + 1) + 4 * (size_t)r->ngroups;
}

/* Add one passwd entry (first one wins on a duplicate name or uid). */
static int
nw_add_pw(struct nw_build *b, const struct nssmap_pw_in *p, uint64_t size)
{
	size_t		 nl = strlen(p->name);
	uint32_t	 hn = nssmap_hash_name(p->name, nl) & (b->pw_name_n - 1);
	uint32_t	 hu = nssmap_hash_id(p->uid) & (b->pw_uid_n - 1);
	uint32_t	 o, off = (uint32_t)b->used;
	struct nssmap_pw *r;
	char		*s;

	for (o = b->pw_name[hn]; o != 0; o = nw_pw(b, o)->next_name)
		if (nw_pw(b, o)->name_len == nl &&
		    memcmp(nw_pw_name(b, o), p->name, nl) == 0)
			return -1;
	for (o = b->pw_uid[hu]; o != 0; o = nw_pw(b, o)->next_id)
		if (nw_pw(b, o)->uid == p->uid)
			return -1;
	r = nw_pw(b, off);
	r->rec_size = (uint32_t)size;
	r->uid = p->uid;
	r->gid = p->gid;
	r->ngroups = p->ngroups;
	r->name_len = (uint16_t)nl;
	r->gecos_len = (uint16_t)nw_len(p->gecos);
	r->dir_len = (uint16_t)nw_len(p->dir);
	r->shell_len = (uint16_t)nw_len(p->shell);
	if (p->ngroups > 0)
		memcpy(r + 1, p->gids, 4 * (size_t)p->ngroups);
	s = (char *)(r + 1) + 4 * (size_t)p->ngroups;
	memcpy(s, p->name, nl);
	s += nl + 1;
	if (r->gecos_len)
		memcpy(s, p->gecos, r->gecos_len);
	s += r->gecos_len + 1;
	if (r->dir_len)
		memcpy(s, p->dir, r->dir_len);
	s += r->dir_len + 1;
	if (r->shell_len)
		memcpy(s, p->shell, r->shell_len);
	r->next_name = b->pw_name[hn];
	b->pw_name[hn] = off;
	r->next_id = b->pw_uid[hu];
	b->pw_uid[hu] = off;
	b->used += size;
	return 0;
}

static int
nw_add_gr(struct nw_build *b, const struct nssmap_gr_in *g, uint64_t size)
{
	size_t		 nl = strlen(g->name), ml;
	uint32_t	 hn = nssmap_hash_name(g->name, nl) & (b->gr_name_n - 1);
	uint32_t	 hg = nssmap_hash_id(g->gid) & (b->gr_gid_n - 1);
	uint32_t	 o, i, off = (uint32_t)b->used;
	struct nssmap_gr *r;
	char		*s, *m;

	for (o = b->gr_name[hn]; o != 0; o = nw_gr(b, o)->next_name)
		if (nw_gr(b, o)->name_len == nl &&
		    memcmp(nw_gr(b, o) + 1, g->name, nl) == 0)
			return -1;
	for (o = b->gr_gid[hg]; o != 0; o = nw_gr(b, o)->next_id)
		if (nw_gr(b, o)->gid == g->gid)
			return -1;
	r = nw_gr(b, off);
	r->rec_size = (uint32_t)size;
	r->gid = g->gid;
	r->name_len = (uint16_t)nl;
	s = (char *)(r + 1);
	memcpy(s, g->name, nl);
	m = s + nl + 1;
	/* empty member names are left out: they could not be told apart
	 * from the separators */
	for (i = 0; i < g->nmem; i++) {
		if ((ml = nw_len(g->members[i])) == 0)
			continue;
		memcpy(m, g->members[i], ml);
		m += ml + 1;
		r->nmem++;
	}
	r->members_len = (uint32_t)(m - (s + nl + 1));
	r->next_name = b->gr_name[hn];
	b->gr_name[hn] = off;
	r->next_id = b->gr_gid[hg];
	b->gr_gid[hg] = off;
	b->used += size;
	return 0;
}

/* Lay out the header and the tables; the records follow. */
static int
nw_build(struct nw_build *b, const struct nssmap_pw_in *pw, size_t npw,
    const struct nssmap_gr_in *gr, size_t ngr, uint64_t generation,
    size_t *skipped)
{
	struct nssmap_header	*h;
	uint64_t		 total, sz;
	uint32_t		 t[4], toff[4];
	size_t			 i, skip = 0, npwrec = 0, ngrrec = 0;
	int			 k;

	t[0] = t[1] = nw_nslots(npw);
	t[2] = t[3] = nw_nslots(ngr);
	if (t[0] == 0 || t[2] == 0) {
		errno = EFBIG;
		return -1;
	}
	total = sizeof(*h);
	for (k = 0; k < 4; k++) {
		toff[k] = (uint32_t)total;
		total += 4 * (uint64_t)t[k];
	}
	for (i = 0; i < npw && total <= NSSMAP_MAX_SIZE; i++)
		total += nw_pw_size(&pw[i]);
	for (i = 0; i < ngr && total <= NSSMAP_MAX_SIZE; i++)
		total += nw_gr_size(&gr[i]);
	if (total > NSSMAP_MAX_SIZE) {
		errno = EFBIG;
		return -1;
	}
	if ((b->buf = calloc(1, (size_t)total)) == NULL)
		return -1;
	b->pw_name = (uint32_t *)(void *)(b->buf + toff[0]);
	b->pw_uid = (uint32_t *)(void *)(b->buf + toff[1]);
	b->gr_name = (uint32_t *)(void *)(b->buf + toff[2]);
	b->gr_gid = (uint32_t *)(void *)(b->buf + toff[3]);
	b->pw_name_n = t[0];
	b->pw_uid_n = t[1];
	b->gr_name_n = t[2];
	b->gr_gid_n = t[3];
	b->used = toff[3] + 4 * (size_t)t[3];
	for (i = 0; i < npw; i++) {
		if ((sz = nw_pw_size(&pw[i])) == 0 || nw_add_pw(b, &pw[i], sz) != 0)
			skip++;
		else
			npwrec++;
	}
	for (i = 0; i < ngr; i++) {
		if ((sz = nw_gr_size(&gr[i])) == 0 || nw_add_gr(b, &gr[i], sz) != 0)
			skip++;
		else
			ngrrec++;
	}
	h = (struct nssmap_header *)(void *)b->buf;
	memcpy(h->magic, NSSMAP_MAGIC, sizeof(h->magic));
	h->version = NSSMAP_VERSION;
	h->header_size = sizeof(*h);
	h->file_size = (uint32_t)b->used;
	h->invalid = 0;
	h->heartbeat = (int64_t)time(NULL);
	h->generation = generation;
	h->pw_count = (uint32_t)npwrec;
	h->gr_count = (uint32_t)ngrrec;
	h->pw_name.offset = toff[0];
	h->pw_name.nslots = t[0];
	h->pw_uid.offset = toff[1];
	h->pw_uid.nslots = t[1];
	h->gr_name.offset = toff[2];
	h->gr_name.nslots = t[2];
	h->gr_gid.offset = toff[3];
	h->gr_gid.nslots = t[3];
	if (skipped != NULL)
		*skipped = skip;
	return 0;
}

/* Mark a mapped file superseded; readers re-map on their next lookup. */
static void
nw_invalidate(struct nssmap_header *h)
{
	__atomic_store_n(&h->invalid, 1, __ATOMIC_RELEASE);
}

/* A map left behind by an earlier agent (killed): readers must not use
 * it any longer; its generation is continued. */
static void
nw_invalidate_leftover(struct nssmap_writer *w)
{
	struct nssmap_header	*h;
	struct stat		 st;
	void			*p;
	int			 fd;

	if ((fd = open(w->path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= (off_t)sizeof(*h) &&
	    (p = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    0)) != MAP_FAILED) {
		h = p;
		if (memcmp(h->magic, NSSMAP_MAGIC, sizeof(h->magic)) == 0) {
			w->generation = h->generation;
			nw_invalidate(h);
		}
		munmap(p, sizeof(*h));
	}
	close(fd);
}

struct nssmap_writer *
nssmap_writer_open(const char *path)
{
	struct nssmap_writer	*w;

	if (path == NULL || *path == '\0') {
		errno = EINVAL;
		return NULL;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	if ((w->path = strdup(path)) == NULL) {
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	nw_invalidate_leftover(w);
	return w;
}

static int
nw_write_all(int fd, const unsigned char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write b under a temporary name, map it, rename it over the map. */
static int
nw_install(struct nssmap_writer *w, struct nw_build *b)
{
	struct stat	 st;
	size_t		 tlen = strlen(w->path) + 48;
	char		*tmp;
	void		*p = MAP_FAILED;
	int		 fd = -1, saved, tries;

	if ((tmp = malloc(tlen)) == NULL)
		return -1;
	for (tries = 0; tries < 2 && fd == -1; tries++) {
		snprintf(tmp, tlen, "%s.tmp.%ld.%u", w->path, (long)getpid(),
		    w->seq++);
		fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
		if (fd == -1 && errno == EEXIST)	/* left by a crash */
			unlink(tmp);
		else if (fd == -1)
			break;
	}
	if (fd == -1)
		goto fail;
	/* 0644 whatever the umask: every process reads the map */
	if (fchmod(fd, 0644) == -1 || nw_write_all(fd, b->buf, b->used) == -1 ||
	    fstat(fd, &st) == -1)
		goto fail_unlink;
	p = mmap(NULL, b->used, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto fail_unlink;
	if (rename(tmp, w->path) == -1)
		goto fail_unlink;
	close(fd);
	free(tmp);
	if (w->map != NULL) {
		nw_invalidate(w->map);
		munmap(w->map, w->map_size);
	}
	w->map = p;
	w->map_size = b->used;
	w->dev = st.st_dev;
	w->ino = st.st_ino;
	return 0;
fail_unlink:
	saved = errno;
	if (p != MAP_FAILED)
		munmap(p, b->used);
	close(fd);
	unlink(tmp);
	errno = saved;
fail:
	saved = errno;
	free(tmp);
	errno = saved;
	return -1;
}

int
nssmap_publish(struct nssmap_writer *w, const struct nssmap_pw_in *pw,
    size_t npw, const struct nssmap_gr_in *gr, size_t ngr, size_t *skipped)
{
	struct nw_build	b;
	int		rc, saved;

	memset(&b, 0, sizeof(b));
	pthread_mutex_lock(&w->lock);
	rc = nw_build(&b, pw, npw, gr, ngr, w->generation + 1, skipped);
	if (rc == 0 && (rc = nw_install(w, &b)) == 0)
		w->generation++;
	saved = errno;
	pthread_mutex_unlock(&w->lock);
	free(b.buf);
	errno = saved;
	return rc;
}

void
nssmap_heartbeat(struct nssmap_writer *w)
{
	pthread_mutex_lock(&w->lock);
	if (w->map != NULL)
		__atomic_store_n(&w->map->heartbeat, (int64_t)time(NULL),
		    __ATOMIC_RELEASE);
	pthread_mutex_unlock(&w->lock);
}

void
nssmap_writer_close(struct nssmap_writer *w)
{
	struct stat	st;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	if (w->map != NULL) {
		nw_invalidate(w->map);
		munmap(w->map, w->map_size);
		/* only our own file: another agent may have published since */
		if (lstat(w->path, &st) == 0 && st.st_dev == w->dev &&
		    st.st_ino == w->ino)
			unlink(w->path);
	}
	pthread_mutex_unlock(&w->lock);
	pthread_mutex_destroy(&w->lock);
	free(w->path);
	free(w);
}
