/* arena.c - bump allocator for per-request memory. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

#define ARENA_CHUNK	(16 * 1024)
#define ARENA_ALIGN	16

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 size;
	max_align_t		 data[];
};

/* a few standard chunks kept per thread: most requests need one or two,
 * so the request path does not go to malloc for them */
#define SPARES	2
static __thread struct arena_chunk *spare[SPARES];

static void
chunk_free(struct arena_chunk *c)
{
	int i;

	if (c->size == ARENA_CHUNK)
		for (i = 0; i < SPARES; i++)
			if (spare[i] == NULL) {
				spare[i] = c;
				return;
			}
	free(c);
}

static struct arena_chunk *
chunk_spare(void)
{
	struct arena_chunk *c;
	int i;

	for (i = 0; i < SPARES; i++)
		if ((c = spare[i]) != NULL) {
			spare[i] = NULL;
			return c;
		}
	return NULL;
}

void
arena_thread_cleanup(void)
{
	int i;

	for (i = 0; i < SPARES; i++) {
		free(spare[i]);
		spare[i] = NULL;
	}
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c;
	size_t size;

	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (n == 0)
		n = ARENA_ALIGN;
	if (a->head == NULL || a->used + n > a->head->size) {
		size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		if (size != ARENA_CHUNK || (c = chunk_spare()) == NULL)
			c = xmalloc(sizeof(*c) + size);
		c->size = size;
		c->next = a->head;
		a->head = c;
		a->used = 0;
	}
	a->total += n;
	a->used += n;
	return (char *)a->head->data + a->used - n;
}

void *
arena_calloc(struct arena *a, size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		abort();
	p = arena_alloc(a, n * size);
	memset(p, 0, n * size);
	return p;
}

void *
arena_memdup(struct arena *a, const void *p, size_t n)
{
	void *q = arena_alloc(a, n + 1);
	if (n)
		memcpy(q, p, n);
	((char *)q)[n] = '\0';
	return q;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	return arena_memdup(a, s, n);
}

void
arena_reset(struct arena *a)
{
	struct arena_chunk *c, *next;

	if (a->head == NULL)
		return;
	/* keep the oldest chunk if it is a standard one */
	for (c = a->head; c->next != NULL; c = next) {
		next = c->next;
		chunk_free(c);
	}
	if (c->size != ARENA_CHUNK) {
		chunk_free(c);
		c = NULL;
	}
	a->head = c;
	a->used = 0;
	a->total = 0;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		chunk_free(c);
	}
	a->head = NULL;
	a->used = a->total = 0;
}

uint64_t
now_ms_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
gentime_format(long long t, char out[16])
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(out, 16, "%Y%m%d%H%M%SZ", &tm);
}
