#!/bin/sh
# t_schema_slapd.sh -- validate schema/*.schema and etc/demo/demo.ldif
# with OpenLDAP's own tools.
#
#  1. Every definition is parsed the way unifiedid-dirsrv parses it (keyword
#     stripped, ldap_str2attributetype / ldap_str2objectclass with
#     LDAP_SCHEMA_ALLOW_ALL), by a small C program built here; it also checks
#     that OIDs are numeric and unique, that SUP/MUST/MAY references resolve
#     to definitions loaded before, and that the definitions slapd has built
#     in (objectClass, operational, subschema, root DSE, memberOf, ppolicy
#     attributes...) are identical to slapd's own, read from a private slapd's
#     cn=Subschema.
#  2. slaptest loads all files, with those built-in definitions commented
#     out (slapd would reject them as duplicates); and the non-core files on
#     top of Debian's /etc/ldap/schema/core.schema.
#  3. etc/demo/verify-ids.py checks the demo data; slapadd loads demo.ldif
#     with schema checking into both configurations.
#  4. A private slapd serves the demo and answers the searches SSSD, nslcd and
#     the address book send, to show that the matching rules behave as
#     people expect.
#
# Private slapd instances listen on 127.0.0.1 at a random high port and are
# stopped (by their own pid) before the script exits; the temporary directory
# is removed.  Exit status 0 when every check passed.  Last line of output:
# "N passed, M failed".
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
SCHEMA_DIR=$top/schema
DEMO=$top/etc/demo/demo.ldif
SUFFIX="dc=example,dc=gov,dc=cn"
FILES="core cosine inetorgperson nis sudo openssh-lpk unifiedid"
PATH=$PATH:/usr/sbin:/sbin
export PATH

T=$(mktemp -d "${TMPDIR:-/tmp}/unifiedid-schema.XXXXXX") || exit 1
pass=0
fail=0
SLAPD_PID=""
URI=""

stop_slapd() {
	[ -n "$SLAPD_PID" ] || return 0
	kill "$SLAPD_PID" 2>/dev/null
	i=0
	while kill -0 "$SLAPD_PID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$SLAPD_PID" 2>/dev/null
	SLAPD_PID=""
}

