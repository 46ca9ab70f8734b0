/*
 * config.c - read and validate dirsrv.yaml (see config.h).
 *
 * The file is loaded into a libyaml document and walked against key
 * tables, so every key is known with its type and range and anything
 * else is refused with the line it is on.  Values are written straight
 * into the struct config; on any error config_free() releases whatever
 * was already stored, which keeps every error path a single "return -1".
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <yaml.h>

#include "config.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* A configuration file is a few kilobytes; refuse to slurp a disk image. */
#define CONFIG_FILE_MAX		(4 * 1024 * 1024)
/* Longest value quoted back in an error message. */
#define CONFIG_QUOTE_MAX	40
/* Largest key table (the top level), for the per-map "seen" lines. */
#define CONFIG_KEYS_MAX		48

#define KIB	((unsigned long long)1 << 10)
#define MIB	((unsigned long long)1 << 20)
#define GIB	((unsigned long long)1 << 30)
#define TIB	((unsigned long long)1 << 40)
#define PIB	((unsigned long long)1 << 50)
/* uid_t and gid_t are 32 bits and (uid_t)-1 means "no change". */
#define ID_MAX	4294967294LL

enum config_type {
	CT_STR,		/* non-empty string */
	CT_URLS,	/* non-empty list of LDAP URLs */
	CT_ATTRS,	/* list of attribute type names */
	CT_STRS,	/* list of non-empty strings */
	CT_BOOL,	/* int, true/false/yes/no */
	CT_INT,		/* int in [min, max] */
	CT_LONG,	/* long in [min, max] */
	CT_SIZE,	/* size_t in [min, max], with K/M/G/T suffixes */
	CT_MAP,		/* nested mapping described by sub */
	CT_DATE,	/* YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC) -> long long */
};

struct config_key {
	const char		*name;
	enum config_type	 type;
	size_t			 off;	/* offset in struct config */
	long long		 min, max;
	const struct config_key	*sub;
	size_t			 nsub;
};

struct config_ctx {
	const char	*file;
	yaml_document_t	*doc;
	struct config	*cfg;
	char		*err;
	size_t		 errlen;
};

#define K_STR(n, f)		{ n, CT_STR, offsetof(struct config, f), 0, 0, NULL, 0 }
#define K_LIST(n, t, f)		{ n, t, offsetof(struct config, f), 0, 0, NULL, 0 }
#define K_BOOL(n, f)		{ n, CT_BOOL, offsetof(struct config, f), 0, 1, NULL, 0 }
#define K_NUM(n, t, f, lo, hi)	{ n, t, offsetof(struct config, f), lo, hi, NULL, 0 }
#define K_MAP(n, s)		{ n, CT_MAP, 0, 0, 0, s, nitems(s) }

static const struct config_key config_tls_keys[] = {
	K_STR("certificate", tls.certificate),
	K_STR("key", tls.key),
	K_STR("ca", tls.ca),
};

static const struct config_key config_pw_keys[] = {
	/* libxcrypt cannot hash passphrases over 511 bytes. */
	K_NUM("min_length", CT_INT, pw.min_length, 0, 511),
	K_NUM("min_classes", CT_INT, pw.min_classes, 0, 4),
	K_BOOL("reject_account_name", pw.reject_account_name),
	K_NUM("history", CT_INT, pw.history, 0, 100),
	K_NUM("max_failures", CT_INT, pw.max_failures, 0, 10000),
	/* Always a timed lock; ten years is "forever" in practice. */
	K_NUM("lockout_seconds", CT_INT, pw.lockout_seconds, 1, 315360000),
	K_NUM("max_age_days", CT_INT, pw.max_age_days, 0, 36500),
};

static const struct config_key config_notify_keys[] = {
	K_STR("command", notify.command),
	K_STR("outbox", notify.outbox),
};

static const struct config_key config_realname_keys[] = {
	K_STR("verifier", realname.verifier),
	K_NUM("timeout", CT_INT, realname.timeout, 1, 3600),
};

