/*
 * test_config.c - config_load: values, defaults, every error class with
 * its line and key, and the packaged etc/dirsrv.yaml (run from the repo
 * root).  Run under ASan/LSan to prove the error paths do not leak.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "check.h"

static char	tdir[64];
static char	tpath[128];

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL ||
	    fwrite(text, 1, len, fp) != len || fclose(fp) != 0) {
		perror(path);
		exit(2);
	}
}

static int
load(const char *text, struct config *cfg, char *err, size_t errlen)
{
	write_file(tpath, text, strlen(text));
	return config_load(tpath, cfg, err, errlen);
}

#define MIN "suffix: dc=example,dc=gov,dc=cn\ndata_dir: /tmp/x\n" \
	"listen: [\"ldap://127.0.0.1:3389\"]\n"

/*
 * Expect failure with "<file>:<line>: <key>: ..." containing what.
 * key NULL: no key part is expected (syntax errors and the like).
 */
static void
expect_error(const char *what_test, const char *text, int line,
    const char *key, const char *what)
{
	struct config	 cfg;
	char		 err[512], want[256];
	int		 rc;

	memset(&cfg, 0xa5, sizeof(cfg));
	rc = load(text, &cfg, err, sizeof(err));
	if (key != NULL)
		snprintf(want, sizeof(want), "%s:%d: %s: ", tpath, line, key);
	else
		snprintf(want, sizeof(want), "%s:%d: ", tpath, line);
	CHECK(rc == -1 && strncmp(err, want, strlen(want)) == 0 &&
	    strstr(err + strlen(want), what) != NULL &&
	    strchr(err, '\n') == NULL,
	    "%s: \"%s\"", what_test, err);
	/* "left freed": every pointer reset, safe to free again. */
	CHECK(cfg.path == NULL && cfg.suffix == NULL && cfg.listen.v == NULL &&
	    cfg.index.v == NULL, "%s: config left freed", what_test);
	config_free(&cfg);
}

static int
list_is(const struct strlist *l, const char *const *want)
{
	size_t	 i;

	for (i = 0; want[i] != NULL; i++)
		if (i >= l->n || strcmp(l->v[i], want[i]) != 0)
			return 0;
	return i == l->n && l->v[i] == NULL;
}

