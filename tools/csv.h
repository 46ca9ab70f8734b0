/*
 * csv.h - a reader of RFC 4180 CSV in UTF-8, for `unifiedid migrate`.
 *
 * Fields are separated by commas and records by CRLF or LF; a field that
 * starts with a double quote is quoted: it may hold commas, line breaks
 * and doubled quotes ("") and must end with a quote followed by a comma,
 * a line break or the end of the input.  Extensions: a UTF-8 byte order
 * mark at the start is skipped, and empty lines are skipped (RFC 4180
 * would read them as records of one empty field).  Everything else is an
 * error with the line it was found on: a quote inside an unquoted field,
 * text after a closing quote, a quoted field that never ends, a carriage
 * return not followed by a line feed outside quotes, a NUL byte, invalid
 * UTF-8, a field longer than CSV_FIELD_MAX bytes or a record of more than
 * CSV_FIELDS_MAX fields.  After an error the reader stops: record
 * boundaries cannot be trusted any more.
 *
 * No gettext, no output: error messages are plain English for the caller
 * to show (and to translate by its own catalogue).  Libc and common/ only,
 * so the fuzz target links it with the daemon's objects.
 */
#ifndef UNIFIEDID_CSV_H
#define UNIFIEDID_CSV_H

#include <stddef.h>
#include <stdio.h>

#define CSV_FIELD_MAX	65536
#define CSV_FIELDS_MAX	256

struct csv {
	FILE		*fp;
	unsigned char	 in[4096];
	size_t		 pos, len;
	int		 eof;
	int		 started;	/* the byte order mark was looked for */
	unsigned long	 line;		/* line of the next byte, from 1 */
	unsigned long	 rec_line;	/* first line of the last record */
	unsigned long	 err_line;	/* line of the error */
	const char	*err;		/* what is wrong (static English) */
};

struct csv_rec {
	char		**f;		/* NUL-terminated UTF-8 fields */
	size_t		 *len;		/* their lengths (no NUL inside) */
	size_t		  n;
	size_t		  cap;
};

void	 csv_init(struct csv *, FILE *);
/* the next record into rec: 1, 0 at the end, -1 on an error (err and
 * err_line say what and where; reading stops there) */
int	 csv_read(struct csv *, struct csv_rec *rec);
void	 csv_rec_free(struct csv_rec *);
/* 1 when s (len bytes) is well-formed UTF-8: no overlong forms, no
 * surrogates, nothing above U+10FFFF */
int	 csv_utf8_ok(const unsigned char *s, size_t len);

#endif