static const struct config_key config_keys[] = {
	K_STR("suffix", suffix),
	K_STR("data_dir", data_dir),
	K_LIST("listen", CT_URLS, listen),
	K_STR("rootdn", rootdn),
	K_STR("rootpw", rootpw),
	K_STR("schema_dir", schema_dir),
	K_MAP("tls", config_tls_keys),
	K_MAP("password_policy", config_pw_keys),
	K_MAP("notify", config_notify_keys),
	K_MAP("realname", config_realname_keys),
	K_NUM("legacy_login_until", CT_DATE, legacy_login_until, 0, 0),
	K_LIST("index", CT_ATTRS, index),
	K_LIST("substr_index", CT_ATTRS, substr_index),
	K_LIST("multival", CT_ATTRS, multival),
	K_LIST("acl", CT_STRS, acl),
	K_NUM("map_size", CT_SIZE, map_size, 1 * MIB, PIB),
	K_NUM("max_pdu", CT_SIZE, max_pdu, 1 * KIB, 1 * GIB),
	K_NUM("idle_timeout", CT_INT, idle_timeout, 0, INT_MAX),
	K_NUM("max_connections", CT_INT, max_connections, 1, 1048576),
	K_NUM("max_pending_ops", CT_INT, max_pending_ops, 1, 65536),
	K_NUM("threads", CT_INT, threads, 0, 1024),
	K_NUM("size_limit", CT_INT, size_limit, 0, INT_MAX),
	K_NUM("time_limit", CT_INT, time_limit, 0, INT_MAX),
	K_STR("user", user),
	K_BOOL("require_secure_bind", require_secure_bind),
	K_BOOL("rehash_on_bind", rehash_on_bind),
	K_NUM("anon_rate", CT_INT, anon_rate, 0, 100000),
	K_STR("audit_log", audit_log),
	K_NUM("bind_rate", CT_INT, bind_rate, 0, 1000000),
	K_STR("default_shell", default_shell),
	K_NUM("default_gid", CT_LONG, default_gid, 0, ID_MAX),
	/* Never hand out uid or gid 0 from the directory. */
	K_NUM("uid_min", CT_LONG, uid_min, 1, ID_MAX),
	K_NUM("uid_max", CT_LONG, uid_max, 1, ID_MAX),
	K_NUM("gid_min", CT_LONG, gid_min, 1, ID_MAX),
	K_NUM("gid_max", CT_LONG, gid_max, 1, ID_MAX),
};

static const char *const config_default_index[] = {
	"objectClass", "uid", "uidNumber", "gidNumber", "memberUid", "member",
	"mail", "mobile", "cn", "sn", "orgCode", "uscc", "idNumber",
	"legacyUid", "entryUUID", "orgAdmin", "memberOf", "backupMail", NULL
};
static const char *const config_default_substr[] = {
	"cn", "sn", "mail", "mobile", "uid", "givenName", "ou", "o", NULL
};
static const char *const config_default_multival[] = {
	"member", "memberUid", "uniqueMember", NULL
};

static int config_map(struct config_ctx *, yaml_node_t *,
		    const struct config_key *, size_t, const char *, int *);