static void
test_minimal(void)
{
	static const char *const idx[] = { "objectClass", "uid", "uidNumber",
	    "gidNumber", "memberUid", "member", "mail", "mobile", "cn", "sn",
	    "orgCode", "uscc", "idNumber", "legacyUid", "entryUUID", "orgAdmin",
	    "memberOf", "backupMail", NULL };
	static const char *const sub[] = { "cn", "sn", "mail", "mobile", "uid",
	    "givenName", "ou", "o", NULL };
	static const char *const mv[] = { "member", "memberUid",
	    "uniqueMember", NULL };
	static const char *const lis[] = { "ldap://127.0.0.1:3389", NULL };
	struct config	 cfg;
	char		 err[256];

	CHECK(load(MIN, &cfg, err, sizeof(err)) == 0, "minimal config loads%s%s",
	    *err ? ": " : "", err);
	CHECK(strcmp(cfg.path, tpath) == 0, "path recorded");
	CHECK(strcmp(cfg.suffix, "dc=example,dc=gov,dc=cn") == 0, "suffix");
	CHECK(strcmp(cfg.data_dir, "/tmp/x") == 0, "data_dir");
	CHECK(list_is(&cfg.listen, lis), "listen");
	CHECK(cfg.rootdn == NULL && cfg.rootpw == NULL &&
	    cfg.rootpw_cleartext == 0, "no rootdn/rootpw by default");
	CHECK(strcmp(cfg.schema_dir, "/usr/share/unifiedid/schema") == 0,
	    "schema_dir default");
	CHECK(cfg.tls.certificate == NULL && cfg.tls.key == NULL &&
	    cfg.tls.ca == NULL, "tls off by default");
	CHECK(cfg.pw.min_length == 8 && cfg.pw.min_classes == 3 &&
	    cfg.pw.reject_account_name == 1 && cfg.pw.history == 5 &&
	    cfg.pw.max_failures == 5 && cfg.pw.lockout_seconds == 900 &&
	    cfg.pw.max_age_days == 0, "password policy defaults");
	CHECK(cfg.notify.command == NULL && cfg.notify.outbox == NULL,
	    "notify defaults");
	CHECK(list_is(&cfg.index, idx), "index default (%zu)", cfg.index.n);
	CHECK(list_is(&cfg.substr_index, sub), "substr_index default");
	CHECK(list_is(&cfg.multival, mv), "multival default");
	CHECK(cfg.map_size == (size_t)16 << 30, "map_size default 16 GiB");
	CHECK(cfg.max_pdu == (size_t)4 << 20, "max_pdu default 4 MiB");
	CHECK(cfg.idle_timeout == 900 && cfg.max_connections == 4096 &&
	    cfg.max_pending_ops == 64 && cfg.threads == 0 &&
	    cfg.size_limit == 1000 && cfg.time_limit == 60 && cfg.user == NULL,
	    "server limit defaults");
	CHECK(strcmp(cfg.default_shell, "/bin/bash") == 0 &&
	    cfg.default_gid == 100 && cfg.uid_min == 10000 &&
	    cfg.uid_max == 59999999 && cfg.gid_min == 10000 &&
	    cfg.gid_max == 59999999, "POSIX defaults");
	config_free(&cfg);
	CHECK(cfg.path == NULL && cfg.index.v == NULL && cfg.pw.min_length == 8,
	    "config_free resets to defaults");
	config_free(&cfg);
	CHECK(1, "config_free twice is safe");
}

