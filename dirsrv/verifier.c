/*
 * verifier.c - automatic real-name verification (R7, R12; workflows.md
 * "Automatic verification").
 *
 * A write that needs a verification (identity fields of a person or key
 * fields of an enterprise changed, a person added, an administrator's
 * re-run) sets realNameStatus: verifying and records a job in the meta
 * table, "verify:<SHA-256 of the normalised DN>" -> DN, in its own
 * transaction: a write that aborts asks for nothing, and a job survives
 * a restart.  One thread here takes the jobs after the commits: it reads
 * the entry, runs realname.verifier (posix_spawn, no shell) with the
 * identity fields as one JSON object on its standard input - never on
 * its command line, never in the log - and reads one line back:
 *
 *   verified basic|intermediate|advanced
 *   failed REASON
 *   unsupported [REASON]
 *
 * within realname.timeout seconds (then the command's process group is
 * killed).  The answer is applied in a transaction of its own, only when
 * the entry is still verifying with the same identity fields (a SHA-256
 * digest of them before and after); otherwise the newer job runs next.
 * A wrong answer, a non-zero exit, a crash or a timeout leaves the
 * status unverified with a reason, and the server carries on.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include <openssl/sha.h>

#include "dirsrv.h"

extern char **environ;

#define JOB_PREFIX	"verify:"
#define JOB_PREFIX_LEN	7
#define ANSWER_MAX	1024

enum outcome { V_VERIFIED, V_FAILED, V_UNSUPPORTED, V_ERROR };

struct answer {
	enum outcome	 outcome;
	char		 level[16];	/* V_VERIFIED */
	char		 reason[600];	/* shown to the person */
};

static pthread_t	 v_thread;
static int		 v_running;
static pthread_mutex_t	 v_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 v_cv = PTHREAD_COND_INITIALIZER;
static int		 v_wake;
static volatile int	 v_stop;
static pid_t		 v_child = -1;

static const char *const person_fields[] = { "uid", "cn", "sn",
    "givenName", "idType", "idNumber", "idValidFrom", "idValidTo", NULL };
static const char *const enterprise_fields[] = { "uscc", "o",
    "enterpriseType", "regionType", "legalRepresentative", NULL };
static const char *const rep_fields[] = { "uid", "cn", "idType", "idNumber",
    NULL };

int
verifier_configured(void)
{
	return srv->cfg->realname.verifier != NULL &&
	    *srv->cfg->realname.verifier != '\0';
}

static const struct berval *
v_first(const struct entry *e, const char *name)
{
	struct attrtype *at = schema_at(srv->schema, name, strlen(name));
	struct attr *a = at ? entry_find(e, at) : NULL;

	return a && a->nv ? &a->vals[0] : NULL;
}

static void
v_job_key(const struct berval *ndn, char *key)
{
	unsigned char h[SHA256_DIGEST_LENGTH];
	size_t i;

	SHA256((const unsigned char *)ndn->bv_val, ndn->bv_len, h);
	memcpy(key, JOB_PREFIX, JOB_PREFIX_LEN);
	for (i = 0; i < sizeof(h); i++)
		snprintf(key + JOB_PREFIX_LEN + 2 * i, 3, "%02x", h[i]);
}

/* record a job for ndn in txn (the write's transaction); 0 or LMDB error */
int
verifier_queue(MDB_txn *txn, const struct berval *ndn)
{
	char key[JOB_PREFIX_LEN + 2 * SHA256_DIGEST_LENGTH + 1];
	MDB_val k, v;

	v_job_key(ndn, key);
	k.mv_data = key;
	k.mv_size = strlen(key);
	v.mv_data = ndn->bv_val;
	v.mv_size = ndn->bv_len;
	return mdb_put(txn, srv->store.meta, &k, &v, 0);
}

void
verifier_wake(void)
{
	pthread_mutex_lock(&v_mu);
	v_wake = 1;
	pthread_cond_signal(&v_cv);
	pthread_mutex_unlock(&v_mu);
}

/* ---- the request: JSON on the command's standard input, and a digest ---- */

static int
is_enterprise(const struct entry *e)
{
	return entry_has_class(srv->schema, e, "unifiedidenterprise");
}

