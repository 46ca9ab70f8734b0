/*
 * config.c - read and check agent.yaml (docs/agent.md, contract section
 * 5).  The file is loaded as one libyaml document and every key of the
 * top-level mapping is looked up in a table that knows its type and
 * range: an unknown key, a wrong type, a duplicate or a value out of
 * range is refused with "file:line: key: why".  The service password
 * file is read here, and refused when others may read it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ldap.h>
#include <yaml.h>

#include "agent.h"
#include "nssmap.h"

#define AGENT_CONFIG_MAX	(1024 * 1024)
#define BINDPW_MAX		1024

enum akind { A_STR, A_URIS, A_BOOL, A_NUM };

struct akey {
	const char	*name;
	enum akind	 kind;
	size_t		 off;
	long		 min, max;
};

#define AK(n, k, f, lo, hi) { n, k, offsetof(struct agent_config, f), lo, hi }

static const struct akey akeys[] = {
	AK("uri", A_URIS, uri, 0, 0),
	AK("base", A_STR, base, 0, 0),
	AK("binddn", A_STR, binddn, 0, 0),
	AK("bindpw_file", A_STR, bindpw_file, 0, 0),
	AK("tls_ca", A_STR, tls_ca, 0, 0),
	AK("cache_dir", A_STR, cache_dir, 0, 0),
	AK("socket", A_STR, socket, 0, 0),
	AK("map", A_STR, map, 0, 0),
	AK("cache_ttl_seconds", A_NUM, cache_ttl, 5, 86400 * 7),
	AK("negative_ttl_seconds", A_NUM, negative_ttl, 0, 86400),
	AK("offline_login_days", A_NUM, offline_days, 0, 3650),
	AK("timeout_seconds", A_NUM, timeout, 1, 300),
	AK("retry_seconds", A_NUM, retry, 0, 3600),
	AK("auth_rate", A_NUM, auth_rate, 0, 100000),
	AK("password_max_age_days", A_NUM, max_age_days, 0, 36500),
	AK("max_clients", A_NUM, max_clients, 4, 4096),
	AK("cache_size_mib", A_NUM, cache_size, 16, 1024 * 1024),
	AK("mobile_login", A_BOOL, mobile_login, 0, 1),
};

struct actx {
	const char	*file;
	yaml_document_t	*doc;
	char		*err;
	size_t		 errlen;
};

static int __attribute__((format(printf, 4, 5)))
aerr(struct actx *c, const yaml_node_t *n, const char *key,
    const char *fmt, ...)
{
	va_list	 ap;
	size_t	 used;

	snprintf(c->err, c->errlen, "%s:%zu: %s%s", c->file,
	    n != NULL ? (size_t)n->start_mark.line + 1 : (size_t)1,
	    key != NULL ? key : "", key != NULL ? ": " : "");
	used = strlen(c->err);
	va_start(ap, fmt);
	vsnprintf(c->err + used, c->errlen - used, fmt, ap);
	va_end(ap);
	return -1;
}

/* A scalar as a C string: refused when it hides a NUL. */
static const char *
ascalar(struct actx *c, const yaml_node_t *n, const char *key)
{
	const char	*s;

	if (n->type != YAML_SCALAR_NODE) {
		aerr(c, n, key, "expected a single value");
		return NULL;
	}
	s = (const char *)n->data.scalar.value;
	if (strlen(s) != n->data.scalar.length) {
		aerr(c, n, key, "contains a NUL character");
		return NULL;
	}
	if (*s == '\0') {
		aerr(c, n, key, "must not be empty");
		return NULL;
	}
	return s;
}

static int
auri(struct actx *c, const yaml_node_t *n, const char *key,
    struct agent_config *cfg)
{
	yaml_node_item_t	*it;
	const yaml_node_t	*item;
	LDAPURLDesc		*lud;
	const char		*s;
	size_t			 count;

	if (n->type == YAML_SCALAR_NODE)
		count = 1;
	else if (n->type == YAML_SEQUENCE_NODE)
		count = (size_t)(n->data.sequence.items.top -
		    n->data.sequence.items.start);
	else
		return aerr(c, n, key, "expected a list of LDAP URIs");
	if (count == 0)
		return aerr(c, n, key, "at least one URI is required");
	cfg->uri = xcalloc(count + 1, sizeof(*cfg->uri));
	it = n->type == YAML_SEQUENCE_NODE ? n->data.sequence.items.start :
	    NULL;
	for (; cfg->nuri < count; it = it != NULL ? it + 1 : NULL) {
		item = it == NULL ? n :
		    yaml_document_get_node(c->doc, *it);
		if ((s = ascalar(c, item, key)) == NULL)
			return -1;
		if (strncasecmp(s, "ldap://", 7) != 0 &&
		    strncasecmp(s, "ldaps://", 8) != 0 &&
		    strncasecmp(s, "ldapi://", 8) != 0)
			return aerr(c, item, key, "\"%.60s\" is not an "
			    "ldap://, ldaps:// or ldapi:// URI", s);
		if (ldap_url_parse(s, &lud) != LDAP_URL_SUCCESS)
			return aerr(c, item, key, "\"%.60s\" is not a valid "
			    "LDAP URI", s);
		ldap_free_urldesc(lud);
		cfg->uri[cfg->nuri++] = xstrdup(s);
	}
	return 0;
}

