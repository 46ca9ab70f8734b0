/*
 * cmd_migrate.c - `unifiedid migrate`: a legacy platform's accounts (R14,
 * docs/migration.md) become people of this directory.
 *
 * The file (CSV with a header row, or LDIF) is read and every record
 * checked before anything is written: a CSV or LDIF syntax error stops
 * the run with its line number; a record whose data is wrong (no name, a
 * bad mobile or ID number, a password that is not a hash the server can
 * verify, an unknown organisation, ...) is reported with its line and
 * skipped, or with --strict refuses the whole run.  Then each record, in
 * order:
 *
 *   - a person who already has legacyUid OLD and the same name is the
 *     result of an earlier run: skipped, so a run can be repeated;
 *   - uid OLD when neither a uid nor a legacyUid OLD exists, else
 *     uid WP_OLD (seed 003); when WP_OLD is taken too: an error;
 *   - the person (inetOrgPerson, posixAccount, unifiedIdPerson) with
 *     legacyUid OLD and the old password hash as it is (the server
 *     replaces it by yescrypt on the first bind), then the post in the
 *     record's organisation (or --org), then for a unit account with a
 *     credit code the enterprise whose legal representative the person
 *     becomes (seed 004).  A step that fails undoes the earlier ones.
 *
 * The server decides who may do this (adding people: an organisation
 * administrator or the rootdn; enterprises' legal representatives: the
 * rootdn) and refuses with its own message.
 */
#include <ctype.h>
#include <errno.h>
#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"		/* <ldap.h> before <ldif.h> */
#include <ldif.h>
#include "csv.h"
#include "password.h"
#include "validate.h"

#define MIG_NAME_MAX	60	/* an old name; WP_ + 60 still fits 64 */

enum {
	F_ACCOUNT, F_NAME, F_SURNAME, F_GIVEN, F_MOBILE, F_MAIL, F_PHONE,
	F_GENDER, F_IDTYPE, F_IDNUMBER, F_PASSWORD, F_ORG, F_TITLE, F_TYPE,
	F_USCC, F_ENTERPRISE, F_N
};

/* CSV column, LDIF attribute (also accepted as a column), another name */
static const struct {
	const char	*col;
	const char	*attr;
	const char	*alias;
} mig_fields[F_N] = {
	[F_ACCOUNT] = { "account", "uid", "legacyUid" },
	[F_NAME] = { "name", "cn", NULL },
	[F_SURNAME] = { "surname", "sn", NULL },
	[F_GIVEN] = { "given-name", "givenName", NULL },
	[F_MOBILE] = { "mobile", "mobile", NULL },
	[F_MAIL] = { "mail", "mail", NULL },
	[F_PHONE] = { "work-phone", "telephoneNumber", NULL },
	[F_GENDER] = { "gender", "gender", NULL },
	[F_IDTYPE] = { "id-type", "idType", NULL },
	[F_IDNUMBER] = { "id-number", "idNumber", NULL },
	[F_PASSWORD] = { "password", "userPassword", NULL },
	[F_ORG] = { "org", "orgCode", NULL },
	[F_TITLE] = { "title", "title", NULL },
	[F_TYPE] = { "type", "employeeType", "accountType" },
	[F_USCC] = { "uscc", "uscc", NULL },
	[F_ENTERPRISE] = { "enterprise", "o", NULL },
};

/* the outcome of a record; the msgids are the report's words */
enum mig_result {
	R_PENDING, R_IMPORTED, R_WOULD, R_SKIPPED, R_FAILED, R_NOT_DONE
};
static const char *const mig_result_key[] = {
	"pending", "imported", "would-import", "skipped", "failed",
	"not-imported"
};
static const char *const mig_result_text[] = {
	N_("pending"), N_("imported"), N_("would import"), N_("skipped"),
	N_("failed"), N_("not imported")
};

struct mrec {
	unsigned long	 line;
	char		*v[F_N];	/* trimmed values, NULL when absent */
	struct strlist	 pw;		/* userPassword values (hashes) */
	int		 unit;		/* a unit (法人) account */
	struct org	*org;		/* the post's organisation */
	char		*account;	/* the new uid */
	enum mig_result	 result;
	char		*note;		/* why, or what else happened */
};

struct mig {
	struct mrec	*v;
	size_t		 n;
	int		 dry_run;
	int		 strict;
	struct org	*default_org;
	const char	*default_org_arg;
	struct hsearch_data names;	/* lower-case names seen in this run */
	struct strlist	 keys;		/* their storage */
	char		*enterprises;	/* ou=enterprises,<base> */
};

/* ---- records ---- */