static void
v_fields(struct buf *json, struct buf *sha, const struct entry *e,
    const char *const *names)
{
	const struct berval *v;
	char *s;
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		v = v_first(e, names[i]);
		if (sha != NULL) {
			buf_add(sha, names[i], strlen(names[i]) + 1);
			if (v != NULL)
				buf_add(sha, v->bv_val, v->bv_len);
			buf_addc(sha, '\0');
		}
		buf_addc(json, ',');
		if (v == NULL) {
			buf_printf(json, "\"%s\":null", names[i]);
			continue;
		}
		s = xstrndup(v->bv_val, v->bv_len);
		notify_json(json, names[i], s);
		free(s);
	}
}

/*
 * The verifier's request for e (a person or an enterprise, with its
 * legal representative's identity read in txn) and the digest of the
 * fields it depends on.  Returns -1 for other entries.
 */
static int
v_request(MDB_txn *txn, struct arena *ar, const struct entry *e,
    struct buf *json, unsigned char digest[SHA256_DIGEST_LENGTH])
{
	struct buf sha = { 0 };
	const struct berval *rep;
	struct entry r;
	char *dn;

	buf_addstr(json, "{\"kind\":");
	if (is_enterprise(e)) {
		buf_addstr(json, "\"enterprise\"");
		v_fields(json, &sha, e, enterprise_fields);
		rep = v_first(e, "legalRepresentative");
		if (rep != NULL && store_get_dn(&srv->store, txn, ar, rep,
		    &r) == 0) {
			buf_addstr(json, ",\"representative\":{\"kind\":"
			    "\"person\"");
			v_fields(json, NULL, &r, rep_fields);
			buf_addc(json, '}');
		}
	} else if (entry_has_class(srv->schema, e, "unifiedidperson")) {
		buf_addstr(json, "\"person\"");
		v_fields(json, &sha, e, person_fields);
	} else {
		buf_free(&sha);
		return -1;
	}
	buf_addc(json, ',');
	dn = xstrndup(e->dn.bv_val, e->dn.bv_len);
	notify_json(json, "dn", dn);
	free(dn);
	buf_addstr(json, "}\n");
	SHA256(sha.p, sha.len, digest);
	explicit_bzero(sha.p, sha.len);
	buf_free(&sha);
	return 0;
}

/* ---- running the command ---- */

static void
v_error(struct answer *a, const char *why)
{
	a->outcome = V_ERROR;
	snprintf(a->reason, sizeof(a->reason), "%s", why);
}

/* one line of UTF-8 text without control characters */
static int
v_text_ok(const char *s)
{
	const struct syntax *ds = syntax_find("1.3.6.1.4.1.1466.115.121.1.15");
	struct berval v = { strlen(s), (char *)(uintptr_t)s };
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return ds == NULL || ds->validate == NULL || ds->validate(&v);
}

static void
v_parse(char *line, struct answer *a)
{
	static const char *const levels[] = { "basic", "intermediate",
	    "advanced" };
	size_t i, n = strcspn(line, "\n");

	line[n] = '\0';
	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	if (strncmp(line, "verified ", 9) == 0) {
		for (i = 0; i < NELEM(levels); i++)
			if (strcmp(line + 9, levels[i]) == 0) {
				a->outcome = V_VERIFIED;
				snprintf(a->level, sizeof(a->level), "%s",
				    levels[i]);
				return;
			}
	} else if (strncmp(line, "failed ", 7) == 0 && line[7] != '\0' &&
	    strlen(line + 7) < 512 && v_text_ok(line + 7)) {
		a->outcome = V_FAILED;
		snprintf(a->reason, sizeof(a->reason), "%.511s", line + 7);
		return;
	} else if (strcmp(line, "unsupported") == 0 ||
	    (strncmp(line, "unsupported ", 12) == 0 &&
	    strlen(line + 12) < 400 && v_text_ok(line + 12))) {
		a->outcome = V_UNSUPPORTED;
		snprintf(a->reason, sizeof(a->reason), "automatic verification "
		    "does not cover this document%s%.399s; upload scans of it for "
		    "a manual review", line[11] ? ": " : "",
		    line[11] ? line + 12 : "");	/* < 400 bytes: checked */
		return;
	}
	v_error(a, "the automatic verifier gave no valid answer; an "
	    "administrator may run it again, or upload scans for a manual "
	    "review");
}