# shellcheck disable=SC2317 # called through trap
cleanup() {
	stop_slapd
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ok() {
	pass=$((pass + 1))
	echo "ok   - $1"
}

nok() {
	fail=$((fail + 1))
	echo "FAIL - $1"
	if [ -s "$T/out" ]; then
		sed 's/^/       /' "$T/out" | head -40
	fi
}

# check NAME COMMAND...: run COMMAND, output in $T/out, pass when it exits 0
check() {
	name=$1
	shift
	if "$@" >"$T/out" 2>&1; then
		ok "$name"
	else
		nok "$name"
	fi
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit $?
}

port_free() {
	command -v ss >/dev/null 2>&1 || return 0
	! ss -ltn 2>/dev/null | awk '{print $4}' | grep -q ":$1\$"
}

# start_slapd CONF: start a private slapd on a free port; sets SLAPD_PID, URI
start_slapd() {
	tries=0
	while [ $tries -lt 10 ]; do
		tries=$((tries + 1))
		port=$(shuf -i 40000-59999 -n 1)
		port_free "$port" || continue
		rm -f "$T/slapd.pid"
		slapd -f "$1" -h "ldap://127.0.0.1:$port/" >"$T/slapd.log" 2>&1 || continue
		i=0
		while [ ! -s "$T/slapd.pid" ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		[ -s "$T/slapd.pid" ] || continue
		SLAPD_PID=$(cat "$T/slapd.pid")
		URI="ldap://127.0.0.1:$port/"
		i=0
		while [ $i -lt 50 ]; do
			if ldapsearch -x -LLL -H "$URI" -b "" -s base \
			    '(objectClass=*)' 1.1 >/dev/null 2>&1; then
				return 0
			fi
			sleep 0.1
			i=$((i + 1))
		done
		stop_slapd
	done
	echo "could not start slapd; last log:" >&2
	cat "$T/slapd.log" >&2
	return 1
}

# --- prerequisites ----------------------------------------------------------
: >"$T/out"
missing=""
for t in cc slapd slaptest slapadd ldapsearch python3 shuf; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
[ -f /usr/include/ldap_schema.h ] || missing="$missing libldap-dev"
if [ -n "$missing" ]; then
	echo "missing:$missing (sh scripts/deps installs them)" >"$T/out"
	nok "prerequisites"
	finish
fi
MODDIR=""
for d in /usr/lib/ldap /usr/lib64/openldap /usr/lib/openldap /usr/libexec/openldap; do
	if [ -e "$d/back_mdb.la" ] || [ -e "$d/back_mdb.so" ]; then
		MODDIR=$d
		break
	fi
done
MODULES=""
if [ -n "$MODDIR" ]; then
	# back_mdb for slapadd; ppolicy and memberof for their built-in schema
	MODULES="modulepath $MODDIR
moduleload back_mdb
moduleload ppolicy
moduleload memberof"
fi
ok "prerequisites"

# --- the checker --------------------------------------------------------------
cat >"$T/schemacheck.c" <<'CSRC'
/* schemacheck: parse OpenLDAP .schema files the way unifiedid-dirsrv
 * does (keyword stripped, ldap_str2attributetype / ldap_str2objectclass with
 * LDAP_SCHEMA_ALLOW_ALL), check that every reference resolves, compare the
 * definitions slapd builds in with slapd's own, and write copies of the
 * files with those definitions commented out so slaptest can load them.
 *
 * usage: schemacheck [-b slapd-subschema.ldif] [-H hidden-oids] [-r names]
 *                    [-s stripdir] [-l] file.schema...
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <ldap.h>
#include <ldap_schema.h>

enum kind { K_AT, K_OC };

struct def {
	const char *file;
	int line, endline;
	enum kind kind;
	LDAPAttributeType *at;
	LDAPObjectClass *oc;
	const char *oid;
	char **names;
	int builtin;		/* slapd has it built in: strip for slaptest */
};

static struct def *defs;
static size_t ndefs, adefs;
static struct def *bdefs;	/* slapd's built-in definitions */
static size_t nbdefs, abdefs;
static int errors;

static void
err(const struct def *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
err(const struct def *d, const char *fmt, ...)
{
	va_list ap;

	if (d != NULL)
		fprintf(stderr, "%s:%d: %s: ", d->file, d->line,
		    d->names && d->names[0] ? d->names[0] : d->oid);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	errors++;
}

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (p == NULL) {
		perror("realloc");
		exit(2);
	}
	return p;
}

static void
push_str(char ***v, size_t *n, size_t *a, const char *s)
{
	if (*n == *a) {
		*a = *a ? *a * 2 : 64;
		*v = xrealloc(*v, *a * sizeof(**v));
	}
	(*v)[(*n)++] = strdup(s);
}

static int
numeric_oid(const char *s)
{
	int digits = 0, dots = 0;

	if (s == NULL || *s == '\0')
		return 0;
	for (; *s; s++) {
		if (isdigit((unsigned char)*s)) {
			/* no leading zeros in an arc other than "0" itself */
			if (digits == 0 && *s == '0' && isdigit((unsigned char)s[1]))
				return 0;
			digits++;
		} else if (*s == '.' && digits > 0) {
			digits = 0;
			dots++;
		} else
			return 0;
	}
	return digits > 0 && dots > 0;
}

/* Parse one definition; the text has the keyword already stripped. */
static int
parse_def(struct def *d, const char *text)
{
	int code = 0;
	const char *ep = NULL;

	if (d->kind == K_AT) {
		d->at = ldap_str2attributetype(text, &code, &ep,
		    LDAP_SCHEMA_ALLOW_ALL);
		if (d->at == NULL)
			goto fail;
		d->oid = d->at->at_oid;
		d->names = d->at->at_names;
	} else {
		d->oc = ldap_str2objectclass(text, &code, &ep,
		    LDAP_SCHEMA_ALLOW_ALL);
		if (d->oc == NULL)
			goto fail;
		d->oid = d->oc->oc_oid;
		d->names = d->oc->oc_names;
	}
	return 0;
fail:
	d->oid = "?";
	err(d, "%s before \"%.40s\"", ldap_scherr2str(code), ep ? ep : "");
	return -1;
}

static void
add_def(const char *file, int line, int endline, enum kind kind,
    const char *text)
{
	struct def *d;

	if (ndefs == adefs) {
		adefs = adefs ? adefs * 2 : 256;
		defs = xrealloc(defs, adefs * sizeof(*defs));
	}
	d = &defs[ndefs];
	memset(d, 0, sizeof(*d));
	d->file = file;
	d->line = line;
	d->endline = endline;
	d->kind = kind;
	if (parse_def(d, text) == 0)
		ndefs++;
}

/* Split a file into definitions: a keyword at the start of a line, then
 * continuation lines that start with whitespace; '#' comments and blank
 * lines end a definition. */
static void
read_schema(const char *file)
{
	FILE *fp;
	char *line = NULL, *buf = NULL, *p;
	size_t cap = 0, blen = 0, bcap = 0;
	ssize_t len;
	int lineno = 0, start = 0, last = 0;
	enum kind kind = K_AT;

	fp = fopen(file, "r");
	if (fp == NULL) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		errors++;
		return;
	}
	for (;;) {
		len = getline(&line, &cap, fp);
		if (len >= 0) {
			lineno++;
			while (len > 0 && (line[len - 1] == '\n' ||
			    line[len - 1] == '\r'))
				line[--len] = '\0';
		}
		if (len > 0 && (line[0] == ' ' || line[0] == '\t')) {
			for (p = line; *p == ' ' || *p == '\t'; p++)
				;
			if (*p != '\0' && start > 0) {
				if (blen + len + 2 > bcap) {
					bcap = (blen + len + 2) * 2;
					buf = xrealloc(buf, bcap);
				}
				buf[blen++] = ' ';
				memcpy(buf + blen, p, strlen(p) + 1);
				blen += strlen(p);
				last = lineno;
				continue;
			}
			if (*p != '\0' && *p != '#') {
				fprintf(stderr, "%s:%d: continuation line "
				    "outside a definition\n", file, lineno);
				errors++;
			}
			if (*p != '#')
				len = 0;	/* blank: ends a definition */
		}
		if (start > 0) {
			add_def(file, start, last, kind, buf);
			start = 0;
		}
		if (len < 0)
			break;
		if (len == 0 || line[0] == '#' || line[0] == ' ' ||
		    line[0] == '\t')
			continue;
		p = line + strcspn(line, " \t(");
		if ((size_t)(p - line) == 13 &&
		    strncasecmp(line, "attributetype", 13) == 0)
			kind = K_AT;
		else if ((size_t)(p - line) == 11 &&
		    strncasecmp(line, "objectclass", 11) == 0)
			kind = K_OC;
		else {
			fprintf(stderr, "%s:%d: unsupported statement "
			    "\"%.*s\"\n", file, lineno, (int)(p - line), line);
			errors++;
			continue;
		}
		for (; *p == ' ' || *p == '\t'; p++)
			;
		blen = strlen(p);
		if (blen + 1 > bcap) {
			bcap = (blen + 1) * 2;
			buf = xrealloc(buf, bcap);
		}
		memcpy(buf, p, blen + 1);
		start = last = lineno;
	}
	free(line);
	free(buf);
	fclose(fp);
}