static void
test_full(void)
{
	static const char *const lis[] = { "ldap://0.0.0.0:389",
	    "LDAPS://0.0.0.0:636", "ldapi://%2Frun%2Fx", NULL };
	static const char *const idx[] = { "uid", "2.5.4.3", NULL };
	static const char *const empty[] = { NULL };
	static const char *const mv[] = { "member", NULL };
	struct config	 cfg;
	char		 err[256];

	CHECK(load(
	    "# full configuration\n"
	    "suffix: \"o=test\"\n"
	    "data_dir: '/var/lib/t'\n"
	    "listen:\n"
	    "  - ldap://0.0.0.0:389\n"
	    "  - LDAPS://0.0.0.0:636\n"
	    "  - \"ldapi://%2Frun%2Fx\"\n"
	    "rootdn: cn=admin,o=test\n"
	    "rootpw: \"{CRYPT}$y$j9T$abc$def\"\n"
	    "schema_dir: /s\n"
	    "tls: {certificate: /c.crt, key: /c.key, ca: /ca.crt}\n"
	    "password_policy:\n"
	    "  min_length: 12\n"
	    "  min_classes: 4\n"
	    "  reject_account_name: no\n"
	    "  history: 0\n"
	    "  max_failures: 0\n"
	    "  lockout_seconds: 60\n"
	    "  max_age_days: 90\n"
	    "notify:\n"
	    "  command: /bin/notify --sms\n"
	    "  outbox: /o.jsonl\n"
	    "index: [uid, 2.5.4.3]\n"
	    "substr_index: []\n"
	    "multival:\n"
	    "- member\n"
	    "map_size: 2T\n"
	    "max_pdu: 64k\n"
	    "idle_timeout: 0\n"
	    "max_connections: 10\n"
	    "max_pending_ops: 1\n"
	    "threads: 8\n"
	    "size_limit: 0\n"
	    "time_limit: 0\n"
	    "user: unifiedid\n"
	    "default_shell: /bin/sh\n"
	    "default_gid: 0\n"
	    "uid_min: 1000\n"
	    "uid_max: 4294967294\n"
	    "gid_min: 2000\n"
	    "gid_max: 2000\n", &cfg, err, sizeof(err)) == 0,
	    "full config loads%s%s", *err ? ": " : "", err);
	CHECK(strcmp(cfg.suffix, "o=test") == 0 &&
	    strcmp(cfg.data_dir, "/var/lib/t") == 0, "quoted strings");
	CHECK(list_is(&cfg.listen, lis), "three listen URLs, any case");
	CHECK(strcmp(cfg.rootdn, "cn=admin,o=test") == 0 &&
	    strcmp(cfg.rootpw, "{CRYPT}$y$j9T$abc$def") == 0 &&
	    cfg.rootpw_cleartext == 0, "rootdn, hashed rootpw");
	CHECK(strcmp(cfg.schema_dir, "/s") == 0, "schema_dir");
	CHECK(strcmp(cfg.tls.certificate, "/c.crt") == 0 &&
	    strcmp(cfg.tls.key, "/c.key") == 0 &&
	    strcmp(cfg.tls.ca, "/ca.crt") == 0, "tls flow mapping");
	CHECK(cfg.pw.min_length == 12 && cfg.pw.min_classes == 4 &&
	    cfg.pw.reject_account_name == 0 && cfg.pw.history == 0 &&
	    cfg.pw.max_failures == 0 && cfg.pw.lockout_seconds == 60 &&
	    cfg.pw.max_age_days == 90, "password policy");
	CHECK(strcmp(cfg.notify.command, "/bin/notify --sms") == 0 &&
	    strcmp(cfg.notify.outbox, "/o.jsonl") == 0, "notify");
	CHECK(list_is(&cfg.index, idx), "index replaces the default");
	CHECK(list_is(&cfg.substr_index, empty) && cfg.substr_index.v != NULL,
	    "empty substr_index list is kept empty");
	CHECK(list_is(&cfg.multival, mv), "multival, unindented block list");
	CHECK(cfg.map_size == (size_t)2 << 40, "map_size 2T");
	CHECK(cfg.max_pdu == 64 * 1024, "max_pdu 64k");
	CHECK(cfg.idle_timeout == 0 && cfg.max_connections == 10 &&
	    cfg.max_pending_ops == 1 && cfg.threads == 8 &&
	    cfg.size_limit == 0 && cfg.time_limit == 0 &&
	    strcmp(cfg.user, "unifiedid") == 0, "server limits");
	CHECK(strcmp(cfg.default_shell, "/bin/sh") == 0 &&
	    cfg.default_gid == 0 && cfg.uid_min == 1000 &&
	    cfg.uid_max == 4294967294L && cfg.gid_min == 2000 &&
	    cfg.gid_max == 2000, "POSIX settings");
	config_free(&cfg);
}

