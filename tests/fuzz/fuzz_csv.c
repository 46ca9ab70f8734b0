/*
 * fuzz_csv.c - libFuzzer target for the CSV reader of `unifiedid migrate`
 * (tools/csv.c): every record of arbitrary bytes is checked for what the
 * migration relies on (fields are NUL-free UTF-8 of the length given,
 * within the limits, line numbers grow, an error is final), and input
 * that reads without an error must read again to the same records after
 * being written back with every field quoted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "../../tools/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...) do { fprintf(stderr, __VA_ARGS__); abort(); } while (0)

struct all {
	struct buf	 out;		/* the records written back */
	struct buf	 flat;		/* lengths and bytes, to compare */
	size_t		 nrec;
};

/* read everything; 1 when the input was read to its end, 0 on an error */
static int
read_all(const uint8_t *data, size_t size, struct all *all)
{
	struct csv c;
	struct csv_rec r = { 0 };
	unsigned long last = 0;
	char *copy;
	FILE *fp;
	size_t i, j;
	int rc;

	copy = malloc(size ? size : 1);
	if (copy == NULL)
		abort();
	if (size)
		memcpy(copy, data, size);
	fp = size ? fmemopen(copy, size, "r") : fopen("/dev/null", "r");
	if (fp == NULL)
		abort();
	csv_init(&c, fp);
	while ((rc = csv_read(&c, &r)) > 0) {
		if (r.n == 0 || r.n > CSV_FIELDS_MAX)
			FAIL("record of %zu fields\n", r.n);
		if (c.rec_line < 1 || c.rec_line <= last)
			FAIL("record line %lu after %lu\n", c.rec_line, last);
		last = c.rec_line;
		all->nrec++;
		for (i = 0; i < r.n; i++) {
			if (r.f[i] == NULL || strlen(r.f[i]) != r.len[i] ||
			    r.len[i] > CSV_FIELD_MAX ||
			    !csv_utf8_ok((unsigned char *)r.f[i], r.len[i]))
				FAIL("bad field %zu of record %zu\n", i,
				    all->nrec);
			buf_printf(&all->flat, "%zu:", r.len[i]);
			buf_add(&all->flat, r.f[i], r.len[i]);
			/* written back: quoted, quotes doubled */
			if (i > 0)
				buf_addc(&all->out, ',');
			buf_addc(&all->out, '"');
			for (j = 0; j < r.len[i]; j++) {
				if (r.f[i][j] == '"')
					buf_addc(&all->out, '"');
				buf_addc(&all->out, r.f[i][j]);
			}
			buf_addc(&all->out, '"');
		}
		buf_addstr(&all->out, "\r\n");
		buf_addc(&all->flat, '\n');
	}
	if (rc < 0) {
		if (c.err == NULL || c.err_line < 1 || r.n != 0)
			FAIL("error without a message, line or cleared record\n");
		if (csv_read(&c, &r) != -1)
			FAIL("reading goes on after an error\n");
	}
	csv_rec_free(&r);
	fclose(fp);
	free(copy);
	return rc == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct all a = { 0 }, b = { 0 };

	if (size > 65536)
		return 0;
	if (read_all(data, size, &a)) {
		if (!read_all(a.out.p, a.out.len, &b))
			FAIL("records written back do not read again\n");
		if (a.nrec != b.nrec || a.flat.len != b.flat.len ||
		    (a.flat.len && memcmp(a.flat.p, b.flat.p, a.flat.len)))
			FAIL("records written back read differently\n");
	}
	buf_free(&a.out);
	buf_free(&a.flat);
	buf_free(&b.out);
	buf_free(&b.flat);
	return 0;
}