/* Read slapd's cn=Subschema as printed by ldapsearch -o ldif-wrap=no. */
static void
read_builtin(const char *file)
{
	FILE *fp;
	char *line = NULL, *v;
	size_t cap = 0;
	ssize_t len;
	struct def *d;
	enum kind kind;
	int code;
	const char *ep;

	fp = fopen(file, "r");
	if (fp == NULL) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		exit(2);
	}
	while ((len = getline(&line, &cap, fp)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		v = strchr(line, ':');
		if (v == NULL || v[1] != ' ')
			continue;
		*v = '\0';
		v += 2;
		if (strcasecmp(line, "attributeTypes") == 0)
			kind = K_AT;
		else if (strcasecmp(line, "objectClasses") == 0)
			kind = K_OC;
		else
			continue;
		if (nbdefs == abdefs) {
			abdefs = abdefs ? abdefs * 2 : 256;
			bdefs = xrealloc(bdefs, abdefs * sizeof(*bdefs));
		}
		d = &bdefs[nbdefs];
		memset(d, 0, sizeof(*d));
		d->file = "slapd";
		d->kind = kind;
		if (kind == K_AT) {
			d->at = ldap_str2attributetype(v, &code, &ep,
			    LDAP_SCHEMA_ALLOW_ALL);
			if (d->at == NULL)
				continue;
			d->oid = d->at->at_oid;
			d->names = d->at->at_names;
		} else {
			d->oc = ldap_str2objectclass(v, &code, &ep,
			    LDAP_SCHEMA_ALLOW_ALL);
			if (d->oc == NULL)
				continue;
			d->oid = d->oc->oc_oid;
			d->names = d->oc->oc_names;
		}
		nbdefs++;
	}
	free(line);
	fclose(fp);
}

static int
has_name(char **names, const char *s)
{
	for (; names && *names; names++)
		if (strcasecmp(*names, s) == 0)
			return 1;
	return 0;
}

/* Find a definition of a kind by OID or name among the first lim ones. */
static struct def *
find(enum kind kind, const char *s, size_t lim)
{
	size_t i;

	for (i = 0; i < lim; i++)
		if (defs[i].kind == kind && (strcmp(defs[i].oid, s) == 0 ||
		    has_name(defs[i].names, s)))
			return &defs[i];
	return NULL;
}

static const char *
syntax_of(const struct def *d)
{
	int depth = 0;

	while (d != NULL && depth++ < 32) {
		if (d->at->at_syntax_oid)
			return d->at->at_syntax_oid;
		if (d->at->at_sup_oid == NULL)
			return NULL;
		d = find(K_AT, d->at->at_sup_oid, ndefs);
	}
	return NULL;
}

static int
in_list(char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(v[i], s) == 0)
			return 1;
	return 0;
}