static int __attribute__((format(printf, 4, 5)))
config_error(struct config_ctx *c, size_t line, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (c->errlen == 0)
		return -1;
	if (key != NULL)
		n = snprintf(c->err, c->errlen, "%s:%zu: %s: ", c->file, line,
		    key);
	else
		n = snprintf(c->err, c->errlen, "%s:%zu: ", c->file, line);
	if (n < 0 || (size_t)n >= c->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static size_t
config_line(const yaml_node_t *n)
{
	return n->start_mark.line + 1;
}

/* Values are echoed in errors: keep them short and on one line. */
static const char *
config_quote(const yaml_node_t *n, char *buf, size_t bufsz)
{
	const unsigned char	*s = n->data.scalar.value;
	size_t			 i, len = n->data.scalar.length;

	if (len > CONFIG_QUOTE_MAX)
		len = CONFIG_QUOTE_MAX;
	if (len > bufsz - 4)
		len = bufsz - 4;
	for (i = 0; i < len; i++)
		buf[i] = (s[i] < 0x20 || s[i] == 0x7f) ? '?' : (char)s[i];
	if (len < n->data.scalar.length)
		memcpy(buf + i, "...", 4);
	else
		buf[i] = '\0';
	return buf;
}

static const char *
config_scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A key with nothing after it ("tls:") leaves the default in place. */
static int
config_is_null(const yaml_node_t *n)
{
	const char	*s;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = config_scalar(n);
	return strcmp(s, "") == 0 || strcmp(s, "~") == 0 ||
	    strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
	    strcmp(s, "NULL") == 0;
}

static const char *
config_typename(enum config_type t)
{
	switch (t) {
	case CT_STR:
		return "a string";
	case CT_URLS:
		return "a list of LDAP URLs";
	case CT_ATTRS:
		return "a list of attribute names";
	case CT_STRS:
		return "a list of strings";
	case CT_BOOL:
		return "true or false";
	case CT_INT:
	case CT_LONG:
		return "a non-negative integer";
	case CT_SIZE:
		return "a size in bytes (suffix K, M, G or T allowed)";
	case CT_MAP:
		return "a mapping";
	case CT_DATE:
		return "a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC)";
	}
	return "?";
}

/* A scalar used as a C string must not hide a NUL ("\0" escape). */
static int
config_text(struct config_ctx *c, const yaml_node_t *n, const char *key,
    enum config_type want)
{
	if (n->type != YAML_SCALAR_NODE)
		return config_error(c, config_line(n), key, "expected %s",
		    config_typename(want));
	if (strlen(config_scalar(n)) != n->data.scalar.length)
		return config_error(c, config_line(n), key,
		    "contains a NUL character");
	return 0;
}

static int
config_url_ok(const char *s)
{
	return strncasecmp(s, "ldap://", 7) == 0 ||
	    strncasecmp(s, "ldaps://", 8) == 0 ||
	    strncasecmp(s, "ldapi://", 8) == 0;
}

/* RFC 4512 section 1.4: descr (keystring) or numericoid. */
static int
config_attr_ok(const char *s)
{
	size_t	 i;

	if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) {
		for (i = 1; s[i] != '\0'; i++)
			if (!((s[i] >= 'a' && s[i] <= 'z') ||
			    (s[i] >= 'A' && s[i] <= 'Z') ||
			    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
				return 0;
		return 1;
	}
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '.') {
			if (i == 0 || s[i - 1] == '.' || s[i + 1] == '\0')
				return 0;
		} else if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return i > 0;
}

static int
config_list(struct config_ctx *c, const yaml_node_t *n, const char *key,
    enum config_type type, struct strlist *l)
{
	yaml_node_item_t	*it;
	yaml_node_t		*item;
	char			 q[CONFIG_QUOTE_MAX + 4];
	size_t			 count;
	int			 ok;

	if (n->type != YAML_SEQUENCE_NODE)
		return config_error(c, config_line(n), key, "expected %s",
		    config_typename(type));
	count = (size_t)(n->data.sequence.items.top -
	    n->data.sequence.items.start);
	if (type == CT_URLS && count == 0)
		return config_error(c, config_line(n), key,
		    "at least one URL is required");
	if ((l->v = calloc(count + 1, sizeof(*l->v))) == NULL)
		return config_error(c, config_line(n), key, "%s",
		    strerror(errno));
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++) {
		item = yaml_document_get_node(c->doc, *it);
		if (config_text(c, item, key, type) == -1)
			return -1;
		if (type == CT_URLS)
			ok = config_url_ok(config_scalar(item));
		else if (type == CT_STRS)
			ok = *config_scalar(item) != '\0';
		else
			ok = config_attr_ok(config_scalar(item));
		if (!ok)
			return config_error(c, config_line(item), key,
			    "expected %s, got \"%s\"", config_typename(type),
			    config_quote(item, q, sizeof(q)));
		if ((l->v[l->n] = strdup(config_scalar(item))) == NULL)
			return config_error(c, config_line(item), key, "%s",
			    strerror(errno));
		l->n++;
	}
	return 0;
}

/*
 * Decimal digits only (YAML 1.1 would also take 0x, 0o, 1_000 and
 * signs), with an optional binary K/M/G/T suffix when sizes is set.
 * Returns 0, -1 when not a number, -2 when negative, -3 on overflow.
 */
static int
config_number(const char *s, int sizes, unsigned long long *out)
{
	unsigned long long	 v = 0, mult = 1;
	const char		*p = s;

	if (*p == '-' && p[1] >= '0' && p[1] <= '9')
		return -2;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (ULLONG_MAX - 9) / 10)
			return -3;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (sizes && *p != '\0' && p[1] == '\0') {
		switch (*p) {
		case 'k': case 'K':
			mult = KIB;
			break;
		case 'm': case 'M':
			mult = MIB;
			break;
		case 'g': case 'G':
			mult = GIB;
			break;
		case 't': case 'T':
			mult = TIB;
			break;
		default:
			return -1;
		}
		p++;
	}
	if (*p != '\0')
		return -1;
	if (v > ULLONG_MAX / mult)
		return -3;
	*out = v * mult;
	return 0;
}