static void
mig_note(struct mrec *r, enum mig_result res, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
mig_note(struct mrec *r, enum mig_result res, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	r->result = res;
	if (fmt == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(r->note);
	r->note = xstrdup(buf);
}

static struct mrec *
mig_new(struct mig *m, unsigned long line)
{
	struct mrec *r;

	m->v = xreallocarray(m->v, m->n + 1, sizeof(*m->v));
	r = &m->v[m->n++];
	memset(r, 0, sizeof(*r));
	r->line = line;
	return r;
}

/* value without surrounding blanks; empty means absent */
static void
mig_set(struct mrec *r, int f, const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (f == F_PASSWORD) {
		if (len > 0)
			strlist_addn(&r->pw, s, len);
		return;
	}
	if (r->v[f] != NULL || len == 0)
		return;		/* the first value of a multi-valued one */
	r->v[f] = xstrndup(s, len);
}

static void
mig_free(struct mig *m)
{
	size_t i, f;

	for (i = 0; i < m->n; i++) {
		for (f = 0; f < F_N; f++)
			free(m->v[i].v[f]);
		strlist_free(&m->v[i].pw);
		free(m->v[i].account);
		free(m->v[i].note);
	}
	free(m->v);
	hdestroy_r(&m->names);
	strlist_free(&m->keys);
	free(m->enterprises);
}

static int
mig_field(const char *name, size_t len)
{
	int f;

	for (f = 0; f < F_N; f++)
		if ((strlen(mig_fields[f].col) == len &&
		    strncasecmp(mig_fields[f].col, name, len) == 0) ||
		    (strlen(mig_fields[f].attr) == len &&
		    strncasecmp(mig_fields[f].attr, name, len) == 0) ||
		    (mig_fields[f].alias != NULL &&
		    strlen(mig_fields[f].alias) == len &&
		    strncasecmp(mig_fields[f].alias, name, len) == 0))
			return f;
	return -1;
}

/* ---- reading CSV ---- */

static int
mig_read_csv(FILE *fp, const char *path, struct mig *m)
{
	struct csv c;
	struct csv_rec rec = { 0 };
	struct mrec *r;
	int map[CSV_FIELDS_MAX], seen[F_N] = { 0 }, rc, f;
	size_t i, ncols;

	csv_init(&c, fp);
	if ((rc = csv_read(&c, &rec)) <= 0) {
		if (rc == 0)
			out_err(_("%s: empty file: the first line must name "
			    "the columns"), path);
		else
			out_err(_("%s, line %lu: %s"), path, c.err_line,
			    _(c.err));
		csv_rec_free(&rec);
		return CLI_ERR;
	}
	ncols = rec.n;
	for (i = 0; i < ncols; i++) {
		f = mig_field(rec.f[i], strlen(rec.f[i]));
		if (f < 0 || seen[f]) {
			out_err(f < 0 ? _("%s, line %lu: unknown column '%s' "
			    "(see docs/migration.md)") : _("%s, line %lu: "
			    "column '%s' given twice"), path, c.rec_line,
			    rec.f[i]);
			csv_rec_free(&rec);
			return CLI_ERR;
		}
		seen[f] = 1;
		map[i] = f;
	}
	if (!seen[F_ACCOUNT]) {
		out_err(_("%s: no 'account' column (the old account name)"),
		    path);
		csv_rec_free(&rec);
		return CLI_ERR;
	}
	while ((rc = csv_read(&c, &rec)) > 0) {
		r = mig_new(m, c.rec_line);
		if (rec.n != ncols) {
			mig_note(r, R_FAILED, _("%zu fields, but the header "
			    "names %zu columns"), rec.n, ncols);
			continue;
		}
		for (i = 0; i < ncols; i++)
			mig_set(r, map[i], rec.f[i], rec.len[i]);
	}
	csv_rec_free(&rec);
	if (rc < 0) {
		out_err(_("%s, line %lu: %s; nothing was imported"), path,
		    c.err_line, _(c.err));
		return CLI_ERR;
	}
	return CLI_OK;
}

/* ---- reading LDIF (libldap's reader, as ldapmodify) ---- */

/* values by URL (attr:< file:///...) would read other files */
static int
mig_ldif_has_url(const char *buf)
{
	const char *line, *colon;

	for (line = buf; line != NULL && *line; line = strchr(line, '\n'),
	    line = line ? line + 1 : NULL) {
		if (*line == ' ' || *line == '#')
			continue;
		colon = strchr(line, ':');
		if (colon != NULL && colon[1] == '<' &&
		    memchr(line, '\n', (size_t)(colon - line)) == NULL)
			return 1;
	}
	return 0;
}

static void
mig_ldif_record(struct mrec *r, LDIFRecord *lr)
{
	LDAPMod *mod;
	struct berval *bv;
	char *old;
	size_t i, j;
	int f;

	if (lr->lr_op != LDAP_REQ_ADD) {
		mig_note(r, R_FAILED, "%s", _("not an entry (a changetype "
		    "record)"));
		return;
	}
	for (i = 0; lr->lrop_mods != NULL && lr->lrop_mods[i] != NULL; i++) {
		mod = lr->lrop_mods[i];
		if ((f = mig_field(mod->mod_type, strlen(mod->mod_type))) < 0)
			continue;	/* objectClass, uidNumber, ... */
		for (j = 0; mod->mod_bvalues != NULL &&
		    mod->mod_bvalues[j] != NULL; j++) {
			bv = mod->mod_bvalues[j];
			if (memchr(bv->bv_val, '\0', bv->bv_len) != NULL ||
			    !csv_utf8_ok((unsigned char *)bv->bv_val,
			    bv->bv_len)) {
				mig_note(r, R_FAILED, _("%s: not UTF-8 text"),
				    mod->mod_type);
				return;
			}
			mig_set(r, f, bv->bv_val, bv->bv_len);
		}
	}
	/* no uid attribute: the RDN's value when it is uid= */
	if (r->v[F_ACCOUNT] == NULL && lr->lr_dn.bv_val != NULL &&
	    (old = dir_rdn_value(lr->lr_dn.bv_val, "uid")) != NULL) {
		mig_set(r, F_ACCOUNT, old, strlen(old));
		free(old);
	}
}

static int
mig_read_ldif(FILE *fp, const char *path, struct mig *m)
{
	LDIFFP lfp = { fp, NULL };
	LDIFRecord lr;
	struct berval rb;
	struct mrec *r;
	unsigned long lineno = 0, first;
	char *buf = NULL, *p;
	int buflen = 0, rc, nl;

	while ((rc = ldif_read_record(&lfp, &lineno, &buf, &buflen)) > 0) {
		/* the line of "dn:": the buffer holds the record's lines
		 * (comments included) and lineno is its last line, or the
		 * blank line after it */
		for (nl = 0, p = buf; *p; p++)
			nl += *p == '\n';
		first = lineno - (unsigned long)nl + (feof(fp) ? 1 : 0);
		for (p = buf; *p == '#' || (*p == ' ' && p != buf);
		    p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
			first++;	/* comments before it, and their folds */
		if (lfp.prev != NULL) {
			out_err(_("%s, line %lu: include: is not accepted; "
			    "nothing was imported"), path, first);
			rc = -1;
			break;
		}
		if (mig_ldif_has_url(buf)) {
			out_err(_("%s, line %lu: values read from a URL (:<) "
			    "are not accepted; nothing was imported"), path,
			    first);
			rc = -1;
			break;
		}
		memset(&lr, 0, sizeof(lr));
		rb.bv_val = buf;
		rb.bv_len = strlen(buf);
		if (ldap_parse_ldif_record(&rb, lineno, &lr, "unifiedid",
		    LDIF_DEFAULT_ADD | LDIF_NO_CONTROLS) != 0) {
			out_err(_("%s, line %lu: not a valid LDIF record; "
			    "nothing was imported"), path, first);
			ldap_ldif_record_done(&lr);
			rc = -1;
			break;
		}
		if (lr.lr_op != 0 || lr.lr_dn.bv_val != NULL) {
			/* (a "version: 1" line alone is no record) */
			r = mig_new(m, first);
			mig_ldif_record(r, &lr);
		}
		ldap_ldif_record_done(&lr);
	}
	while (lfp.prev != NULL) {	/* an include was opened */
		LDIFFP *up = lfp.prev;

		fclose(lfp.fp);
		lfp = *up;
		ber_memfree(up);
	}
	ber_memfree(buf);
	if (rc < 0)
		return CLI_ERR;
	if (ferror(fp)) {
		out_err(_("%s: read error"), path);
		return CLI_ERR;
	}
	return CLI_OK;
}

/* ---- checks of one record, before anything is written ---- */

/* old account names: letters, digits, . _ - @, not all digits (an
 * 11-digit name would read as a mobile number at login) */
static int
mig_name_ok(const char *s)
{
	size_t i, n = strlen(s);
	int digits = 1;

	if (n == 0 || n > MIG_NAME_MAX || !isalnum((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && strchr("._-@", s[i]) ==
		    NULL)
			return 0;
		if (!isdigit((unsigned char)s[i]))
			digits = 0;
	}
	return !digits;
}

static int
mig_has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* what the record says the account is: person (个人) or unit (单位) */
static int
mig_type(const char *t, int *unit)
{
	static const char *const person[] = { "person", "personal",
	    "natural", "个人", "自然人" };
	static const char *const unitw[] = { "unit", "legal", "company",
	    "单位", "法人" };
	size_t i;

	*unit = 0;
	if (t == NULL)
		return 0;
	for (i = 0; i < NELEM(person); i++)
		if (strcasecmp(t, person[i]) == 0)
			return 0;
	for (i = 0; i < NELEM(unitw); i++)
		if (strcasecmp(t, unitw[i]) == 0) {
			*unit = 1;
			return 0;
		}
	return -1;
}

/* the full name from surname and given name (张 + 伟, or "Given Sur") */
static char *
mig_full_name(const char *sn, const char *given)
{
	struct buf b = { 0 };
	const char *p;
	int ascii = 1;

	for (p = sn; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	for (p = given; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	if (ascii)
		buf_printf(&b, "%s %s", given, sn);
	else
		buf_printf(&b, "%s%s", sn, given);
	return buf_cstr(&b);
}

static const char *
mig_check_fields(struct mrec *r)
{
	static char why[256];
	const char *e;
	char mobile[12], *s;
	size_t i;
	int f;

	for (f = 0; f < F_N; f++)
		if (r->v[f] != NULL && mig_has_ctl(r->v[f])) {
			snprintf(why, sizeof(why), _("%s: control character "
			    "in the value"), mig_fields[f].col);
			return why;
		}
	if (r->v[F_NAME] == NULL && r->v[F_SURNAME] == NULL)
		return _("missing name (name or surname)");
	if (r->v[F_MOBILE] != NULL) {
		if ((e = validate_mobile(r->v[F_MOBILE],
		    strlen(r->v[F_MOBILE]))) != NULL) {
			snprintf(why, sizeof(why), _("mobile: %s"), e);
			return why;
		}
		normalize_mobile(r->v[F_MOBILE], strlen(r->v[F_MOBILE]),
		    mobile);
		free(r->v[F_MOBILE]);
		r->v[F_MOBILE] = xstrdup(mobile);
	}
	if (r->v[F_MAIL] != NULL && (e = validate_email(r->v[F_MAIL],
	    strlen(r->v[F_MAIL]))) != NULL) {
		snprintf(why, sizeof(why), _("mail: %s"), e);
		return why;
	}
	if (r->v[F_GENDER] != NULL) {
		s = r->v[F_GENDER];
		if (strcmp(s, "男") == 0 || strcmp(s, "女") == 0) {
			r->v[F_GENDER] = xstrdup(strcmp(s, "男") == 0 ?
			    "male" : "female");
			free(s);
		} else if ((e = validate_gender(s, strlen(s))) != NULL) {
			snprintf(why, sizeof(why), _("gender: %s"), e);
			return why;
		} else
			for (; *s; s++)
				*s = (char)tolower((unsigned char)*s);
	}
	if (r->v[F_IDTYPE] != NULL && r->v[F_IDNUMBER] == NULL)
		return _("id-type without id-number");
	if (r->v[F_IDNUMBER] != NULL && (e = validate_id(r->v[F_IDTYPE],
	    r->v[F_IDNUMBER], strlen(r->v[F_IDNUMBER]))) != NULL) {
		snprintf(why, sizeof(why), _("id-number: %s"), e);
		return why;
	}
	for (i = 0; i < r->pw.n; i++)
		if (!pw_is_hashed(r->pw.v[i], strlen(r->pw.v[i])))
			/* never show the value: it may be a cleartext */
			return _("password: not a hash the server can verify "
			    "({CRYPT}, {SSHA}, {SSHA512} or {PBKDF2-SHA512}); "
			    "cleartext and other schemes such as {MD5} are "
			    "not imported");
	if (mig_type(r->v[F_TYPE], &r->unit) != 0) {
		snprintf(why, sizeof(why), _("type: '%s' is neither person "
		    "(个人) nor unit (单位)"), r->v[F_TYPE]);
		return why;
	}
	if (r->v[F_USCC] != NULL) {
		if (!r->unit)
			return _("uscc is only for unit accounts (type unit)");
		if ((e = validate_uscc(r->v[F_USCC],
		    strlen(r->v[F_USCC]))) != NULL) {
			snprintf(why, sizeof(why), _("uscc: %s"), e);
			return why;
		}
	}
	return NULL;
}

/* a name remembered for this run under a kind ("old", "new"); returns
 * the line it was first seen on, or 0 (and remembers line) */
static unsigned long
mig_seen(struct mig *m, const char *kind, const char *name,
    unsigned long line)
{
	ENTRY item, *found = NULL;
	struct buf b = { 0 };
	char *p;

	buf_printf(&b, "%s:%s", kind, name);
	for (p = buf_cstr(&b); *p; p++)
		*p = (char)tolower((unsigned char)*p);
	item.key = (char *)b.p;
	item.data = NULL;
	if (hsearch_r(item, FIND, &found, &m->names) != 0 && found != NULL) {
		buf_free(&b);
		return (unsigned long)(uintptr_t)found->data;
	}
	if (line == 0) {
		buf_free(&b);
		return 0;
	}
	strlist_add(&m->keys, (char *)b.p);
	buf_free(&b);
	item.key = m->keys.v[m->keys.n - 1];
	item.data = (void *)(uintptr_t)line;
	if (hsearch_r(item, ENTER, &found, &m->names) == 0) {
		out_err("hsearch: %s", strerror(errno));
		exit(CLI_ERR);
	}
	return 0;
}

static void
mig_check(struct mig *m, struct mrec *r)
{
	const char *why;
	char *code;
	unsigned long first;

	if (r->result != R_PENDING)
		return;		/* already failed while reading */
	if (r->v[F_ACCOUNT] == NULL) {
		mig_note(r, R_FAILED, "%s", _("missing account (the old "
		    "account name)"));
		return;
	}
	if (!mig_name_ok(r->v[F_ACCOUNT])) {
		mig_note(r, R_FAILED, _("'%s' cannot be an account name "
		    "(letters, digits, '.', '_', '-', '@', at most %d, not "
		    "only digits)"), r->v[F_ACCOUNT], MIG_NAME_MAX);
		return;
	}
	if ((first = mig_seen(m, "old", r->v[F_ACCOUNT], r->line)) != 0) {
		mig_note(r, R_FAILED, _("account %s appears again (first on "
		    "line %lu)"), r->v[F_ACCOUNT], first);
		return;
	}
	if ((why = mig_check_fields(r)) != NULL) {
		mig_note(r, R_FAILED, "%s", why);
		return;
	}
	if (r->v[F_NAME] == NULL)
		r->v[F_NAME] = r->v[F_GIVEN] ? mig_full_name(r->v[F_SURNAME],
		    r->v[F_GIVEN]) : xstrdup(r->v[F_SURNAME]);
	if (r->v[F_SURNAME] == NULL)
		r->v[F_SURNAME] = xstrdup(r->v[F_NAME]);
	code = r->v[F_ORG];
	if (code != NULL && (r->org = dir_org_by_code(code)) == NULL)
		mig_note(r, R_FAILED, _("no such organisation: %s"), code);
	else if (code == NULL)
		r->org = m->default_org;
}

/* ---- writing ---- */

/* the server's refusal as one line (result and diagnostic) */
static char *
mig_ldap_text(int rc)
{
	char *diag = NULL, buf[1024];

	ldap_get_option(cli.ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	if (diag != NULL && *diag != '\0')
		snprintf(buf, sizeof(buf), "%s (%d): %s", ldap_err2string(rc),
		    rc, diag);
	else
		snprintf(buf, sizeof(buf), "%s (%d)", ldap_err2string(rc), rc);
	ldap_memfree(diag);
	ldap_set_option(cli.ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, NULL);
	return xstrdup(buf);
}

/* results after which no later record can do better */
static int
mig_fatal(int rc)
{
	return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR ||
	    rc == LDAP_UNAVAILABLE || rc == LDAP_INSUFFICIENT_ACCESS ||
	    rc == LDAP_TIMEOUT || rc == LDAP_STRONG_AUTH_REQUIRED ||
	    rc == LDAP_CONFIDENTIALITY_REQUIRED;
}

static int
mig_has_value(const struct dentry *e, const char *attr, const char *v)
{
	const struct dattr *a = dentry_attr(e, attr);
	size_t i;

	for (i = 0; a != NULL && i < a->n; i++)
		if (strcasecmp(a->vals[i].bv_val, v) == 0)
			return 1;
	return 0;
}

/*
 * Who holds OLD or WP_OLD already.  Returns an LDAP code; *done: the
 * record was migrated before (its account in r->account); *old_taken,
 * *wp_taken: those names are someone's uid or legacyUid.
 */
static int
mig_lookup(struct mig *m, struct mrec *r, const char *wp, int *done,
    int *old_taken, int *wp_taken, char **bound_to)
{
	static char *attrs[] = { "uid", "legacyUid", "cn", NULL };
	struct dlist l = { 0 };
	struct buf f = { 0 };
	char *eo = dir_filter_escape(r->v[F_ACCOUNT]), *ew =
	    dir_filter_escape(wp);
	const struct dentry *e;
	size_t i;
	int rc;

	*done = *old_taken = *wp_taken = 0;
	*bound_to = NULL;
	buf_printf(&f, "(&(objectClass=unifiedIdPerson)(|(uid=%s)(uid=%s)"
	    "(legacyUid=%s)(legacyUid=%s)))", eo, ew, eo, ew);
	free(eo);
	free(ew);
	rc = dir_search(cli.people, LDAP_SCOPE_SUBTREE, buf_cstr(&f), attrs,
	    &l);
	buf_free(&f);
	if (rc == LDAP_NO_SUCH_OBJECT)
		rc = LDAP_SUCCESS;	/* no ou=people yet: the add says so */
	for (i = 0; rc == LDAP_SUCCESS && i < l.n; i++) {
		e = &l.v[i];
		if (mig_has_value(e, "legacyUid", r->v[F_ACCOUNT]) &&
		    mig_has_value(e, "cn", r->v[F_NAME]) && !*done) {
			*done = 1;
			free(r->account);
			r->account = dentry_get(e, "uid") ?
			    xstrdup(dentry_get(e, "uid")) : dir_account(e->dn);
		}
		if (mig_has_value(e, "uid", r->v[F_ACCOUNT]) ||
		    mig_has_value(e, "legacyUid", r->v[F_ACCOUNT]))
			*old_taken = 1;
		if (mig_has_value(e, "legacyUid", r->v[F_ACCOUNT]) &&
		    *bound_to == NULL)
			*bound_to = dentry_get(e, "uid") ?
			    xstrdup(dentry_get(e, "uid")) : dir_account(e->dn);
		if (mig_has_value(e, "uid", wp) ||
		    mig_has_value(e, "legacyUid", wp))
			*wp_taken = 1;
	}
	dlist_free(&l);
	/* names given to earlier records of this run (--dry-run writes
	 * nothing the search could see) */
	if (mig_seen(m, "new", r->v[F_ACCOUNT], 0) != 0)
		*old_taken = 1;
	if (mig_seen(m, "new", wp, 0) != 0)
		*wp_taken = 1;
	return rc;
}

static int
mig_add_person(struct mrec *r, const char *dn)
{
	static const struct {
		int	 f;
		const char *attr;
	} plain[] = {
		{ F_NAME, "cn" }, { F_SURNAME, "sn" }, { F_GIVEN, "givenName" },
		{ F_MOBILE, "mobile" }, { F_MAIL, "mail" },
		{ F_PHONE, "telephoneNumber" }, { F_GENDER, "gender" },
		{ F_IDTYPE, "idType" }, { F_IDNUMBER, "idNumber" },
	};
	struct mods mo = { 0 };
	size_t i;
	int rc;

	mods_add(&mo, LDAP_MOD_ADD, "objectClass", "inetOrgPerson");
	mods_add(&mo, LDAP_MOD_ADD, "objectClass", "posixAccount");
	mods_add(&mo, LDAP_MOD_ADD, "objectClass", "unifiedIdPerson");
	mods_add(&mo, LDAP_MOD_ADD, "uid", r->account);
	mods_add(&mo, LDAP_MOD_ADD, "legacyUid", r->v[F_ACCOUNT]);
	for (i = 0; i < NELEM(plain); i++)
		if (r->v[plain[i].f] != NULL)
			mods_add(&mo, LDAP_MOD_ADD, plain[i].attr,
			    r->v[plain[i].f]);
	/* without a post the title is the person's, as in user add */
	if (r->org == NULL && r->v[F_TITLE] != NULL)
		mods_add(&mo, LDAP_MOD_ADD, "title", r->v[F_TITLE]);
	if (r->pw.n > 0)
		mods_addv(&mo, LDAP_MOD_ADD, "userPassword", &r->pw);
	rc = ldap_add_ext_s(cli.ld, dn, mo.v, NULL, NULL);
	mods_free(&mo);
	return rc;
}

static int
mig_add_post(struct mrec *r, const char *pdn, char **dnout)
{
	struct mods mo = { 0 };
	struct buf b = { 0 };
	char *esc = dir_dn_escape(r->org->code);
	int rc;

	buf_printf(&b, "orgCode=%s,%s", esc, pdn);
	free(esc);
	*dnout = xstrdup(buf_cstr(&b));
	buf_free(&b);
	mods_add(&mo, LDAP_MOD_ADD, "objectClass", "unifiedIdPost");
	mods_add(&mo, LDAP_MOD_ADD, "orgCode", r->org->code);
	mods_add(&mo, LDAP_MOD_ADD, "postOrg", r->org->dn);
	mods_add(&mo, LDAP_MOD_ADD, "postRank", "0");
	mods_add(&mo, LDAP_MOD_ADD, "postStatus", "active");
	if (r->v[F_TITLE] != NULL)
		mods_add(&mo, LDAP_MOD_ADD, "title", r->v[F_TITLE]);
	rc = ldap_add_ext_s(cli.ld, *dnout, mo.v, NULL, NULL);
	mods_free(&mo);
	return rc;
}

/*
 * A unit account's enterprise (seed 004: 原单位用户对应法定代表人): the
 * person becomes the legal representative of uscc=<code>, which is
 * created (o = the enterprise column) when it does not exist.  Returns an
 * LDAP code; *why a refusal of ours (allocated) with LDAP_OTHER.
 */
static int
mig_enterprise(struct mig *m, struct mrec *r, const char *pdn, char **why)
{
	static char *attrs[] = { "legalRepresentative", NULL };
	struct dentry e;
	struct mods mo = { 0 };
	struct buf b = { 0 };
	const char *rep;
	char *dn;
	int rc;

	buf_printf(&b, "uscc=%s,%s", r->v[F_USCC], m->enterprises);
	dn = xstrdup(buf_cstr(&b));
	buf_free(&b);
	rc = dir_read(dn, attrs, &e);
	if (rc == LDAP_SUCCESS) {
		rep = dentry_get(&e, "legalRepresentative");
		if (rep != NULL && !dir_dn_equal(rep, pdn)) {
			buf_printf(&b, _("enterprise %s already has a legal "
			    "representative (%s)"), r->v[F_USCC], rep);
			*why = xstrdup(buf_cstr(&b));
			buf_free(&b);
			rc = LDAP_OTHER;
		} else if (rep == NULL) {
			mods_add(&mo, LDAP_MOD_REPLACE, "legalRepresentative",
			    pdn);
			rc = ldap_modify_ext_s(cli.ld, dn, mo.v, NULL, NULL);
		}
		dentry_free(&e);
	} else if (rc == LDAP_NO_SUCH_OBJECT && r->v[F_ENTERPRISE] == NULL) {
		buf_printf(&b, _("no enterprise with credit code %s (give its "
		    "name in the enterprise column to create it)"),
		    r->v[F_USCC]);
		*why = xstrdup(buf_cstr(&b));
		buf_free(&b);
		rc = LDAP_OTHER;
	} else if (rc == LDAP_NO_SUCH_OBJECT) {
		mods_add(&mo, LDAP_MOD_ADD, "objectClass", "organization");
		mods_add(&mo, LDAP_MOD_ADD, "objectClass",
		    "unifiedIdEnterprise");
		mods_add(&mo, LDAP_MOD_ADD, "o", r->v[F_ENTERPRISE]);
		mods_add(&mo, LDAP_MOD_ADD, "uscc", r->v[F_USCC]);
		mods_add(&mo, LDAP_MOD_ADD, "legalRepresentative", pdn);
		rc = ldap_add_ext_s(cli.ld, dn, mo.v, NULL, NULL);
	}
	mods_free(&mo);
	free(dn);
	return rc;
}

/* undo a partly migrated record: the post, then the person */
static void
mig_undo(struct mrec *r, const char *pdn, const char *postdn)
{
	int rc;

	if (postdn != NULL && (rc = ldap_delete_ext_s(cli.ld, postdn, NULL,
	    NULL)) != LDAP_SUCCESS)
		out_warn(_("line %lu: %s could not be removed again: %s"),
		    r->line, postdn, ldap_err2string(rc));
	if ((rc = ldap_delete_ext_s(cli.ld, pdn, NULL, NULL)) != LDAP_SUCCESS)
		out_warn(_("line %lu: %s could not be removed again: %s"),
		    r->line, pdn, ldap_err2string(rc));
}

/* one checked record; returns 0, or the LDAP code that ends the run */
static int
mig_apply(struct mig *m, struct mrec *r)
{
	struct buf b = { 0 };
	char *wp, *pdn = NULL, *postdn = NULL, *why = NULL, *text;
	char *bound_to = NULL;
	int rc, done, old_taken, wp_taken, step = 0;

	buf_printf(&b, "WP_%s", r->v[F_ACCOUNT]);
	wp = xstrdup(buf_cstr(&b));
	buf_free(&b);
	if ((rc = mig_lookup(m, r, wp, &done, &old_taken, &wp_taken,
	    &bound_to)) != LDAP_SUCCESS) {
		text = mig_ldap_text(rc);
		mig_note(r, R_FAILED, "%s", text);
		free(text);
		goto out;
	}
	if (done) {
		mig_note(r, R_SKIPPED, _("already migrated (account %s)"),
		    r->account);
		rc = 0;
		goto out;
	}
	/* an old name binds one person only (the server enforces it): a
	 * second legacy account of that name is for an administrator to
	 * sort out, not for a WP_ account that could never use it */
	if (bound_to != NULL) {
		mig_note(r, R_FAILED, _("old name %s is already bound to "
		    "account %s"), r->v[F_ACCOUNT], bound_to);
		rc = 0;
		goto out;
	}
	if (old_taken && wp_taken) {
		mig_note(r, R_FAILED, _("both %s and %s are taken"),
		    r->v[F_ACCOUNT], wp);
		rc = 0;
		goto out;
	}
	r->account = xstrdup(old_taken ? wp : r->v[F_ACCOUNT]);
	for (;;) {
		free(pdn);
		pdn = dir_person_dn(r->account);
		if (m->dry_run) {
			rc = LDAP_SUCCESS;
			break;
		}
		rc = mig_add_person(r, pdn);
		/* a uid the lookup could not see (access control) */
		if (rc != LDAP_ALREADY_EXISTS || old_taken || wp_taken)
			break;
		old_taken = 1;
		free(r->account);
		r->account = xstrdup(wp);
	}
	if (rc == LDAP_SUCCESS && !m->dry_run && r->org != NULL) {
		step = 1;
		rc = mig_add_post(r, pdn, &postdn);
	}
	if (rc == LDAP_SUCCESS && !m->dry_run && r->unit &&
	    r->v[F_USCC] != NULL) {
		step = 2;
		rc = mig_enterprise(m, r, pdn, &why);
	}
	if (rc != LDAP_SUCCESS) {
		text = why != NULL ? why : mig_ldap_text(rc);
		why = NULL;
		mig_note(r, R_FAILED, "%s", text);
		free(text);
		if (step > 0)
			mig_undo(r, pdn, step > 1 ? postdn : NULL);
		rc = mig_fatal(rc) ? rc : 0;
		goto out;
	}
	mig_seen(m, "new", r->account, r->line);
	mig_seen(m, "new", r->v[F_ACCOUNT], r->line);
	mig_note(r, m->dry_run ? R_WOULD : R_IMPORTED, NULL);
	buf_printf(&b, "%s", old_taken ? _("old name taken: WP_ account") :
	    "");
	if (r->unit && r->v[F_USCC] != NULL)
		buf_printf(&b, "%s" "%s %s", b.len ? "; " : "",
		    _("legal representative of"), r->v[F_USCC]);
	else if (r->unit)
		buf_printf(&b, "%s" "%s", b.len ? "; " : "", _("unit account "
		    "without uscc: a natural person only"));
	if (r->pw.n == 0)
		buf_printf(&b, "%s" "%s", b.len ? "; " : "", _("no password: "
		    "set one (unifiedid passwd) or use forgot password"));
	if (b.len > 0) {
		free(r->note);
		r->note = xstrdup(buf_cstr(&b));
	}
	buf_free(&b);
	rc = 0;
out:
	free(wp);
	free(pdn);
	free(postdn);
	free(bound_to);
	return rc;
}

/* ---- the report ---- */

static void
mig_report(const struct mig *m)
{
	static const char *const keys[] = { "line", "legacyUid", "account",
	    "result", "message" };
	const char *heads[] = { _("Line"), _("Old account"), _("Account"),
	    _("Result"), _("Note") };
	struct table *t = table_new(NELEM(keys), keys, heads);
	size_t i, count[NELEM(mig_result_key)] = { 0 };
	char line[32];
	const struct mrec *r;

	for (i = 0; i < m->n; i++) {
		r = &m->v[i];
		count[r->result]++;
		table_row(t);
		snprintf(line, sizeof(line), "%lu", r->line);
		table_cell(t, line);
		table_cell(t, r->v[F_ACCOUNT]);
		table_cell(t, r->account);
		table_cell(t, cli.json ? mig_result_key[r->result] :
		    _(mig_result_text[r->result]));
		table_cell(t, r->note);
	}
	if (cli.json) {
		json_obj();
		json_key("dryRun");
		json_bool(m->dry_run);
		json_key("records");
		table_json(t);
		for (i = R_IMPORTED; i < NELEM(mig_result_key); i++) {
			json_key(mig_result_key[i]);
			json_int((long long)count[i]);
		}
		json_end_obj();
		json_done();
	} else {
		if (m->n > 0)
			table_print(t);
		printf(_("%zu records: %zu imported, %zu would be imported, "
		    "%zu skipped, %zu failed, %zu not imported.\n"), m->n,
		    count[R_IMPORTED], count[R_WOULD], count[R_SKIPPED],
		    count[R_FAILED], count[R_NOT_DONE]);
	}
	table_free(t);
}

/* ---- the command ---- */

static int
mig_format(struct args *a, const char *path, int *ldif)
{
	const char *dot = strrchr(path, '.');

	if (args_get(a, "csv") != NULL && args_get(a, "ldif") != NULL)
		return out_usage(_("give only one of --csv and --ldif"));
	if (args_get(a, "csv") != NULL || args_get(a, "ldif") != NULL) {
		*ldif = args_get(a, "ldif") != NULL;
		return CLI_OK;
	}
	if (dot != NULL && strcasecmp(dot, ".csv") == 0)
		*ldif = 0;
	else if (dot != NULL && strcasecmp(dot, ".ldif") == 0)
		*ldif = 1;
	else
		return out_usage(_("cannot tell the format of %s: give --csv "
		    "or --ldif"), path);
	return CLI_OK;
}

int
cmd_migrate(struct args *a)
{
	const char *path = args_pos(a, 0);
	struct mig m;
	FILE *fp;
	size_t i, failed = 0;
	int ldif = 0, rc, stop = 0;

	memset(&m, 0, sizeof(m));
	if ((rc = mig_format(a, path, &ldif)) != CLI_OK)
		return rc;
	m.dry_run = args_get(a, "dry-run") != NULL;
	m.strict = args_get(a, "strict") != NULL;
	if ((m.default_org_arg = args_get(a, "org")) != NULL &&
	    (rc = dir_org_find(m.default_org_arg, &m.default_org)) != CLI_OK)
		return rc;
	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "r")) == NULL) {
		out_err("%s: %s", path, strerror(errno));
		return CLI_ERR;
	}
	rc = ldif ? mig_read_ldif(fp, path, &m) : mig_read_csv(fp, path, &m);
	if (fp != stdin)
		fclose(fp);
	if (rc != CLI_OK)
		goto done;
	if (hcreate_r(m.n * 4 + 64, &m.names) == 0) {
		out_err("hcreate: %s", strerror(errno));
		rc = CLI_ERR;
		goto done;
	}
	/* organisations by code, unless the records name none */
	for (i = 0; i < m.n && rc == CLI_OK; i++)
		if (m.v[i].v[F_ORG] != NULL)
			rc = dir_orgs_load(0);
	if (rc != CLI_OK)
		goto done;
	m.enterprises = xmalloc(strlen(cli.base) + 32);
	sprintf(m.enterprises, "ou=enterprises,%s", cli.base);
	for (i = 0; i < m.n; i++) {
		mig_check(&m, &m.v[i]);
		failed += m.v[i].result == R_FAILED;
	}
	for (i = 0; i < m.n; i++) {
		if (m.v[i].result != R_PENDING)
			continue;
		if (stop || (m.strict && failed > 0)) {
			mig_note(&m.v[i], R_NOT_DONE, "%s", stop ?
			    _("not attempted after the error above") :
			    _("--strict: the file has bad records"));
			continue;
		}
		if (mig_apply(&m, &m.v[i]) != 0)
			stop = 1;
		failed += m.v[i].result == R_FAILED;
	}
	mig_report(&m);
	if (m.strict && failed > 0 && !cli.json)
		out_err(_("--strict: nothing was imported because of the "
		    "failed records"));
	rc = failed > 0 || stop ? CLI_ERR : CLI_OK;
done:
	mig_free(&m);
	return rc;
}