static void
check_at(size_t idx)
{
	struct def *d = &defs[idx], *sup = NULL;
	LDAPAttributeType *at = d->at;
	const char *syn;

	if (at->at_sup_oid) {
		sup = find(K_AT, at->at_sup_oid, idx);
		if (sup == NULL)
			err(d, "SUP %s not defined before", at->at_sup_oid);
		else if (sup->at->at_usage != at->at_usage)
			err(d, "USAGE differs from its SUP %s", at->at_sup_oid);
	}
	syn = syntax_of(d);
	if (syn == NULL)
		err(d, "no SYNTAX, directly or through SUP");
	else if (!numeric_oid(syn))
		err(d, "SYNTAX %s is not a numeric OID", syn);
	if (at->at_no_user_mod && at->at_usage == LDAP_SCHEMA_USER_APPLICATIONS)
		err(d, "NO-USER-MODIFICATION on a userApplications type");
}

static void
check_oc(size_t idx)
{
	struct def *d = &defs[idx], *sup;
	LDAPObjectClass *oc = d->oc;
	char **p;

	for (p = oc->oc_sup_oids; p && *p; p++) {
		sup = find(K_OC, *p, idx);
		if (sup == NULL) {
			err(d, "SUP %s not defined before", *p);
			continue;
		}
		if (sup->oc->oc_kind != LDAP_SCHEMA_ABSTRACT &&
		    sup->oc->oc_kind != oc->oc_kind)
			err(d, "SUP %s is of another kind", *p);
	}
	for (p = oc->oc_at_oids_must; p && *p; p++)
		if (find(K_AT, *p, ndefs) == NULL)
			err(d, "MUST %s is not a defined attribute type", *p);
	for (p = oc->oc_at_oids_may; p && *p; p++)
		if (find(K_AT, *p, ndefs) == NULL)
			err(d, "MAY %s is not a defined attribute type", *p);
}

static void
check_unique(void)
{
	size_t i, j;
	char **n;

	for (i = 0; i < ndefs; i++) {
		if (!numeric_oid(defs[i].oid))
			err(&defs[i], "OID \"%s\" is not numeric (no OID macros)",
			    defs[i].oid);
		if (defs[i].names == NULL || defs[i].names[0] == NULL)
			err(&defs[i], "no NAME");
		for (j = 0; j < i; j++) {
			if (strcmp(defs[i].oid, defs[j].oid) == 0)
				err(&defs[i], "OID %s also used at %s:%d",
				    defs[i].oid, defs[j].file, defs[j].line);
			if (defs[i].kind != defs[j].kind)
				continue;
			for (n = defs[i].names; n && *n; n++)
				if (has_name(defs[j].names, *n))
					err(&defs[i], "name %s also used at "
					    "%s:%d", *n, defs[j].file,
					    defs[j].line);
		}
	}
}

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcasecmp(a, b) == 0;
}

/* Same set of strings, ignoring case and order. */
static int
same_set(char **a, char **b)
{
	char **p;
	size_t na = 0, nb = 0;

	for (p = a; p && *p; p++, na++)
		if (!has_name(b, *p))
			return 0;
	for (p = b; p && *p; p++)
		nb++;
	return na == nb;
}

static const char *
list(char **v)
{
	static char buf[1024];
	size_t off = 0;

	buf[0] = '\0';
	for (; v && *v && off < sizeof(buf) - 64; v++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s",
		    off ? " " : "", *v);
	return buf;
}

static void
compare_at(const struct def *d, const struct def *b)
{
	const LDAPAttributeType *x = d->at, *y = b->at;

	if (!same_set(x->at_names, y->at_names))
		err(d, "NAME (%s), slapd has (%s)", list(x->at_names),
		    list(y->at_names));
	if (!same_str(x->at_sup_oid, y->at_sup_oid))
		err(d, "SUP %s, slapd has %s", x->at_sup_oid, y->at_sup_oid);
	if (!same_str(x->at_equality_oid, y->at_equality_oid))
		err(d, "EQUALITY %s, slapd has %s", x->at_equality_oid,
		    y->at_equality_oid);
	if (!same_str(x->at_ordering_oid, y->at_ordering_oid))
		err(d, "ORDERING %s, slapd has %s", x->at_ordering_oid,
		    y->at_ordering_oid);
	if (!same_str(x->at_substr_oid, y->at_substr_oid))
		err(d, "SUBSTR %s, slapd has %s", x->at_substr_oid,
		    y->at_substr_oid);
	if (!same_str(x->at_syntax_oid, y->at_syntax_oid))
		err(d, "SYNTAX %s, slapd has %s", x->at_syntax_oid,
		    y->at_syntax_oid);
	if (x->at_single_value != y->at_single_value)
		err(d, "SINGLE-VALUE %d, slapd has %d", x->at_single_value,
		    y->at_single_value);
	if (x->at_no_user_mod != y->at_no_user_mod)
		err(d, "NO-USER-MODIFICATION %d, slapd has %d",
		    x->at_no_user_mod, y->at_no_user_mod);
	if (x->at_usage != y->at_usage)
		err(d, "USAGE %d, slapd has %d", x->at_usage, y->at_usage);
	if (x->at_obsolete != y->at_obsolete ||
	    x->at_collective != y->at_collective)
		err(d, "OBSOLETE/COLLECTIVE differ from slapd");
}