static int
config_numeric(struct config_ctx *c, const struct config_key *k,
    const yaml_node_t *n, const char *key, void *dst)
{
	char			 q[CONFIG_QUOTE_MAX + 4];
	unsigned long long	 v = 0;
	int			 rc;

	if (config_text(c, n, key, k->type) == -1)
		return -1;
	rc = config_number(config_scalar(n), k->type == CT_SIZE, &v);
	if (rc == -1)
		return config_error(c, config_line(n), key,
		    "expected %s, got \"%s\"", config_typename(k->type),
		    config_quote(n, q, sizeof(q)));
	if (rc == -2)
		return config_error(c, config_line(n), key,
		    "must not be negative, got \"%s\"",
		    config_quote(n, q, sizeof(q)));
	if (rc == -3 || v < (unsigned long long)k->min ||
	    v > (unsigned long long)k->max)
		return config_error(c, config_line(n), key,
		    "must be between %lld and %lld, got \"%s\"", k->min,
		    k->max, config_quote(n, q, sizeof(q)));
	switch (k->type) {
	case CT_INT:
		*(int *)dst = (int)v;
		break;
	case CT_LONG:
		*(long *)dst = (long)v;
		break;
	default:
		if (v > SIZE_MAX)
			return config_error(c, config_line(n), key,
			    "too large for this system");
		*(size_t *)dst = (size_t)v;
		break;
	}
	return 0;
}

/* A calendar date, or date and time, in UTC; stored as epoch seconds. */
static int
config_date(struct config_ctx *c, const yaml_node_t *n, const char *key,
    long long *dst)
{
	char		 q[CONFIG_QUOTE_MAX + 4];
	struct tm	 tm;
	const char	*s, *end;
	time_t		 t;

	if (config_text(c, n, key, CT_DATE) == -1)
		return -1;
	s = config_scalar(n);
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end != NULL && *end == 'T')
		end = strptime(end + 1, "%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0' || strlen(s) < 10 || s[4] != '-' ||
	    tm.tm_year < 70 || tm.tm_year > 8000)
		goto bad;
	{
		struct tm chk = tm;

		if ((t = timegm(&chk)) == (time_t)-1 ||
		    chk.tm_mday != tm.tm_mday || chk.tm_mon != tm.tm_mon)
			goto bad;
	}
	*dst = (long long)t;
	return 0;
bad:
	return config_error(c, config_line(n), key, "expected %s, got \"%s\"",
	    config_typename(CT_DATE), config_quote(n, q, sizeof(q)));
}

static int
config_value(struct config_ctx *c, const struct config_key *k,
    yaml_node_t *n, const char *key)
{
	char	 q[CONFIG_QUOTE_MAX + 4];
	char	*base = (char *)c->cfg, **sp;
	int	 lines[CONFIG_KEYS_MAX];
	const char *s;

	if (config_is_null(n))
		return 0;
	switch (k->type) {
	case CT_STR:
		if (config_text(c, n, key, k->type) == -1)
			return -1;
		if (n->data.scalar.length == 0)
			return config_error(c, config_line(n), key,
			    "must not be empty");
		sp = (char **)(base + k->off);
		if ((*sp = strdup(config_scalar(n))) == NULL)
			return config_error(c, config_line(n), key, "%s",
			    strerror(errno));
		return 0;
	case CT_URLS:
	case CT_ATTRS:
	case CT_STRS:
		return config_list(c, n, key, k->type,
		    (struct strlist *)(base + k->off));
	case CT_BOOL:
		if (config_text(c, n, key, k->type) == -1)
			return -1;
		s = config_scalar(n);
		if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0)
			*(int *)(base + k->off) = 1;
		else if (strcasecmp(s, "false") == 0 ||
		    strcasecmp(s, "no") == 0)
			*(int *)(base + k->off) = 0;
		else
			return config_error(c, config_line(n), key,
			    "expected true or false, got \"%s\"",
			    config_quote(n, q, sizeof(q)));
		return 0;
	case CT_INT:
	case CT_LONG:
	case CT_SIZE:
		return config_numeric(c, k, n, key, base + k->off);
	case CT_DATE:
		return config_date(c, n, key, (long long *)(base + k->off));
	case CT_MAP:
		if (n->type != YAML_MAPPING_NODE)
			return config_error(c, config_line(n), key,
			    "expected a mapping");
		return config_map(c, n, k->sub, k->nsub, key, lines);
	}
	return config_error(c, config_line(n), key, "internal error");
}