static void
v_kill(pid_t pid)
{
	kill(-pid, SIGKILL);	/* its own process group: helpers go too */
	kill(pid, SIGKILL);
}

/* run the verifier with json on its standard input; fills a */
static void
v_run(const char *json, size_t len, struct answer *a)
{
	const char *cmd = srv->cfg->realname.verifier;
	char *argv[] = { (char *)(uintptr_t)cmd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dflt;
	char out[ANSWER_MAX + 1];
	size_t got = 0;
	uint64_t deadline;
	int in[2] = { -1, -1 }, o[2] = { -1, -1 }, st = 0, done = 0, rc;
	pid_t pid = -1;
	ssize_t n;

	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(o, O_CLOEXEC) != 0) {
		log_warn("realname.verifier: pipe: %s", strerror(errno));
		v_error(a, "the automatic verifier could not be started");
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, o[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null",
	    O_WRONLY, 0);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);	/* the server ignores these */
	sigaddset(&dflt, SIGHUP);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dflt);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&pid, cmd, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(in[0]);
	close(o[1]);
	in[0] = o[1] = -1;
	if (rc != 0) {
		log_warn("realname.verifier %s: cannot start: %s", cmd,
		    strerror(rc));
		v_error(a, "the automatic verifier could not be started");
		pid = -1;
		goto out;
	}
	pthread_mutex_lock(&v_mu);
	v_child = pid;
	pthread_mutex_unlock(&v_mu);
	/* the request is small: it fits the pipe, the write cannot block */
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	n = write(in[1], json, len);
	(void)n;	/* a verifier that does not read answers anyway */
	close(in[1]);
	in[1] = -1;
	deadline = now_ms_monotonic() + (uint64_t)srv->cfg->realname.timeout *
	    1000;
	/* its output until end of file, then its exit */
	while (!done) {
		struct pollfd p = { o[0], POLLIN, 0 };
		uint64_t now = now_ms_monotonic();

		if (now >= deadline || v_stop)
			break;
		if (o[0] >= 0) {
			if (poll(&p, 1, (int)(deadline - now > 200 ? 200 :
			    deadline - now)) <= 0)
				continue;
			n = read(o[0], out + got, ANSWER_MAX - got);
			if (n > 0 && (got += (size_t)n) < ANSWER_MAX)
				continue;
			if (n < 0 && errno == EINTR)
				continue;
			close(o[0]);	/* end of file, or enough */
			o[0] = -1;
		}
		rc = waitpid(pid, &st, WNOHANG);
		if (rc == pid)
			done = 1;
		else if (rc < 0) {
			st = -1;
			done = 1;
		} else
			usleep(10000);
	}
	if (!done) {
		v_kill(pid);
		waitpid(pid, &st, 0);
		if (v_stop)
			v_error(a, "the server stopped during the verification");
		else {
			log_warn("realname.verifier: no answer within %d s, "
			    "killed", srv->cfg->realname.timeout);
			v_error(a, "the automatic verifier did not answer in "
			    "time; an administrator may run it again");
		}
	} else if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		log_warn("realname.verifier: exited with status %d",
		    st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		v_error(a, "the automatic verifier failed; an administrator "
		    "may run it again");
	} else {
		out[got] = '\0';
		if (memchr(out, '\0', got) != NULL)
			out[0] = '\0';
		v_parse(out, a);
		if (a->outcome == V_ERROR)
			log_warn("realname.verifier: an answer that is not "
			    "one of the protocol's lines");
	}
	pthread_mutex_lock(&v_mu);
	v_child = -1;
	pthread_mutex_unlock(&v_mu);
out:
	if (in[0] >= 0)
		close(in[0]);
	if (in[1] >= 0)
		close(in[1]);
	if (o[0] >= 0)
		close(o[0]);
	if (o[1] >= 0)
		close(o[1]);
}

/* ---- applying the answer ---- */