static void
test_values(void)
{
	struct config	 cfg;
	char		 err[256];

	CHECK(load(MIN "rootdn: cn=a\nrootpw: secret\n", &cfg, err,
	    sizeof(err)) == 0 && cfg.rootpw_cleartext == 1 &&
	    strcmp(cfg.rootpw, "secret") == 0, "cleartext rootpw flagged");
	config_free(&cfg);
	CHECK(load(MIN "rootdn: cn=a\nrootpw: \"{SSHA}abcd\"\n", &cfg, err,
	    sizeof(err)) == 0 && cfg.rootpw_cleartext == 0,
	    "{SSHA} rootpw not flagged");
	config_free(&cfg);
	CHECK(load(MIN "tls:\nnotify: ~\nindex:\npassword_policy: null\n",
	    &cfg, err, sizeof(err)) == 0 && cfg.tls.certificate == NULL &&
	    cfg.index.n == 18 && cfg.pw.history == 5,
	    "keys without a value keep their defaults");
	config_free(&cfg);
	CHECK(load(MIN "password_policy: {reject_account_name: False}\n",
	    &cfg, err, sizeof(err)) == 0 && cfg.pw.reject_account_name == 0,
	    "False");
	config_free(&cfg);
	CHECK(load(MIN "password_policy: {reject_account_name: YES}\n",
	    &cfg, err, sizeof(err)) == 0 && cfg.pw.reject_account_name == 1,
	    "YES");
	config_free(&cfg);
	CHECK(load(MIN "map_size: 512M\nmax_pdu: \"1G\"\nthreads: \"4\"\n",
	    &cfg, err, sizeof(err)) == 0 && cfg.map_size == (size_t)512 << 20 &&
	    cfg.max_pdu == (size_t)1 << 30 && cfg.threads == 4,
	    "512M, quoted 1G and quoted integer");
	config_free(&cfg);
	CHECK(load(MIN "map_size: 1073741824\n", &cfg, err, sizeof(err)) == 0 &&
	    cfg.map_size == (size_t)1 << 30, "map_size in plain bytes");
	config_free(&cfg);
	CHECK(load("---\n" MIN "...\n", &cfg, err, sizeof(err)) == 0,
	    "explicit document markers");
	config_free(&cfg);
	CHECK(load(MIN "suffix2: x\n", &cfg, NULL, 0) == -1,
	    "NULL err buffer is allowed");
	config_free(&cfg);
}