/*
 * Walk one mapping against its key table.  lines[i] is set to the line
 * of keys[i] (0 when absent) for the cross-checks done afterwards.
 */
static int
config_map(struct config_ctx *c, yaml_node_t *map,
    const struct config_key *keys, size_t nkeys, const char *prefix,
    int *lines)
{
	yaml_node_pair_t	*pair;
	yaml_node_t		*kn, *vn;
	char			 q[CONFIG_QUOTE_MAX + 4];
	char			 path[128];
	size_t			 i;

	memset(lines, 0, nkeys * sizeof(*lines));
	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		kn = yaml_document_get_node(c->doc, pair->key);
		vn = yaml_document_get_node(c->doc, pair->value);
		if (kn->type != YAML_SCALAR_NODE)
			return config_error(c, config_line(kn), prefix,
			    "expected a key name");
		for (i = 0; i < nkeys; i++)
			if (strcmp(config_scalar(kn), keys[i].name) == 0 &&
			    strlen(keys[i].name) == kn->data.scalar.length)
				break;
		if (i == nkeys) {
			config_quote(kn, q, sizeof(q));
			if (prefix != NULL)
				return config_error(c, config_line(kn), NULL,
				    "%s.%s: unknown key", prefix, q);
			return config_error(c, config_line(kn), q,
			    "unknown key");
		}
		if (prefix != NULL)
			snprintf(path, sizeof(path), "%s.%s", prefix,
			    keys[i].name);
		else
			snprintf(path, sizeof(path), "%s", keys[i].name);
		if (lines[i] != 0)
			return config_error(c, config_line(kn), path,
			    "duplicate key (first given on line %d)", lines[i]);
		lines[i] = (int)config_line(kn);
		if (config_value(c, &keys[i], vn, path) == -1)
			return -1;
	}
	return 0;
}

static int
config_keyline(const int *lines, const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(config_keys); i++)
		if (strcmp(config_keys[i].name, name) == 0)
			return lines[i];
	return 0;
}

static int
config_list_default(struct config_ctx *c, struct strlist *l,
    const char *const *names)
{
	size_t	 n;

	if (l->v != NULL)
		return 0;
	for (n = 0; names[n] != NULL; n++)
		;
	if ((l->v = calloc(n + 1, sizeof(*l->v))) == NULL)
		goto fail;
	for (l->n = 0; l->n < n; l->n++)
		if ((l->v[l->n] = strdup(names[l->n])) == NULL)
			goto fail;
	return 0;
 fail:
	snprintf(c->err, c->errlen, "%s: %s", c->file, strerror(errno));
	return -1;
}

static int
config_str_default(struct config_ctx *c, char **sp, const char *def)
{
	if (*sp != NULL)
		return 0;
	if ((*sp = strdup(def)) == NULL) {
		snprintf(c->err, c->errlen, "%s: %s", c->file, strerror(errno));
		return -1;
	}
	return 0;
}

