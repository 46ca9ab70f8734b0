/*
 * agent.h - unifiedid-agent's private header: the one global state
 * (struct agent), and the prototypes of every file of agent/, by file.
 *
 * The agent answers the protocol of common/agent_proto.h on a unix socket
 * (server.c), from an LMDB cache (cache.c) that it fills from the
 * directory over libldap (ldapc.c, fetch.c): single lookups on demand
 * (lookup.c), everything at start and every cache_ttl_seconds
 * (refresh.c), which it also publishes in the NSS map (common/nssmap.h)
 * so that hot lookups need no socket.  auth.c binds as the person and
 * keeps the offline hash.  docs/agent.md describes the behaviour.
 */
#ifndef UNIFIEDID_AGENT_H
#define UNIFIEDID_AGENT_H

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <lmdb.h>

#include "agent_proto.h"
#include "util.h"

#define AGENT_DEFAULT_CONFIG	"/etc/unifiedid/agent.yaml"

/* ---- config.c ---- */

struct agent_config {
	char	 *path;
	char	**uri;			/* NULL-terminated, tried in order */
	size_t	  nuri;
	char	 *base;
	char	 *binddn;
	char	 *bindpw_file;
	char	 *bindpw;		/* read from bindpw_file */
	char	 *tls_ca;
	char	 *cache_dir;
	char	 *socket;
	char	 *map;			/* default dirname(socket)/nss.map */
	long	  cache_ttl;		/* cache_ttl_seconds */
	long	  negative_ttl;		/* negative_ttl_seconds */
	long	  offline_days;		/* offline_login_days, 0 = never */
	long	  timeout;		/* timeout_seconds, per LDAP step */
	long	  retry;		/* retry_seconds: a dead server rests */
	long	  auth_rate;		/* auth attempts a minute per uid */
	long	  max_age_days;		/* password_max_age_days, 0 unknown */
	long	  max_clients;		/* connections served at once */
	long	  cache_size;		/* LMDB map size, MiB */
	int	  mobile_login;
};

/* Load and check path into cfg (bindpw_file read, mode checked).
 * 0, or -1 with a message "file:line: key: why" in err. */
int	config_load(const char *path, struct agent_config *cfg, char *err,
	    size_t errlen) __attribute__((warn_unused_result));
void	config_free(struct agent_config *cfg);

/* ---- rec.c: string vectors and the cached record encoding ---- */