static void
compare_oc(const struct def *d, const struct def *b)
{
	const LDAPObjectClass *x = d->oc, *y = b->oc;
	char *top[] = { "top", NULL };
	char **xs = x->oc_sup_oids, **ys = y->oc_sup_oids;

	if (!same_set(x->oc_names, y->oc_names))
		err(d, "NAME (%s), slapd has (%s)", list(x->oc_names),
		    list(y->oc_names));
	/* "SUP top" and no SUP mean the same (RFC 4512 section 2.4.1) */
	if (xs == NULL && y->oc_kind != LDAP_SCHEMA_ABSTRACT)
		xs = top;
	if (ys == NULL && y->oc_kind != LDAP_SCHEMA_ABSTRACT)
		ys = top;
	if (!same_set(xs, ys))
		err(d, "SUP (%s), slapd has (%s)", list(x->oc_sup_oids),
		    list(y->oc_sup_oids));
	if (x->oc_kind != y->oc_kind)
		err(d, "kind %d, slapd has %d", x->oc_kind, y->oc_kind);
	if (!same_set(x->oc_at_oids_must, y->oc_at_oids_must))
		err(d, "MUST (%s), slapd has (%s)", list(x->oc_at_oids_must),
		    list(y->oc_at_oids_must));
	if (!same_set(x->oc_at_oids_may, y->oc_at_oids_may))
		err(d, "MAY (%s), slapd has (%s)", list(x->oc_at_oids_may),
		    list(y->oc_at_oids_may));
}