/* the person told: the entry's mobile, an enterprise's representative's */
static void
v_tell(struct op *op, MDB_txn *txn, const struct entry *e,
    const struct answer *a)
{
	const struct berval *to = v_first(e, "mobile"), *rep;
	struct entry r;
	char msg[1400];

	if (a->outcome == V_ERROR)
		return;	/* our failure, not theirs: an administrator re-runs */
	if (is_enterprise(e) && (rep = v_first(e, "legalRepresentative")) !=
	    NULL && store_get_dn_copy(&srv->store, txn, &op->arena, rep, &r) ==
	    0)
		to = v_first(&r, "mobile");
	if (a->outcome == V_VERIFIED)
		snprintf(msg, sizeof(msg), "【统一身份认证】实名认证已通过（%s）。"
		    "Real-name verification passed (%s).", a->level, a->level);
	else
		snprintf(msg, sizeof(msg), "【统一身份认证】实名认证未通过：%s。"
		    "可上传证件扫描件申请人工审核。Real-name verification "
		    "failed: %s", a->reason, a->reason);
	notify_queue(op, a->outcome == V_VERIFIED ? "realname-verified" :
	    "realname-unverified", to, &e->dn, msg);
}

static int
v_drop(MDB_txn *txn, const MDB_val *key)
{
	MDB_val k = *key;
	int rc = mdb_del(txn, srv->store.meta, &k, NULL);

	return rc == MDB_NOTFOUND ? 0 : rc;
}

/*
 * Apply a to the entry ndn if it is still verifying with the identity
 * the verifier saw (digest); the job is done unless a newer one waits.
 */
static void
v_apply(const MDB_val *key, const struct berval *ndn,
    const unsigned char digest[SHA256_DIGEST_LENGTH], const struct answer *a)
{
	struct op op;
	struct entry cur, *ne;
	struct buf json = { 0 };
	unsigned char now_digest[SHA256_DIGEST_LENGTH];
	MDB_txn *txn = NULL;
	char ts[16];
	int rc;

	memset(&op, 0, sizeof(op));
	op.binddn = srv->rootdn.bv_len ? srv->rootdn : srv->suffix;
	if ((rc = mdb_txn_begin(srv->store.env, NULL, 0, &txn)) != 0) {
		log_err("realname verification: %s", mdb_strerror(rc));
		goto done;
	}
	op.txn = txn;
	if (store_get_dn_copy(&srv->store, txn, &op.arena, ndn, &cur) != 0 ||
	    v_request(txn, &op.arena, &cur, &json, now_digest) != 0 ||
	    (v_first(&cur, "realNameStatus") == NULL ||
	    strncmp(v_first(&cur, "realNameStatus")->bv_val, "verifying",
	    9) != 0)) {
		/* gone, or decided otherwise meanwhile */
		rc = v_drop(txn, key);
		goto commit;
	}
	if (memcmp(digest, now_digest, sizeof(now_digest)) != 0) {
		/* changed while it ran: the newer job stays and runs next */
		mdb_txn_abort(txn);
		goto done;
	}
	ne = entry_dup(&op.arena, &cur);
	gentime_format((long long)time(NULL), ts);
	workflow_set_value(&op, ne, "realNameStatus", a->outcome == V_VERIFIED ?
	    "verified" : "unverified");
	workflow_set_value(&op, ne, "realNameLevel", a->outcome == V_VERIFIED ? a->level :
	    "none");
	workflow_set_value(&op, ne, "realNameReason", a->outcome == V_VERIFIED ? NULL :
	    a->reason);
	workflow_set_value(&op, ne, "realNameReviewer", NULL);
	workflow_set_value(&op, ne, "realNameReviewTime", ts);
	write_stamp(&op, ne, 0);
	if ((rc = store_modify(&srv->store, txn, &op.arena, &cur, ne)) == 0)
		rc = v_drop(txn, key);
	if (rc == 0)
		v_tell(&op, txn, ne, a);
commit:
	if (rc == 0)
		rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	if (rc != 0)
		log_err("realname verification: %s", mdb_strerror(rc));
	else {
		notify_flush(&op);
		log_info("realname verification of %.*s: %s",
		    (int)ndn->bv_len, ndn->bv_val, a->outcome == V_VERIFIED ?
		    "verified" : a->outcome == V_FAILED ? "failed" :
		    a->outcome == V_UNSUPPORTED ? "unsupported" : "no answer");
	}
done:
	buf_free(&json);
	arena_free(&op.arena);
}