/* A list of NUL-terminated strings (owned). */
struct sv {
	char	**v;
	uint32_t  n, cap;
};
void	sv_add(struct sv *, const char *s);
void	sv_addf(struct sv *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	sv_free(struct sv *);

/*
 * A cached record: u64 fetch time, u32 count, then count times (u32
 * length, bytes, NUL), little-endian.  rec_encode() returns a malloc'd
 * buffer of *len bytes; rec_decode() checks every length against the
 * value and fills r (fields NUL-terminated; a copy: valid after the
 * transaction) and *fetched.  0, or -1 (EINVAL) for a malformed value.
 */
void	*rec_encode(const struct sv *, int64_t fetched, size_t *len);
int	 rec_decode(const void *p, size_t len, struct ua_rec *r,
	    int64_t *fetched);
/*
 * The same without copying: fields point into p (valid while the LMDB
 * transaction is).  f is allocated (free it); returns the field count,
 * or -1.
 */
int	 rec_view(const void *p, size_t len, const char ***f,
	    int64_t *fetched);

/* ---- cache.c: the LMDB cache ---- */

/*
 * Tables.  Records (rec.c encoding):
 *   DB_PW   name -> user: [name, "x", uid, gid, gecos, dir, shell, dn,
 *           accountStatus, statusReason, realNameLevel, pwdReset,
 *           pwdChangedTime (epoch), mobile, shadowLastChange, shadowMin,
 *           shadowMax, shadowWarning, shadowInactive, shadowExpire]
 *   DB_GR   name -> group: [name, "x", gid, dn, kind ("org"/"role"),
 *           member...]
 *   DB_IG   name -> initgroups: [gid, group name]... in UA_INITGROUPS
 *           order
 *   DB_OFF  name -> offline login: [hash, stored (epoch), expires_at
 *           (epoch of the last expiry warning, or "")]
 * Indexes (value = name): DB_UID uid, DB_GID gid, DB_MOB mobile.
 * DB_NEG "p:name" "u:uid" "g:name" "G:gid" "m:mobile" -> time of the
 * "no such entry" answer.  DB_META "full" -> time of the last complete
 * refresh.
 */
enum cache_db { DB_PW, DB_GR, DB_IG, DB_OFF, DB_UID, DB_GID, DB_MOB,
	DB_NEG, DB_META, DB_N };

/* user record field indexes */
enum { U_NAME, U_PASSWD, U_UID, U_GID, U_GECOS, U_DIR, U_SHELL, U_DN,
	U_STATUS, U_REASON, U_REALNAME, U_PWDRESET, U_PWDCHANGED, U_MOBILE,
	U_SHLAST, U_SHMIN, U_SHMAX, U_SHWARN, U_SHINACT, U_SHEXPIRE, U_NFIELDS };
/* group record field indexes; members follow */
enum { G_NAME, G_PASSWD, G_GID, G_DN, G_KIND, G_MEMBERS };

int	cache_open(const char *dir, long size_mib, char *err, size_t errlen);
void	cache_close(void);
/* Get a record by key: 0 found, 1 not found, -1 error. */
int	cache_get(enum cache_db, const char *key, struct ua_rec *r,
	    int64_t *fetched);
/* Name behind an index key (DB_UID, DB_GID, DB_MOB) into buf: 0, 1, -1. */
int	cache_index(enum cache_db, const char *key, char *buf, size_t len);
/* Store a user (and its uid and mobile index entries, replacing what an
 * older version of the record indexed), a group (and gid), or any other
 * record; clears the matching negative entries. 0 or -1. */
int	cache_put_user(const struct sv *, int64_t fetched);
int	cache_put_group(const struct sv *, int64_t fetched);
int	cache_put(enum cache_db, const char *key, const struct sv *,
	    int64_t fetched);
/* Forget one record (with its index entries). */
void	cache_del(enum cache_db, const char *key);
/* Negative entries: time of the "not found" for key, or 0. */
int64_t	cache_neg_get(const char *key);
void	cache_neg_put(const char *key, int64_t when);
/* DB_META values (numbers). */
int64_t	cache_meta_get(const char *key);
void	cache_meta_put(const char *key, int64_t v);
/*
 * Batched writes for the full refresh: begin, queue many (each call
 * takes the record: *s is emptied), written in short transactions of a
 * thousand entries and the rest at cache_batch_end (or dropped when
 * commit is 0).  No transaction is open between the calls, so nothing
 * waits for the directory while holding LMDB's single writer lock.
 * cache_batch_* return 0 or -1 (a write failed: the rest is dropped).
 */
struct cache_batch;
struct cache_batch *cache_batch_begin(void);
int	cache_batch_user(struct cache_batch *, struct sv *, int64_t);
int	cache_batch_group(struct cache_batch *, struct sv *, int64_t);
int	cache_batch_put(struct cache_batch *, enum cache_db, const char *key,
	    struct sv *, int64_t);
int	cache_batch_end(struct cache_batch *, int commit);
/*
 * Writes a lookup queues for after its reply (per thread): a user
 * (DB_PW) or group (DB_GR) as cache_put_user/group, another record as
 * cache_put (never DB_OFF: not synced), a deletion as cache_del, a
 * negative entry as cache_neg_put.  The _entry and _put calls take *s.
 * cache_later_write() writes the thread's queue in one transaction
 * (server.c calls it once the client has its answer): 1 when it stored
 * something the NSS map would show (worth publishing: a group, a
 * person's groups, a person whose groups are known, a deletion), 0 when
 * not, -1 on a write error.
 */
void	cache_later_entry(enum cache_db, struct sv *, int64_t fetched);
void	cache_later_put(enum cache_db, const char *key, struct sv *,
	    int64_t fetched);
void	cache_later_del(enum cache_db, const char *key);
void	cache_later_neg(const char *key, int64_t when);
int	cache_later_write(void);
/* Delete users, groups and initgroups fetched before t (gone from the
 * directory); returns the number removed. */
size_t	cache_sweep(int64_t t);
/* Forget everything (all: also offline hashes). */
int	cache_flush(int all);
/* Entries in DB_PW, DB_GR. */
void	cache_counts(size_t *users, size_t *groups, size_t *offline);
/*
 * Walk a table in key order in one read transaction: fn gets each
 * record's fields (valid during the call) and returns 0 to go on, -1 to
 * stop.  Returns 0, or -1 if fn stopped or the walk failed.
 */
int	cache_walk(enum cache_db, int (*fn)(void *ctx, const char *const *f,
	    int n, int64_t fetched), void *ctx);
/* Read transaction for publish.c: views of DB_PW, DB_IG and DB_GR. */
MDB_txn	*cache_read_begin(void);
MDB_dbi	 cache_dbi(enum cache_db);

/* ---- ldapc.c: connections to the directory ---- */

#include <ldap.h>

/*
 * A connection to one of the configured servers.  ldc_connect() tries
 * the URIs in order (skipping for retry_seconds one that just failed,
 * unless all did), sets up TLS (ldaps://, or StartTLS on ldap:// when
 * tls_ca is set; certificates always verified) and returns 0, or -1 when
 * no server answers.  secure says whether a password may be sent (TLS,
 * ldapi://, or loopback).
 */
struct ldc {
	LDAP	*ld;
	int	 uri;		/* index into cfg.uri */
	int	 secure;
};
int	ldc_connect(struct ldc *);
/* connect and bind with the service account (or stay anonymous) */
int	ldc_open_service(struct ldc *);
void	ldc_close(struct ldc *);
/* 1 when rc means the server is gone (reconnect and try the next) */
int	ldc_is_down(int rc);
/* mark the connection's server down for retry_seconds */
void	ldc_mark_down(struct ldc *);
/* current server URI for status (copy into buf) */
void	ldc_current(char *buf, size_t len);
/*
 * Simple bind as dn with the password-policy request control.  Returns
 * the LDAP result code; *pp_err (-1 none), *expire and *grace (-1 none)
 * from the response control; *diag the server's message (malloc'd or
 * NULL).
 */
int	ldc_bind_user(struct ldc *, const char *dn, const char *pw,
	    int *pp_err, int *expire, int *grace, char **diag);

/*
 * The pool of service connections used by lookups.  ldc_pool_get()
 * returns a connected, bound connection held exclusively until
 * ldc_pool_put(), or NULL when no server answers.  Pass bad = 1 to
 * ldc_pool_put after a "server down" result: the connection is closed.
 */
struct ldc *ldc_pool_get(void);
void	ldc_pool_put(struct ldc *, int bad);
void	ldc_pool_close(void);

/* ---- fetch.c: directory entries to cache records ---- */

/*
 * Searches with the service connection.  Return 0 found, 1 not found,
 * -1 directory unreachable (or error).  Users come as user records
 * (DB_PW layout), groups as group records.
 */
int	fetch_user(const char *filter_attr, const char *value, struct sv *u);
int	fetch_group(const char *filter_attr, const char *value,
	    struct sv *g);
/* The groups of the person (name, DN, primary gid) in UA_INITGROUPS
 * order as a DB_IG record. */
int	fetch_initgroups(const char *name, const char *dn, const char *gid,
	    struct sv *ig);
/* One user entry to a record; 0, or -1 if unusable (logged). */
int	fetch_user_entry(LDAP *, LDAPMessage *, struct sv *u);
int	fetch_group_entry(LDAP *, LDAPMessage *, struct sv *g);
/*
 * Paged subtree search under base: fn is called for every entry; it
 * returns 0 to go on, else the search is abandoned
 * (LDAP_USER_CANCELLED).  Returns 0 or the LDAP result code.
 */
int	fetch_paged(struct ldc *, const char *filter, char **attrs,
	    int (*fn)(void *, LDAP *, LDAPMessage *), void *ctx);
/* the same for a background full refresh: before each page it lets
 * clients' lookups go first (server_busy), at most 50 ms a page */
int	fetch_paged_bg(struct ldc *, const char *filter, char **attrs,
	    int (*fn)(void *, LDAP *, LDAPMessage *), void *ctx);
extern char *fetch_user_attrs[], *fetch_group_attrs[];
/* sort the groups of one person into UA_INITGROUPS order */
struct ig_item {
	uint32_t	 gid;
	int		 role;		/* 0 organisation, 1 role */
	const char	*name;
};
size_t	ig_order(struct ig_item *, size_t n, uint32_t primary);

/* ---- lookup.c: NSS actions ---- */

struct req {
	int		 fd;
	uint16_t	 action;
	uid_t		 uid;
	gid_t		 gid;
	pid_t		 pid;
	int64_t		 end;		/* no write after this (monotonic ms) */
	struct ua_rec	 args;
	struct ua_wbuf	*out;		/* reply_buffer(), or NULL */
	struct req	*next;		/* waiting for a thread (server.c) */
};
int	lookup_pw(struct req *);
int	lookup_gr(struct req *);
int	lookup_initgroups(struct req *);
int	lookup_sp(struct req *);
int	lookup_pw_enum(struct req *);
int	lookup_gr_enum(struct req *);
int	lookup_sp_enum(struct req *);
/*
 * A user record by name (or by uid when byuid): fresh cache, else the
 * directory, else the stale cache.  0 found, 1 not found, 2 unavailable.
 * *live is set when the directory answered.
 */
int	lookup_user(const char *key, int byuid, int force, struct ua_rec *u,
	    int *live);
int	lookup_group(const char *key, int bygid, int force, struct ua_rec *g,
	    int *live);
/* the DB_IG record of user u: 0, 2 unavailable */
int	lookup_groups_of(const struct ua_rec *u, int force, struct ua_rec *ig);
/* a user record's fields (v) into the shadow fields (8), with buffers
 * in tmp */
void	lookup_shadow_fields(const char *const *v, struct ua_field *f,
	    char tmp[4][24]);

/* ---- auth.c: authentication, account state, password change ---- */

int	auth_auth(struct req *);
int	auth_account(struct req *);
int	auth_passwd(struct req *);

/* ---- server.c: the socket ---- */

/* write a whole response: status, optional one record, end (one send
 * when it fits in 4 KiB) */
int	reply(struct req *, uint16_t status, const struct ua_field *, uint32_t);
/*
 * A response in parts: reply_header, reply_rec..., reply_end, each
 * within the request's write deadline.  After reply_buffer() they are
 * gathered in buf (cap bytes, agent_proto.h struct ua_wbuf) and sent
 * when it is full and at reply_end, which stops the buffering; after an
 * error, reply_drop() wipes and forgets what was not sent.
 */
void	reply_buffer(struct req *, struct ua_wbuf *, void *buf, size_t cap);
int	reply_header(struct req *, uint16_t status);
int	reply_rec(struct req *, const struct ua_field *, uint32_t);
int	reply_end(struct req *);
void	reply_drop(struct req *);
int	server_run(int foreground_debug);
/* 1 while clients are being served or were within the last few ms */
int	server_busy(void);
/* per-uid token bucket for auth and passwd: 1 allowed, 0 busy */
int	rate_allow(uid_t uid);

/* ---- refresh.c: full refresh, map publication, heartbeat ---- */

int	refresh_start(void);
void	refresh_stop(void);
/* ask for a publication soon (debounced) */
void	refresh_publish_soon(void);
/* wait until the first full refresh has ended (or timeout_ms passed):
 * 1 when the cache holds a complete copy, 0 otherwise */
int	refresh_wait_first(int timeout_ms);
/* start a full refresh now (after a flush) */
void	refresh_now(void);
/* for status */
void	refresh_status(struct sv *);

/* ---- client.c: the admin and test subcommands ---- */

int	client_main(const char *socket, int argc, char **argv);

/* ---- main.c: the global state ---- */

struct agent {
	struct agent_config	 cfg;
	volatile sig_atomic_t	 stop;
	int64_t			 started;
};
extern struct agent ag;

#endif
