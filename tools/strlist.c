/*
 * strlist.c - growable, NULL-terminated lists of copied strings.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

void
strlist_addn(struct strlist *l, const char *s, size_t n)
{
	l->v = xreallocarray(l->v, l->n + 2, sizeof(*l->v));
	l->v[l->n++] = xstrndup(s, n);
	l->v[l->n] = NULL;
}

void
strlist_add(struct strlist *l, const char *s)
{
	strlist_addn(l, s, strlen(s));
}

void
strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

char *
strlist_join(const struct strlist *l, const char *sep)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (i > 0)
			buf_addstr(&b, sep);
		buf_addstr(&b, l->v[i]);
	}
	buf_cstr(&b);
	return (char *)b.p;
}