static void
test_errors(void)
{
	char	 big[600];

	/* unknown keys */
	expect_error("unknown key", MIN "sufix: x\n", 4, "sufix",
	    "unknown key");
	expect_error("unknown nested key",
	    MIN "password_policy:\n  min_length: 8\n  minlength: 9\n", 6,
	    "password_policy.minlength", "unknown key");
	expect_error("unknown tls key", MIN "tls:\n  cert: /x\n", 5,
	    "tls.cert", "unknown key");
	expect_error("control characters not echoed", MIN "\"a\\tb\": 1\n", 4,
	    "a?b", "unknown key");
	expect_error("key that is a list", MIN "? [a]\n: b\n", 4, NULL,
	    "expected a key name");
	expect_error("duplicate key", MIN "threads: 1\nthreads: 2\n", 5,
	    "threads", "duplicate key (first given on line 4)");

	/* wrong types */
	expect_error("listen as a scalar",
	    "suffix: o=x\ndata_dir: /x\nlisten: ldap://127.0.0.1\n", 3,
	    "listen", "expected a list of LDAP URLs");
	expect_error("suffix as a list",
	    "suffix:\n  - o=x\ndata_dir: /x\nlisten: [ldap://h]\n", 2,
	    "suffix", "expected a string");
	expect_error("tls as a scalar", MIN "tls: /etc/cert.pem\n", 4, "tls",
	    "expected a mapping");
	expect_error("index as a mapping", MIN "index:\n  uid: eq\n", 5,
	    "index", "expected a list of attribute names");
	expect_error("integer as a list",
	    MIN "password_policy:\n  min_length: [8]\n", 5,
	    "password_policy.min_length", "expected a non-negative integer");
	expect_error("list item that is a list", MIN "multival: [[a]]\n", 4,
	    "multival", "expected a list of attribute names");
	expect_error("bool as integer",
	    MIN "password_policy:\n  reject_account_name: 1\n", 5,
	    "password_policy.reject_account_name", "expected true or false");

	/* numbers */
	expect_error("non-integer", MIN "threads: four\n", 4, "threads",
	    "expected a non-negative integer, got \"four\"");
	expect_error("fraction", MIN "time_limit: 1.5\n", 4, "time_limit",
	    "expected a non-negative integer");
	expect_error("hex", MIN "time_limit: 0x10\n", 4, "time_limit",
	    "expected a non-negative integer");
	expect_error("size suffix on a plain integer", MIN "threads: 4K\n", 4,
	    "threads", "expected a non-negative integer");
	expect_error("negative", MIN "idle_timeout: -1\n", 4, "idle_timeout",
	    "must not be negative");
	expect_error("negative POSIX id", MIN "uid_min: -5\n", 4, "uid_min",
	    "must not be negative");
	expect_error("min_classes 5",
	    MIN "password_policy:\n\n  min_classes: 5\n", 6,
	    "password_policy.min_classes", "must be between 0 and 4, got \"5\"");
	expect_error("threads too many", MIN "threads: 100000\n", 4, "threads",
	    "must be between 0 and 1024");
	expect_error("integer overflow", MIN "size_limit: 99999999999\n", 4,
	    "size_limit", "must be between 0 and 2147483647");
	expect_error("huge number", MIN
	    "time_limit: 99999999999999999999999999999999\n", 4, "time_limit",
	    "must be between");
	expect_error("max_connections 0", MIN "max_connections: 0\n", 4,
	    "max_connections", "must be between 1 and");
	expect_error("uid 0", MIN "uid_min: 0\n", 4, "uid_min",
	    "must be between 1 and 4294967294");
	expect_error("bad size suffix", MIN "map_size: 16X\n", 4, "map_size",
	    "expected a size in bytes");
	expect_error("size suffix twice", MIN "map_size: 16GG\n", 4,
	    "map_size", "expected a size in bytes");
	expect_error("size too small", MIN "map_size: 4K\n", 4, "map_size",
	    "must be between 1048576 and");
	expect_error("max_pdu too large", MIN "max_pdu: 2G\n", 4, "max_pdu",
	    "must be between 1024 and 1073741824, got \"2G\"");
	expect_error("size overflow", MIN "map_size: 99999999999999999T\n", 4,
	    "map_size", "must be between");
	expect_error("bad boolean",
	    MIN "password_policy: {reject_account_name: maybe}\n", 4,
	    "password_policy.reject_account_name",
	    "expected true or false, got \"maybe\"");

	/* strings and lists */
	expect_error("empty suffix", "suffix: \"\"\ndata_dir: /x\n"
	    "listen: [ldap://h]\n", 1, "suffix", "must not be empty");
	expect_error("NUL in a string", MIN "user: \"a\\0b\"\n", 4, "user",
	    "NUL");
	expect_error("empty listen", "suffix: o=x\ndata_dir: /x\nlisten: []\n",
	    3, "listen", "at least one URL is required");
	expect_error("listen not an LDAP URL",
	    "suffix: o=x\ndata_dir: /x\nlisten:\n  - ldap://h\n"
	    "  - http://h\n", 5, "listen",
	    "expected a list of LDAP URLs, got \"http://h\"");
	expect_error("bad attribute name", MIN "index: [uid, \"cn sn\"]\n", 4,
	    "index", "got \"cn sn\"");
	expect_error("bad numeric OID", MIN "substr_index: [2.5..4]\n", 4,
	    "substr_index", "got \"2.5..4\"");
	memset(big, 'x', sizeof(big));
	memcpy(big, MIN "threads: ", strlen(MIN "threads: "));
	memcpy(big + sizeof(big) - 2, "\n", 2);
	expect_error("long value quoted short", big, 4, "threads",
	    "got \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"");

	/* required keys */
	expect_error("missing suffix", "data_dir: /x\nlisten: [ldap://h]\n", 1,
	    "suffix", "required key is missing");
	expect_error("missing data_dir, first key on line 3",
	    "# comment\n\nsuffix: o=x\nlisten: [ldap://h]\n", 3, "data_dir",
	    "required key is missing");
	expect_error("missing listen", "suffix: o=x\ndata_dir: /x\n", 1,
	    "listen", "required key is missing");
	expect_error("suffix without value",
	    "data_dir: /x\nsuffix:\nlisten: [ldap://h]\n", 2, "suffix",
	    "a value is required");
	expect_error("listen null", "suffix: o=x\ndata_dir: /x\nlisten: ~\n", 3,
	    "listen", "a value is required");

	/* cross-checks */
	expect_error("rootpw without rootdn", MIN "\nrootpw: x\n", 5, "rootpw",
	    "requires rootdn");
	expect_error("certificate without key",
	    MIN "tls:\n  certificate: /c\n", 4, "tls",
	    "certificate and key must be given together");
	expect_error("ca without certificate", MIN "tls: {ca: /ca}\n", 4,
	    "tls.ca", "requires tls.certificate");
	expect_error("ldaps without tls",
	    "suffix: o=x\ndata_dir: /x\n\nlisten: [ldap://h, ldaps://h]\n", 4,
	    "listen", "ldaps:// requires tls.certificate");
	expect_error("uid_min > uid_max", MIN "uid_min: 5000\nuid_max: 4000\n",
	    5, "uid_max", "uid_min (5000) is greater than uid_max (4000)");
	expect_error("uid_min over default uid_max", MIN "uid_min: 60000000\n",
	    4, "uid_max", "is greater than uid_max (59999999)");
	expect_error("gid_max under default gid_min", MIN "\ngid_max: 5\n",
	    5, "gid_max", "gid_min (10000) is greater than gid_max (5)");

	/* YAML level */
	expect_error("syntax: unclosed flow list",
	    "suffix: o=x\ndata_dir: /x\nlisten: [ldap://h\nthreads: 1\n", 4,
	    NULL, "YAML syntax error");
	expect_error("syntax: bad indentation",
	    "suffix: o=x\ndata_dir: /x\n  listen: [ldap://h]\n", 3, NULL,
	    "YAML syntax error");
	expect_error("syntax: tab indentation",
	    MIN "password_policy:\n\tmin_length: 8\n", 5, NULL,
	    "YAML syntax error");
	expect_error("syntax: unterminated quote",
	    MIN "user: \"abc\n", 5, NULL, "YAML syntax error");
	expect_error("syntax: undefined alias", MIN "index: *nothing\n", 4,
	    NULL, "YAML syntax error");
	expect_error("two documents", MIN "---\nthreads: 1\n", 5, NULL,
	    "only one YAML document is allowed");
	expect_error("empty file", "", 1, NULL, "configuration is empty");
	expect_error("only comments", "# nothing\n", 1, NULL,
	    "configuration is empty");
	expect_error("top level is a list", "\n- suffix\n", 2, NULL,
	    "expected a mapping of configuration keys");
	expect_error("top level is a scalar", "suffix\n", 1, NULL,
	    "expected a mapping of configuration keys");
}

static void
test_io_errors(void)
{
	struct config	 cfg;
	char		 err[256], want[200];

	snprintf(want, sizeof(want), "%s/missing.yaml", tdir);
	CHECK(config_load(want, &cfg, err, sizeof(err)) == -1 &&
	    strstr(err, "missing.yaml: No such file or directory") != NULL &&
	    cfg.path == NULL, "missing file: \"%s\"", err);
	CHECK(config_load(tdir, &cfg, err, sizeof(err)) == -1 &&
	    strstr(err, "Is a directory") != NULL, "directory: \"%s\"", err);
	/* A tiny buffer truncates the message but must not overflow. */
	CHECK(load(MIN "x: 1\n", &cfg, err, 8) == -1 && strlen(err) == 7,
	    "message truncated to the buffer");
}

/*
 * Settings to uncomment are "#key: value" at any indentation, and
 * "#  key: value" in column 0 inside a commented-out block; prose
 * comments are "# text".
 */
static char *
uncomment(const char *text)
{
	char		*out, *o;
	const char	*p;

	if ((out = malloc(strlen(text) + 1)) == NULL)
		exit(2);
	for (p = text, o = out; *p != '\0';) {
		if (p[0] == '#' && p[1] == ' ' && p[2] == ' ')
			p++;
		while (*p == ' ')
			*o++ = *p++;
		if (p[0] == '#' && p[1] != ' ' && p[1] != '\n' && p[1] != '#')
			p++;
		while (*p != '\0' && *p != '\n')
			*o++ = *p++;
		if (*p == '\n')
			*o++ = *p++;
	}
	*o = '\0';
	return out;
}

static void
test_packaged(void)
{
	static const char *const lis[] = { "ldap://127.0.0.1:389",
	    "ldapi://%2Frun%2Funifiedid%2Fdirsrv%2Fldapi", NULL };
	struct config	 cfg;
	char		 err[256], *text, *all;
	FILE		*fp;
	long		 len;

	CHECK(config_load("etc/dirsrv.yaml", &cfg, err, sizeof(err)) == 0,
	    "etc/dirsrv.yaml loads%s%s", *err ? ": " : "", err);
	if (cfg.suffix == NULL)
		return;
	CHECK(strcmp(cfg.suffix, "dc=example,dc=gov,dc=cn") == 0 &&
	    strcmp(cfg.data_dir, "/var/lib/unifiedid") == 0 &&
	    list_is(&cfg.listen, lis) &&
	    strcmp(cfg.schema_dir, "/usr/share/unifiedid/schema") == 0,
	    "packaged suffix, data_dir, listen, schema_dir");
	CHECK(cfg.rootpw == NULL && cfg.tls.certificate == NULL,
	    "packaged config has no root password and no TLS");
	CHECK(cfg.pw.min_length == 8 && cfg.pw.min_classes == 3 &&
	    cfg.pw.reject_account_name == 1 && cfg.pw.history == 5 &&
	    cfg.pw.max_failures == 5 && cfg.pw.lockout_seconds == 900 &&
	    cfg.pw.max_age_days == 0, "packaged password policy");
	config_free(&cfg);

	/* Every commented-out setting must be valid and at its default. */
	if ((fp = fopen("etc/dirsrv.yaml", "r")) == NULL ||
	    fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 ||
	    (text = calloc(1, (size_t)len + 1)) == NULL ||
	    fread(text, 1, (size_t)len, fp) != (size_t)len) {
		perror("etc/dirsrv.yaml");
		exit(2);
	}
	fclose(fp);
	all = uncomment(text);
	CHECK(load(all, &cfg, err, sizeof(err)) == 0,
	    "etc/dirsrv.yaml with every setting uncommented loads%s%s",
	    *err ? ": " : "", err);
	if (cfg.suffix != NULL) {
		CHECK(cfg.rootdn != NULL && cfg.rootpw != NULL &&
		    cfg.tls.ca != NULL && cfg.notify.command != NULL &&
		    cfg.user != NULL, "the optional settings are there");
		CHECK(cfg.index.n == 18 && cfg.substr_index.n == 8 &&
		    cfg.multival.n == 3 && cfg.map_size == (size_t)16 << 30 &&
		    cfg.max_pdu == (size_t)4 << 20 && cfg.idle_timeout == 900 &&
		    cfg.max_connections == 4096 && cfg.max_pending_ops == 64 &&
		    cfg.threads == 0 && cfg.size_limit == 1000 &&
		    cfg.time_limit == 60 && cfg.default_gid == 100 &&
		    cfg.uid_min == 10000 && cfg.uid_max == 59999999 &&
		    cfg.gid_min == 10000 && cfg.gid_max == 59999999 &&
		    strcmp(cfg.default_shell, "/bin/bash") == 0,
		    "the commented values are the defaults");
	}
	config_free(&cfg);
	free(all);
	free(text);
}

int
main(void)
{
	int	 rc;

	snprintf(tdir, sizeof(tdir), "/tmp/test_config.XXXXXX");
	if (mkdtemp(tdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(tpath, sizeof(tpath), "%s/dirsrv.yaml", tdir);
	test_minimal();
	test_full();
	test_values();
	test_errors();
	test_io_errors();
	test_packaged();
	rc = check_done();
	unlink(tpath);
	rmdir(tdir);
	return rc;
}
