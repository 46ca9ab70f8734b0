/* idl.c - sorted lists of entry ids (candidate sets of a search). */
#include <stdlib.h>
#include <string.h>

#include "dirsrv.h"

void
idl_add(struct idl *l, uint64_t id)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->ids = xreallocarray(l->ids, l->cap, sizeof(*l->ids));
	}
	l->ids[l->n++] = id;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

void
idl_sort(struct idl *l)
{
	size_t i, j;

	if (l->n < 2)
		return;
	for (i = 1; i < l->n && l->ids[i - 1] < l->ids[i]; i++)
		;
	if (i < l->n)
		qsort(l->ids, l->n, sizeof(*l->ids), u64_cmp);
	for (i = 1, j = 1; i < l->n; i++)
		if (l->ids[i] != l->ids[j - 1])
			l->ids[j++] = l->ids[i];
	l->n = j;
}

void
idl_intersect(struct idl *a, const struct idl *b)
{
	size_t i = 0, j = 0, k = 0;

	if (b->all)
		return;
	if (a->all) {
		a->all = 0;
		a->n = 0;
		for (i = 0; i < b->n; i++)
			idl_add(a, b->ids[i]);
		return;
	}
	while (i < a->n && j < b->n) {
		if (a->ids[i] < b->ids[j])
			i++;
		else if (a->ids[i] > b->ids[j])
			j++;
		else {
			a->ids[k++] = a->ids[i];
			i++, j++;
		}
	}
	a->n = k;
}

void
idl_union(struct idl *a, const struct idl *b)
{
	uint64_t *m;
	size_t i = 0, j = 0, k = 0;

	if (a->all)
		return;
	if (b->all) {
		a->all = 1;
		a->n = 0;
		return;
	}
	if (b->n == 0)
		return;
	m = xreallocarray(NULL, a->n + b->n, sizeof(*m));
	while (i < a->n || j < b->n) {
		if (j >= b->n || (i < a->n && a->ids[i] < b->ids[j]))
			m[k++] = a->ids[i++];
		else if (i >= a->n || b->ids[j] < a->ids[i])
			m[k++] = b->ids[j++];
		else {
			m[k++] = a->ids[i++];
			j++;
		}
	}
	free(a->ids);
	a->ids = m;
	a->n = k;
	a->cap = k;
}

void
idl_free(struct idl *l)
{
	free(l->ids);
	memset(l, 0, sizeof(*l));
}

size_t
idl_lower_bound(const struct idl *l, uint64_t id)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