/* Checks that need more than one key, once the whole file is read. */
static int
config_check(struct config_ctx *c, const yaml_node_t *root, const int *lines)
{
	struct config	*cfg = c->cfg;
	size_t		 rl = config_line(root), i;
	const char	*req[] = { "suffix", "data_dir", "listen" };
	int		 have[3], line;

	have[0] = cfg->suffix != NULL;
	have[1] = cfg->data_dir != NULL;
	have[2] = cfg->listen.v != NULL;
	for (i = 0; i < nitems(req); i++) {
		if (have[i])
			continue;
		if ((line = config_keyline(lines, req[i])) != 0)
			return config_error(c, (size_t)line, req[i],
			    "a value is required");
		return config_error(c, rl, req[i], "required key is missing");
	}
	if (cfg->rootpw != NULL && cfg->rootdn == NULL)
		return config_error(c, (size_t)config_keyline(lines, "rootpw"),
		    "rootpw", "requires rootdn");
	line = config_keyline(lines, "tls");
	if ((cfg->tls.certificate == NULL) != (cfg->tls.key == NULL))
		return config_error(c, (size_t)line, "tls",
		    "certificate and key must be given together");
	if (cfg->tls.ca != NULL && cfg->tls.certificate == NULL)
		return config_error(c, (size_t)line, "tls.ca",
		    "requires tls.certificate and tls.key");
	if (cfg->tls.certificate == NULL)
		for (i = 0; i < cfg->listen.n; i++)
			if (strncasecmp(cfg->listen.v[i], "ldaps://", 8) == 0)
				return config_error(c, (size_t)
				    config_keyline(lines, "listen"), "listen",
				    "ldaps:// requires tls.certificate and "
				    "tls.key");
	if (cfg->uid_min > cfg->uid_max) {
		line = config_keyline(lines, "uid_max");
		return config_error(c, (size_t)(line ? line :
		    config_keyline(lines, "uid_min")), "uid_max",
		    "uid_min (%ld) is greater than uid_max (%ld)",
		    cfg->uid_min, cfg->uid_max);
	}
	if (cfg->gid_min > cfg->gid_max) {
		line = config_keyline(lines, "gid_max");
		return config_error(c, (size_t)(line ? line :
		    config_keyline(lines, "gid_min")), "gid_max",
		    "gid_min (%ld) is greater than gid_max (%ld)",
		    cfg->gid_min, cfg->gid_max);
	}
	return 0;
}

/* Whole file in memory (NUL-terminated), so errno survives for messages. */
static int
config_read(struct config_ctx *c, char **bufp, size_t *lenp)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0, n;

	if ((fp = fopen(c->file, "r")) == NULL)
		goto fail;
	if ((buf = malloc(CONFIG_FILE_MAX + 1)) == NULL)
		goto fail;
	while ((n = fread(buf + len, 1, CONFIG_FILE_MAX + 1 - len, fp)) > 0)
		if ((len += n) > CONFIG_FILE_MAX)
			break;
	if (ferror(fp))
		goto fail;
	if (len > CONFIG_FILE_MAX) {
		errno = EFBIG;
		goto fail;
	}
	buf[len] = '\0';
	fclose(fp);
	*bufp = buf;
	*lenp = len;
	return 0;
 fail:
	snprintf(c->err, c->errlen, "%s: %s", c->file, strerror(errno));
	free(buf);
	if (fp != NULL)
		fclose(fp);
	return -1;
}

static int
config_syntax(struct config_ctx *c, const yaml_parser_t *p)
{
	if (p->error == YAML_MEMORY_ERROR)
		return config_error(c, p->problem_mark.line + 1, NULL,
		    "out of memory");
	return config_error(c, p->problem_mark.line + 1, NULL,
	    "YAML syntax error: %s%s%s", p->context ? p->context : "",
	    p->context ? ": " : "", p->problem ? p->problem : "invalid input");
}