/* a job whose entry cannot be verified any more: forget it */
static void
v_forget(const MDB_val *key)
{
	MDB_txn *txn;

	if (mdb_txn_begin(srv->store.env, NULL, 0, &txn) != 0)
		return;
	if (v_drop(txn, key) != 0 || mdb_txn_commit(txn) != 0)
		log_err("realname verification: cannot drop a job");
}

/*
 * The first job, if any: its key and DN are copied to the arena, the
 * verifier's request and its digest built from the entry.  Returns 1 with
 * a job, 0 without, -1 for a job to forget (key set).
 */
static int
v_next(struct arena *ar, MDB_val *key, struct berval *ndn, struct buf *json,
    unsigned char digest[SHA256_DIGEST_LENGTH])
{
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k = { JOB_PREFIX_LEN, (void *)(uintptr_t)JOB_PREFIX }, v;
	struct entry e;
	const struct berval *st;
	int rc = 0;

	if (mdb_txn_begin(srv->store.env, NULL, MDB_RDONLY, &txn) != 0)
		return 0;
	if (mdb_cursor_open(txn, srv->store.meta, &cur) != 0) {
		mdb_txn_abort(txn);
		return 0;
	}
	if (mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE) == 0 &&
	    k.mv_size > JOB_PREFIX_LEN &&
	    memcmp(k.mv_data, JOB_PREFIX, JOB_PREFIX_LEN) == 0) {
		key->mv_size = k.mv_size;
		key->mv_data = arena_memdup(ar, k.mv_data, k.mv_size);
		ndn->bv_len = v.mv_size;
		ndn->bv_val = arena_strndup(ar, v.mv_data, v.mv_size);
		rc = -1;
		if (store_get_dn_copy(&srv->store, txn, ar, ndn, &e) == 0 &&
		    (st = v_first(&e, "realNameStatus")) != NULL &&
		    st->bv_len == 9 && memcmp(st->bv_val, "verifying", 9) == 0 &&
		    v_request(txn, ar, &e, json, digest) == 0)
			rc = 1;
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return rc;
}

static void *
v_main(void *arg)
{
	unsigned char digest[SHA256_DIGEST_LENGTH];
	struct answer a;
	struct arena ar = { 0 };
	struct buf json = { 0 };
	struct berval ndn;
	MDB_val key;
	int rc;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&v_mu);
		while (!v_wake && !v_stop)
			pthread_cond_wait(&v_cv, &v_mu);
		v_wake = 0;
		pthread_mutex_unlock(&v_mu);
		while (!v_stop) {
			json.len = 0;
			rc = v_next(&ar, &key, &ndn, &json, digest);
			if (rc == 0)
				break;
			if (rc < 0) {
				v_forget(&key);
				arena_reset(&ar);
				continue;
			}
			memset(&a, 0, sizeof(a));
			if (!verifier_configured())
				v_error(&a, "no automatic verifier is configured");
			else
				v_run((const char *)json.p, json.len, &a);
			explicit_bzero(json.p, json.len);	/* ID numbers */
			if (!v_stop)
				v_apply(&key, &ndn, digest, &a);
			arena_reset(&ar);
		}
		if (v_stop)
			break;
	}
	if (json.p != NULL)
		explicit_bzero(json.p, json.cap);
	buf_free(&json);
	arena_free(&ar);
	arena_thread_cleanup();
	return NULL;
}

/* at start-up: the thread, which first takes the jobs left by the last run */
void
verifier_start(void)
{
	v_stop = 0;
	v_wake = 1;
	if (pthread_create(&v_thread, NULL, v_main, NULL) == 0)
		v_running = 1;
	else
		log_err("realname verification: cannot start its thread");
}

/* at shutdown, before the store closes: a running verifier is killed and
 * its job stays for the next start */
void
verifier_stop(void)
{
	if (!v_running)
		return;
	pthread_mutex_lock(&v_mu);
	v_stop = 1;
	if (v_child > 0)
		v_kill(v_child);
	pthread_cond_signal(&v_cv);
	pthread_mutex_unlock(&v_mu);
	pthread_join(v_thread, NULL);
	v_running = 0;
}