static int
anum(struct actx *c, const yaml_node_t *n, const struct akey *k, long *dst)
{
	const char	*s;
	long		 v = 0;

	if ((s = ascalar(c, n, k->name)) == NULL)
		return -1;
	if (*s == '-')
		return aerr(c, n, k->name, "must not be negative");
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return aerr(c, n, k->name, "expected a whole number");
		if (v > (LONG_MAX - 9) / 10)
			return aerr(c, n, k->name, "number too large");
		v = v * 10 + (*s - '0');
	}
	if (v < k->min || v > k->max)
		return aerr(c, n, k->name, "must be between %ld and %ld",
		    k->min, k->max);
	*dst = v;
	return 0;
}

static int
avalue(struct actx *c, const struct akey *k, const yaml_node_t *n,
    struct agent_config *cfg)
{
	char		*base = (char *)cfg;
	const char	*s;

	switch (k->kind) {
	case A_URIS:
		return auri(c, n, k->name, cfg);
	case A_STR:
		if ((s = ascalar(c, n, k->name)) == NULL)
			return -1;
		*(char **)(base + k->off) = xstrdup(s);
		return 0;
	case A_BOOL:
		if ((s = ascalar(c, n, k->name)) == NULL)
			return -1;
		if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0)
			*(int *)(base + k->off) = 1;
		else if (strcasecmp(s, "false") == 0 ||
		    strcasecmp(s, "no") == 0)
			*(int *)(base + k->off) = 0;
		else
			return aerr(c, n, k->name, "expected true or false");
		return 0;
	case A_NUM:
		return anum(c, n, k, (long *)(base + k->off));
	}
	return aerr(c, n, k->name, "internal error");
}

/*
 * The service password: a regular file that others cannot read (the
 * agent refuses to start otherwise), one line, at most BINDPW_MAX bytes.
 */