static int
config_parse(struct config_ctx *c, const char *buf, size_t len)
{
	yaml_parser_t	 parser;
	yaml_document_t	 doc, extra;
	yaml_node_t	*root;
	int		 lines[CONFIG_KEYS_MAX];
	int		 rc = -1, have_doc = 0;

	if (!yaml_parser_initialize(&parser)) {
		snprintf(c->err, c->errlen, "%s: out of memory", c->file);
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		config_syntax(c, &parser);
		goto fail;
	}
	have_doc = 1;
	c->doc = &doc;
	if ((root = yaml_document_get_root_node(&doc)) == NULL) {
		config_error(c, 1, NULL, "configuration is empty");
		goto fail;
	}
	/* A second "---" document would be silently ignored otherwise. */
	if (!yaml_parser_load(&parser, &extra)) {
		config_syntax(c, &parser);
		goto fail;
	}
	if (yaml_document_get_root_node(&extra) != NULL) {
		config_error(c, config_line(yaml_document_get_root_node(&extra)),
		    NULL, "only one YAML document is allowed");
		yaml_document_delete(&extra);
		goto fail;
	}
	yaml_document_delete(&extra);
	if (root->type != YAML_MAPPING_NODE) {
		config_error(c, config_line(root), NULL,
		    "expected a mapping of configuration keys");
		goto fail;
	}
	if (config_map(c, root, config_keys, nitems(config_keys), NULL,
	    lines) == -1 || config_check(c, root, lines) == -1)
		goto fail;
	rc = 0;
 fail:
	if (have_doc)
		yaml_document_delete(&doc);
	c->doc = NULL;
	yaml_parser_delete(&parser);
	return rc;
}

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->pw.min_length = 8;
	cfg->pw.min_classes = 3;
	cfg->pw.reject_account_name = 1;
	cfg->pw.history = 5;
	cfg->pw.max_failures = 5;
	cfg->bind_rate = 20;
	cfg->rehash_on_bind = 1;
	cfg->realname.timeout = 10;
	cfg->anon_rate = 10;
	cfg->pw.lockout_seconds = 900;
	cfg->pw.max_age_days = 0;
	cfg->map_size = (size_t)16 * GIB;
	cfg->max_pdu = (size_t)4 * MIB;
	cfg->idle_timeout = 900;
	cfg->max_connections = 4096;
	cfg->max_pending_ops = 64;
	cfg->threads = 0;
	cfg->size_limit = 1000;
	cfg->time_limit = 60;
	cfg->default_gid = 100;
	cfg->uid_min = 10000;
	cfg->uid_max = 59999999;
	cfg->gid_min = 10000;
	cfg->gid_max = 59999999;
}

int
config_load(const char *path, struct config *cfg, char *err, size_t errlen)
{
	struct config_ctx	 c;
	char			 dummy[1];
	char			*buf = NULL;
	size_t			 len = 0;

	_Static_assert(nitems(config_keys) <= CONFIG_KEYS_MAX,
	    "CONFIG_KEYS_MAX too small");
	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	memset(&c, 0, sizeof(c));
	c.file = path;
	c.cfg = cfg;
	c.err = err;
	c.errlen = errlen;
	config_defaults(cfg);
	if ((cfg->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (config_read(&c, &buf, &len) == -1 ||
	    config_parse(&c, buf, len) == -1)
		goto fail;
	if (config_str_default(&c, &cfg->schema_dir,
	    "/usr/share/unifiedid/schema") == -1 ||
	    config_str_default(&c, &cfg->default_shell, "/bin/bash") == -1 ||
	    config_list_default(&c, &cfg->index, config_default_index) == -1 ||
	    config_list_default(&c, &cfg->substr_index,
	    config_default_substr) == -1 ||
	    config_list_default(&c, &cfg->multival,
	    config_default_multival) == -1)
		goto fail;
	cfg->rootpw_cleartext = cfg->rootpw != NULL && cfg->rootpw[0] != '{';
	explicit_bzero(buf, len);
	free(buf);
	return 0;
 fail:
	/* The file may hold a cleartext rootpw. */
	if (buf != NULL)
		explicit_bzero(buf, len);
	free(buf);
	config_free(cfg);
	return -1;
}

static void
config_list_free(struct strlist *l)
{
	size_t	 i;

	if (l->v != NULL)
		for (i = 0; l->v[i] != NULL; i++)
			free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->path);
	free(cfg->suffix);
	free(cfg->data_dir);
	config_list_free(&cfg->listen);
	free(cfg->rootdn);
	if (cfg->rootpw != NULL) {
		/* It may be the cleartext root password. */
		explicit_bzero(cfg->rootpw, strlen(cfg->rootpw));
		free(cfg->rootpw);
	}
	free(cfg->schema_dir);
	free(cfg->audit_log);
	free(cfg->tls.certificate);
	free(cfg->tls.key);
	free(cfg->tls.ca);
	free(cfg->notify.command);
	free(cfg->notify.outbox);
	free(cfg->realname.verifier);
	config_list_free(&cfg->index);
	config_list_free(&cfg->substr_index);
	config_list_free(&cfg->multival);
	config_list_free(&cfg->acl);
	free(cfg->user);
	free(cfg->default_shell);
	/* Leave it reusable and safe to free twice. */
	config_defaults(cfg);
}
