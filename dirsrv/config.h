/*
 * config.h - unifiedid-dirsrv configuration (YAML, libyaml).
 *
 * config_load() fills a struct config from a YAML file; every key of
 * contract.md section 2 plus the server limits below.  Unknown top-level
 * keys are an error (a typo must not be silently ignored).  Strings are
 * heap-allocated and owned by the struct; config_free() releases them.
 */
#ifndef UNIFIEDID_CONFIG_H
#define UNIFIEDID_CONFIG_H

#include <stddef.h>

struct strlist {
	char	**v;		/* NULL-terminated */
	size_t	  n;
};

struct pwpolicy {
	int	min_length;		/* default 8 */
	int	min_classes;		/* default 3 (of upper, lower, digit, special) */
	int	reject_account_name;	/* default 1 */
	int	history;		/* default 5 */
	int	max_failures;		/* default 5 (0 = no lockout) */
	int	lockout_seconds;	/* default 900 */
	int	max_age_days;		/* default 0 = never expires */
};

struct config {
	char	*path;			/* file it was read from */
	char	*suffix;		/* required */
	char	*data_dir;		/* required */
	struct strlist listen;		/* required, LDAP URLs */
	char	*rootdn;		/* optional */
	char	*rootpw;		/* optional; {SCHEME}hash or cleartext */
	int	 rootpw_cleartext;	/* set when rootpw has no {SCHEME} */
	char	*schema_dir;		/* default /usr/share/unifiedid/schema */
	struct {
		char	*certificate;
		char	*key;
		char	*ca;
	} tls;
	struct pwpolicy pw;
	struct {
		char	*command;
		char	*outbox;
	} notify;

	/* storage */
	struct strlist index;		/* equality-indexed attributes */
	struct strlist substr_index;	/* substring-indexed attributes */
	struct strlist multival;	/* attributes stored value-per-row */
	struct strlist acl;		/* access rules before the defaults */
	size_t	 map_size;		/* LMDB map size in bytes, default 16 GiB */

	/* server limits */
	size_t	 max_pdu;		/* bytes, default 4 MiB */
	int	 idle_timeout;		/* seconds, default 900; 0 = none */
	int	 max_connections;	/* default 4096 */
	int	 max_pending_ops;	/* per connection, default 64 */
	int	 threads;		/* worker threads, 0 = auto */
	int	 size_limit;		/* entries per search, default 1000; 0 = none */
	int	 time_limit;		/* seconds per search, default 60; 0 = none */
	char	*user;			/* drop privileges to this user after listen */
	int	 require_secure_bind;	/* simple binds only over TLS or ldapi */
	int	 rehash_on_bind;	/* replace older hashes by yescrypt, default 1 */
	int	 anon_rate;		/* applications, reset and recovery
					   requests per minute per address */
	char	*audit_log;		/* JSON lines file; none by default */
	int	 bind_rate;		/* failed binds per second per client
					   address before refusing; 0 = off */

	/* real-name verification (R7): external verifier command, run with
	   the identity fields; none = status stays unverified */
	struct {
		char	*verifier;
		int	 timeout;	/* seconds, default 10 */
	} realname;
	/* legacy accounts (R14): until this time (UTC, seconds since the
	   epoch; 0 = never) a person may bind with the legacyUid name */
	long long legacy_login_until;

	/* POSIX defaults used by later workflows */
	char	*default_shell;		/* default /bin/bash */
	long	 default_gid;		/* default 100 */
	long	 uid_min;		/* default 10000 */
	long	 uid_max;		/* default 59999999 */
	long	 gid_min;		/* default 10000 */
	long	 gid_max;		/* default 59999999 */
};

/*
 * Read and validate path into *cfg.  Returns 0, or -1 with a one-line
 * message in err (e.g. "dirsrv.yaml:12: listen: expected a list of LDAP URLs").
 * On failure *cfg is left freed (no need to call config_free).
 */
int	config_load(const char *path, struct config *cfg, char *err, size_t errlen);

/* Set every field to its default (strings NULL, lists empty). */
void	config_defaults(struct config *cfg);

void	config_free(struct config *cfg);

#endif