static void
compare_builtin(const char *hidden)
{
	size_t i, j;
	int ncmp = 0, nhid = 0;
	char *h, *tok, *save = NULL;

	for (i = 0; i < ndefs; i++) {
		for (j = 0; j < nbdefs; j++)
			if (bdefs[j].kind == defs[i].kind &&
			    strcmp(bdefs[j].oid, defs[i].oid) == 0)
				break;
		if (j < nbdefs) {
			defs[i].builtin = 1;
			ncmp++;
			if (defs[i].kind == K_AT)
				compare_at(&defs[i], &bdefs[j]);
			else
				compare_oc(&defs[i], &bdefs[j]);
		}
	}
	/* built into slapd but not published in cn=Subschema */
	h = strdup(hidden ? hidden : "");
	for (tok = strtok_r(h, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
		for (i = 0; i < ndefs; i++)
			if (strcmp(defs[i].oid, tok) == 0 && !defs[i].builtin) {
				defs[i].builtin = 1;
				nhid++;
			}
	free(h);
	printf("schemacheck: %d definitions compared with slapd's built-in "
	    "ones, %d more built in but hidden\n", ncmp, nhid);
}

static void
check_required(const char *req)
{
	char *r = strdup(req), *tok, *save = NULL;

	for (tok = strtok_r(r, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
		if (find(K_AT, tok, ndefs) == NULL && find(K_OC, tok, ndefs) == NULL)
			err(NULL, "required definition %s is missing", tok);
	free(r);
}

/* Copy each file with the built-in definitions commented out, so slaptest
 * does not reject them as duplicates; line numbers stay the same. */
static void
strip(const char *dir, char **files, int nfiles)
{
	int f, lineno;
	size_t i;
	FILE *in, *out;
	char *line = NULL, path[4096];
	const char *base;
	size_t cap = 0;
	int hide;

	for (f = 0; f < nfiles; f++) {
		base = strrchr(files[f], '/');
		base = base ? base + 1 : files[f];
		snprintf(path, sizeof(path), "%s/%s", dir, base);
		in = fopen(files[f], "r");
		out = fopen(path, "w");
		if (in == NULL || out == NULL) {
			fprintf(stderr, "strip %s: %s\n", path, strerror(errno));
			exit(2);
		}
		lineno = 0;
		while (getline(&line, &cap, in) >= 0) {
			lineno++;
			hide = 0;
			for (i = 0; i < ndefs; i++)
				if (defs[i].builtin && defs[i].file == files[f] &&
				    lineno >= defs[i].line &&
				    lineno <= defs[i].endline)
					hide = 1;
			fprintf(out, "%s%s", hide ? "#builtin# " : "", line);
		}
		fclose(in);
		fclose(out);
	}
	free(line);
}

static void
summary(void)
{
	size_t i, j;
	char **seen = NULL;
	size_t ns = 0, as = 0;
	const char *v[4];

	for (i = 0; i < ndefs; i++) {
		if (defs[i].kind != K_AT)
			continue;
		v[0] = defs[i].at->at_syntax_oid;
		v[1] = defs[i].at->at_equality_oid;
		v[2] = defs[i].at->at_ordering_oid;
		v[3] = defs[i].at->at_substr_oid;
		for (j = 0; j < 4; j++)
			if (v[j] && !in_list(seen, ns, v[j]))
				push_str(&seen, &ns, &as, v[j]);
	}
	printf("syntaxes and matching rules used:\n");
	for (i = 0; i < ns; i++)
		printf("  %s\n", seen[i]);
}

int
main(int argc, char **argv)
{
	int c, nat = 0, noc = 0;
	size_t i;
	const char *builtin = NULL, *hidden = NULL, *required = NULL;
	const char *stripdir = NULL;
	int listing = 0;

	while ((c = getopt(argc, argv, "b:H:r:s:l")) != -1) {
		switch (c) {
		case 'b': builtin = optarg; break;
		case 'H': hidden = optarg; break;
		case 'r': required = optarg; break;
		case 's': stripdir = optarg; break;
		case 'l': listing = 1; break;
		default:
			fprintf(stderr, "usage: schemacheck [-b ldif] [-H oids] "
			    "[-r names] [-s dir] [-l] file...\n");
			return 2;
		}
	}
	if (builtin)
		read_builtin(builtin);
	for (c = optind; c < argc; c++)
		read_schema(argv[c]);
	check_unique();
	for (i = 0; i < ndefs; i++) {
		if (defs[i].kind == K_AT) {
			nat++;
			check_at(i);
		} else {
			noc++;
			check_oc(i);
		}
	}
	if (required)
		check_required(required);
	if (builtin)
		compare_builtin(hidden);
	if (stripdir)
		strip(stripdir, argv + optind, argc - optind);
	if (listing)
		summary();
	printf("schemacheck: %zu definitions (%d attribute types, %d object "
	    "classes), %d errors\n", ndefs, nat, noc, errors);
	return errors ? 1 : 0;
}
CSRC
check "build schemacheck (libldap schema parser)" \
	cc -O1 -o "$T/schemacheck" "$T/schemacheck.c" -lldap -llber
[ -x "$T/schemacheck" ] || finish

# Self-test: the checker must reject an OID macro and an unresolved SUP.
cat >"$T/broken.schema" <<'BROKEN'
objectidentifier Foo 1.2.3
attributetype ( Foo:1 NAME 'fooAttr' SUP noSuchType )
objectclass ( 1.2.3.2 NAME 'fooClass' AUXILIARY MAY ( fooAttr $ noSuchAttr ) )
BROKEN
if "$T/schemacheck" "$T/broken.schema" >"$T/out" 2>&1; then
	nok "schemacheck rejects a broken schema file"
else
	n=$(grep -c 'unsupported statement\|not numeric\|not defined before\|not a defined' "$T/out")
	if [ "$n" -ge 4 ]; then ok "schemacheck rejects a broken schema file"
	else nok "schemacheck rejects a broken schema file"; fi
fi

# --- slapd's built-in schema --------------------------------------------------
printf '%s\npidfile %s\n' "$MODULES" "$T/slapd.pid" >"$T/builtin.conf"
if start_slapd "$T/builtin.conf" >"$T/out" 2>&1 &&
    ldapsearch -x -LLL -o ldif-wrap=no -H "$URI" -b cn=Subschema -s base \
    attributeTypes objectClasses >"$T/builtin.ldif" 2>>"$T/out" &&
    [ "$(grep -c '^attributeTypes:' "$T/builtin.ldif")" -gt 20 ]; then
	ok "read slapd's built-in schema from a private slapd"
else
	nok "read slapd's built-in schema from a private slapd"
fi
stop_slapd

# Built into slapd but not published in its cn=Subschema (SLAP_AT_HIDE).
HIDDEN="2.5.21.1,2.5.21.2,2.5.21.7,2.5.18.5,2.5.18.6"
REQUIRED="objectClass,aliasedObjectName,structuralObjectClass,createTimestamp,\
modifyTimestamp,creatorsName,modifiersName,hasSubordinates,subschemaSubentry,\
entryUUID,entryDN,entryCSN,attributeTypes,objectClasses,ldapSyntaxes,\
matchingRules,matchingRuleUse,dITContentRules,nameForms,dITStructureRules,\
namingContexts,supportedControl,supportedExtension,supportedFeatures,\
supportedLDAPVersion,supportedSASLMechanisms,altServer,vendorName,vendorVersion,\
memberOf,pwdChangedTime,pwdAccountLockedTime,pwdFailureTime,pwdHistory,pwdReset,\
pwdGraceUseTime,top,alias,extensibleObject,subschema,subentry,uidObject,\
inetOrgPerson,organizationalUnit,organization,groupOfNames,dcObject,\
simpleSecurityObject,applicationProcess,posixAccount,shadowAccount,posixGroup,\
sudoRole,sudoUser,sudoHost,sudoCommand,sudoRunAs,sudoRunAsUser,sudoRunAsGroup,\
sudoOption,sudoNotBefore,sudoNotAfter,sudoOrder,ldapPublicKey,sshPublicKey,\
unifiedIdPerson,unifiedIdOrg,unifiedIdPost,unifiedIdRole,unifiedIdEnterprise,\
unifiedIdAuthorization,gender,idType,idNumber,idValidFrom,idValidTo,shortNumber,\
emergencyPhone,backupMail,officeAddress,accountStatus,statusReason,realNameLevel,\
realNameStatus,legacyUid,orgCode,orgAdmin,postOrg,postRank,postStatus,\
transferFrom,keepOrigin,uscc,enterpriseType,regionType,legalRepresentative,\
enterpriseAdmin,enterpriseHandler,licenseAdmin,mainAgent"

mkdir -p "$T/strip"
set --
for f in $FILES; do
	set -- "$@" "$SCHEMA_DIR/$f.schema"
done
name="schema files parse, references resolve, built-ins identical to slapd's"
if "$T/schemacheck" -b "$T/builtin.ldif" -H "$HIDDEN" -r "$REQUIRED" \
    -s "$T/strip" "$@" >"$T/out" 2>&1; then
	ok "$name"
	grep '^schemacheck:' "$T/out" | sed 's/^/       /'
else
	nok "$name"
fi

# --- slaptest -------------------------------------------------------------------
# conf NAME CORE: slapd.conf with CORE as core schema and the stripped others
conf() {
	mkdir -p "$T/db-$1"
	{
		printf '%s\n' "$MODULES"
		echo "include $2"
		for f in $FILES; do
			[ "$f" = core ] || echo "include $T/strip/$f.schema"
		done
		echo "pidfile $T/slapd.pid"
		echo "database mdb"
		echo "maxsize 104857600"
		echo "suffix \"$SUFFIX\""
		echo "rootdn \"cn=admin,$SUFFIX\""
		echo "directory $T/db-$1"
	} >"$T/$1.conf"
}
conf uid "$T/strip/core.schema"
check "slaptest: all schema files (slapd built-ins commented out)" \
	slaptest -f "$T/uid.conf" -u
if [ -f /etc/ldap/schema/core.schema ]; then
	conf deb /etc/ldap/schema/core.schema
	check "slaptest: non-core files with Debian's core.schema" \
		slaptest -f "$T/deb.conf" -u
fi

# --- demo data --------------------------------------------------------------
check "etc/demo/verify-ids.py (check characters, consistency)" \
	python3 "$top/etc/demo/verify-ids.py" "$DEMO"
check "slapadd demo.ldif with schema checking (UnifiedID core)" \
	slapadd -f "$T/uid.conf" -l "$DEMO"
if [ -f "$T/deb.conf" ]; then
	check "slapadd demo.ldif with schema checking (Debian core)" \
		slapadd -f "$T/deb.conf" -l "$DEMO"
fi

# --- searches against the demo ------------------------------------------------
if ! start_slapd "$T/uid.conf" >"$T/out" 2>&1; then
	nok "start slapd on the demo directory"
	finish
fi
ok "start slapd on the demo directory ($URI)"

# expect NAME COUNT FILTER [BASE]: the search succeeds with COUNT entries
expect() {
	if ldapsearch -x -LLL -H "$URI" -b "${4:-$SUFFIX}" "$3" 1.1 \
	    >"$T/res" 2>"$T/out"; then
		n=$(grep -c '^dn:' "$T/res")
		if [ "$n" -eq "$2" ]; then
			ok "$1"
			return
		fi
		echo "filter $3: $n entries, expected $2" >"$T/out"
	fi
	nok "$1"
}

P="ou=people,$SUFFIX"
expect "SSSD user lookup by name" 1 \
	"(&(uid=zhangwei)(objectclass=posixAccount)(&(uidNumber=*)(!(uidNumber=0))))"
expect "SSSD user lookup by uidNumber" 1 \
	"(&(uidNumber=10001)(objectclass=posixAccount)(&(uidNumber=*)(!(uidNumber=0))))"
expect "uid matches case-insensitively" 1 "(uid=ZhangWei)"
expect "SSSD group lookup by name (organisation)" 1 \
	"(&(cn=fin)(objectClass=posixGroup)(cn=*)(&(gidNumber=*)(!(gidNumber=0))))"
expect "every organisation and POSIX role is a posixGroup" 17 "(objectClass=posixGroup)"
expect "RFC 2307bis initgroups: member is a DN match" 3 \
	"(&(member=UID=ZhangWei, OU=People, DC=example,DC=gov,DC=cn)(objectClass=posixGroup)(cn=*))"
expect "RFC 2307 initgroups by memberUid" 3 \
	"(&(memberUid=zhangwei)(objectClass=posixGroup)(cn=*))"
expect "nslcd initgroups (memberUid or member)" 4 \
	"(&(objectClass=posixGroup)(|(memberUid=wangfang)(member=uid=wangfang,$P)))"
expect "nslcd shadow lookup is not an error" 0 \
	"(&(objectClass=shadowAccount)(uid=zhangwei))"
expect "SSSD sudo refresh filter" 0 \
	"(&(objectClass=sudoRole)(|(!(sudoHost=*))(sudoHost=ALL)(sudoHost=host1.example.gov.cn)(sudoHost=+*)))"
expect "sshPublicKey is a known attribute" 0 \
	"(&(objectClass=ldapPublicKey)(sshPublicKey=*))"
expect "address book: cn equality on a Chinese name (two 王芳)" 2 "(cn=王芳)"
expect "address book: cn substring on a surname" 3 "(&(objectClass=unifiedIdPerson)(cn=王*))"
expect "address book: mobile ignores separators" 1 "(mobile=138-0512-0001)"
n=$(grep -c '^mobile: ' "$DEMO")
expect "address book: mobile substring" "$n" "(mobile=*0512*)"
expect "shortNumber ignores spaces" 1 "(shortNumber=66 0001)"
x=$(sed -n 's/^idNumber: \([0-9]*X\)$/\1/p' "$DEMO" | head -n 1 | tr X x)
expect "idNumber matches a lower-case x check character" 1 "(idNumber=$x)"
n=$(grep -c '^idNumber: 320500' "$DEMO")
expect "idNumber substring (area code)" "$n" "(idNumber=320500*)"
n=$(sed -n 's/^idValidTo: //p' "$DEMO" | awk '$1 <= "20350101000000Z"' | wc -l)
expect "idValidTo ordering (generalizedTimeOrderingMatch)" "$n" \
	"(idValidTo<=20350101000000Z)"
expect "orgCode matches case-insensitively" 1 "(&(objectClass=unifiedIdOrg)(orgCode=FIN))"
expect "posts of an organisation by postOrg DN" 3 \
	"(&(objectClass=unifiedIdPost)(postOrg=orgCode=FIN, orgCode=SIP, ou=Orgs, dc=example,dc=gov,dc=cn))"
expect "concurrent posts (postRank>=1)" 9 "(&(objectClass=unifiedIdPost)(postRank>=1))"
expect "transfer-pending post" 1 "(&(postStatus=Transfer-Pending)(keepOrigin=FALSE))"
expect "pending applications" 2 "(accountStatus=PENDING)"
u=$(sed -n 's/^uscc: //p' "$DEMO" | head -n 1 | tr '[:upper:]' '[:lower:]')
expect "uscc matches case-insensitively" 1 "(uscc=$u)"
expect "one legal representative of two enterprises" 2 \
	"(legalRepresentative=uid=chenjianguo,$P)"
expect "authorisations of a handler" 2 "(authorizedPerson=uid=wangqiang,$P)"
expect "realNameScan holds binary data" 1 "(realNameScan=*)"
n=$(grep -c '^objectClass: unifiedIdPost' "$DEMO")
expect "posts are children of people" "$n" "(objectClass=unifiedIdPost)" "$P"

if ldapsearch -x -LLL -o ldif-wrap=no -H "$URI" -b cn=Subschema -s base \
    objectClasses attributeTypes >"$T/subschema" 2>"$T/out"; then
	n=0
	for c in posixAccount shadowAccount posixGroup; do
		grep -q "NAME '$c' .*AUXILIARY" "$T/subschema" && n=$((n + 1))
	done
	if [ $n -eq 3 ]; then ok "RFC 2307bis: posixAccount, shadowAccount, posixGroup are AUXILIARY"
	else nok "RFC 2307bis: posixAccount, shadowAccount, posixGroup are AUXILIARY"; fi
	want=$(grep -c '^attributetype' "$SCHEMA_DIR/unifiedid.schema")
	n=$(grep -c '^attributeTypes: ( 2\.25\.78097645300808997913674460929957841451\.1\.' "$T/subschema")
	echo "$n of $want UnifiedID attribute types published" >"$T/out"
	if [ "$n" -eq "$want" ]; then ok "slapd publishes all UnifiedID attribute types"
	else nok "slapd publishes all UnifiedID attribute types"; fi
else
	nok "read cn=Subschema of the demo slapd"
fi
stop_slapd
finish