static int
aread_bindpw(struct actx *c, struct agent_config *cfg)
{
	struct stat	 st;
	char		 buf[BINDPW_MAX + 2];
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if ((fd = open(cfg->bindpw_file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) ==
	    -1 || fstat(fd, &st) == -1) {
		snprintf(c->err, c->errlen, "%s: bindpw_file %s: %s", c->file,
		    cfg->bindpw_file, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & (S_IROTH | S_IWOTH)) != 0) {
		snprintf(c->err, c->errlen, "%s: bindpw_file %s: must be a "
		    "regular file that others cannot read or write (chmod "
		    "600 or 640)", c->file, cfg->bindpw_file);
		close(fd);
		return -1;
	}
	while (len < sizeof(buf) - 1 &&
	    (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	if (len == 0 || len > BINDPW_MAX || memchr(buf, '\0', len) != NULL ||
	    strchr(buf, '\n') != NULL) {
		explicit_bzero(buf, sizeof(buf));
		snprintf(c->err, c->errlen, "%s: bindpw_file %s: expected one "
		    "line of at most %d bytes", c->file, cfg->bindpw_file,
		    BINDPW_MAX);
		return -1;
	}
	cfg->bindpw = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

static int
aroot(struct actx *c, yaml_node_t *root, struct agent_config *cfg)
{
	yaml_node_pair_t	*p;
	yaml_node_t		*kn, *vn;
	size_t			 i, seen[NELEM(akeys)] = { 0 };
	const char		*name;

	if (root->type != YAML_MAPPING_NODE)
		return aerr(c, root, NULL, "expected a mapping of "
		    "configuration keys");
	for (p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top; p++) {
		kn = yaml_document_get_node(c->doc, p->key);
		vn = yaml_document_get_node(c->doc, p->value);
		if (kn->type != YAML_SCALAR_NODE)
			return aerr(c, kn, NULL, "expected a key name");
		name = (const char *)kn->data.scalar.value;
		for (i = 0; i < NELEM(akeys); i++)
			if (strcmp(name, akeys[i].name) == 0)
				break;
		if (i == NELEM(akeys))
			return aerr(c, kn, NULL, "%.60s: unknown key", name);
		if (seen[i] != 0)
			return aerr(c, kn, name, "duplicate key (first on "
			    "line %zu)", seen[i]);
		seen[i] = kn->start_mark.line + 1;
		if (avalue(c, &akeys[i], vn, cfg) == -1)
			return -1;
	}
	if (cfg->uri == NULL)
		return aerr(c, root, "uri", "required key is missing");
	if (cfg->base == NULL)
		return aerr(c, root, "base", "required key is missing");
	if ((cfg->binddn == NULL) != (cfg->bindpw_file == NULL))
		return aerr(c, root, cfg->binddn ? "binddn" : "bindpw_file",
		    "binddn and bindpw_file go together");
	return 0;
}

static void
adefaults(struct agent_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->cache_ttl = 600;
	cfg->negative_ttl = 60;
	cfg->offline_days = 7;
	cfg->timeout = 5;
	cfg->retry = 10;
	cfg->auth_rate = 60;
	cfg->max_clients = 256;
	cfg->cache_size = 4096;
}

static int
aparse(struct actx *c, const char *buf, size_t len, struct agent_config *cfg)
{
	yaml_parser_t	 parser;
	yaml_document_t	 doc, extra;
	yaml_node_t	*root;
	int		 rc = -1, have = 0;

	if (!yaml_parser_initialize(&parser))
		return aerr(c, NULL, NULL, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc))
		goto syntax;
	have = 1;
	c->doc = &doc;
	if ((root = yaml_document_get_root_node(&doc)) == NULL) {
		aerr(c, NULL, NULL, "configuration is empty");
		goto out;
	}
	if (!yaml_parser_load(&parser, &extra))
		goto syntax;
	if (yaml_document_get_root_node(&extra) != NULL) {
		aerr(c, yaml_document_get_root_node(&extra), NULL,
		    "only one YAML document is allowed");
		yaml_document_delete(&extra);
		goto out;
	}
	yaml_document_delete(&extra);
	rc = aroot(c, root, cfg);
	goto out;
syntax:
	snprintf(c->err, c->errlen, "%s:%zu: YAML syntax error: %s", c->file,
	    (size_t)parser.problem_mark.line + 1,
	    parser.problem ? parser.problem : "invalid input");
out:
	if (have)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int
config_load(const char *path, struct agent_config *cfg, char *err,
    size_t errlen)
{
	struct actx	 c = { path, NULL, err, errlen };
	FILE		*fp;
	char		*buf, *slash;
	size_t		 len;

	adefaults(cfg);
	cfg->path = xstrdup(path);
	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	buf = xmalloc(AGENT_CONFIG_MAX + 1);
	len = fread(buf, 1, AGENT_CONFIG_MAX + 1, fp);
	fclose(fp);
	if (len > AGENT_CONFIG_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path,
		    AGENT_CONFIG_MAX);
		free(buf);
		goto fail;
	}
	buf[len] = '\0';
	if (aparse(&c, buf, len, cfg) == -1) {
		free(buf);
		goto fail;
	}
	free(buf);
	if (cfg->bindpw_file != NULL && aread_bindpw(&c, cfg) == -1)
		goto fail;
	if (cfg->socket == NULL)
		cfg->socket = xstrdup(UA_DEFAULT_SOCKET);
	if (cfg->cache_dir == NULL)
		cfg->cache_dir = xstrdup("/var/cache/unifiedid");
	if (cfg->map == NULL) {
		len = strlen(cfg->socket) + sizeof(NSSMAP_FILE) + 2;
		cfg->map = xmalloc(len);
		if ((slash = strrchr(cfg->socket, '/')) == NULL)
			snprintf(cfg->map, len, "%s", NSSMAP_FILE);
		else
			snprintf(cfg->map, len, "%.*s/%s",
			    (int)(slash - cfg->socket), cfg->socket,
			    NSSMAP_FILE);
	}
	if (strlen(cfg->socket) >= 108) {
		snprintf(err, errlen, "%s: socket: path too long", path);
		goto fail;
	}
	return 0;
fail:
	config_free(cfg);
	return -1;
}

void
config_free(struct agent_config *cfg)
{
	size_t	i;

	for (i = 0; i < cfg->nuri; i++)
		free(cfg->uri[i]);
	free(cfg->uri);
	if (cfg->bindpw != NULL) {
		explicit_bzero(cfg->bindpw, strlen(cfg->bindpw));
		free(cfg->bindpw);
	}
	free(cfg->path);
	free(cfg->base);
	free(cfg->binddn);
	free(cfg->bindpw_file);
	free(cfg->tls_ca);
	free(cfg->cache_dir);
	free(cfg->socket);
	free(cfg->map);
	adefaults(cfg);
}
