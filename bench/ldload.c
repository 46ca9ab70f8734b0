/*
 * ldload.c - LDAP load generator for the slapd / unifiedid-dirsrv comparison.
 *
 * Built on libldap's asynchronous API: every connection has one operation
 * outstanding at a time (closed loop).  A thread drives one connection with
 * blocking ldap_result() (the default: one connection per thread, as
 * design/benchmarking.md asks), or several connections with poll() when
 * -T gives fewer threads than connections.
 *
 * Modes (-m):
 *   search     (uid=userNNNNNN), NNNNNN uniform over 1..-n; exactly one
 *              entry with the expected DN must come back
 *   substr     (cn=*xyz*) with fragments from -F FILE ("frag count" lines,
 *              written by bench/gen-data); exactly count entries must come
 *              back
 *   bind       simple bind as a random uid=userNNNNNN,ou=people,BASE with
 *              password -w, on an already open connection, repeatedly
 *   mod        replace description of a random person (bind with -D/-w)
 *   memberadd  latency of adding one memberUid value to group -g (bind with
 *              -D/-w), -N times on one connection; each added value is
 *              deleted again (untimed) so the group keeps its size
 *
 * Every wrong result (result code, entry count, DN) is an error; any error
 * makes ldload print FAIL and exit 2.  The last line of output is
 *   RESULT key=value ...
 * for scripts.  With -p PID, the server's user+system CPU time over the
 * measured interval is read from /proc/PID/stat and divided by operations.
 *
 * Build: cc -O2 -o bench/build/ldload bench/ldload.c -lldap -llber -lpthread
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <ldap.h>

enum mode { M_SEARCH, M_SUBSTR, M_BIND, M_MOD, M_MEMBERADD };

#define MAX_CONNS	4096
#define OP_TIMEOUT_S	30
#define NBUCKETS	(64 * 40)

struct frag {
	char	 *s;
	int	  count;
};

struct conn {
	LDAP	 *ld;
	int	  fd;
	Sockbuf	 *sb;
	int	  msgid;		/* outstanding operation, -1 = none */
	int	  dead;
	int	  expect;		/* entries expected (search, substr) */
	long	  user;			/* user number of the operation */
	const char *frag;
	struct timespec t0;
};

struct worker {
	pthread_t	 th;
	int		 id;
	struct conn	*c;
	int		 nc;
	uint64_t	 rng;
	_Atomic uint64_t ops;
	_Atomic uint64_t errors;
	uint64_t	 rescued;	/* results found by the poll-timeout sweep */
	uint32_t	*hist;		/* latency histogram (measured phase) */
};

static struct {
	enum mode	 mode;
	const char	*uri;
	const char	*base;
	const char	*binddn;
	const char	*pw;
	const char	*group;
	const char	*fragfile;
	char		**attrs;
	int		 conns;
	int		 threads;
	double		 secs;
	double		 warmup;
	long		 pop;
	long		 nops;
	int		 verbose;
	pid_t		 spid;
	struct frag	*frags;
	int		 nfrags;
	_Atomic int	 phase;		/* 0 warm-up, 1 measured, 2 stop */
	_Atomic int	 errmsgs;
} g = {
	.mode = M_SEARCH, .uri = "ldap://127.0.0.1:389",
	.base = "dc=example,dc=gov,dc=cn", .conns = 1, .threads = 0,
	.secs = 10, .warmup = 2, .pop = 100000, .nops = 200,
};

static const char *mode_names[] = { "search", "substr", "bind", "mod", "memberadd" };

static void __attribute__((format(printf, 1, 2), noreturn))
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("ldload: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* Report one error; only the first few are printed. */
static void __attribute__((format(printf, 2, 3)))
op_error(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	atomic_fetch_add(&w->errors, 1);
	if (atomic_fetch_add(&g.errmsgs, 1) >= 10)
		return;
	va_start(ap, fmt);
	fputs("ldload: ERROR: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t
usec_since(const struct timespec *t0)
{
	struct timespec t;
	int64_t d;

	clock_gettime(CLOCK_MONOTONIC, &t);
	d = (int64_t)(t.tv_sec - t0->tv_sec) * 1000000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000;
	return d < 0 ? 0 : (uint64_t)d;
}

static uint64_t
rnd(struct worker *w)
{
	/* xorshift64* */
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 2685821657736338717ULL;
}

/* Log-linear histogram: exact below 64 us, then 64 buckets per octave. */
static int
bucket_of(uint64_t us)
{
	int msb, b;

	if (us < 64)
		return (int)us;
	msb = 63 - __builtin_clzll(us);
	b = (msb - 5) * 64 + (int)((us >> (msb - 6)) & 63);
	return b < NBUCKETS ? b : NBUCKETS - 1;
}

static uint64_t
bucket_value(int b)
{
	int msb;

	if (b < 64)
		return (uint64_t)b;
	msb = b / 64 + 5;
	return ((uint64_t)(64 + b % 64) << (msb - 6));
}

static uint64_t
hist_quantile(const uint64_t *h, double q)
{
	uint64_t total = 0, acc = 0, want;
	int b;

	for (b = 0; b < NBUCKETS; b++)
		total += h[b];
	if (total == 0)
		return 0;
	want = (uint64_t)(q * (double)total);
	if (want >= total)
		want = total - 1;
	for (b = 0; b < NBUCKETS; b++) {
		acc += h[b];
		if (acc > want)
			return bucket_value(b);
	}
	return 0;
}

/* utime + stime of a process, in seconds; -1 if unreadable. */
static double
proc_cpu(pid_t pid)
{
	char path[64], buf[2048], *p;
	unsigned long long ut, st;
	FILE *f;
	size_t n;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* fields after "(comm)": 3 state ... 14 utime 15 stime */
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
	    &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double
self_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/*
 * Whole-machine jiffies from /proc/stat: *busy = everything but idle and
 * iowait, *proc = time in processes (user, nice, system; not irq and
 * softirq, where the kernel accounts much of the loopback network work of
 * the benchmark itself, nor steal), *total = all.
 */
static void
machine_cpu(unsigned long long *busy, unsigned long long *proc,
    unsigned long long *total)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");

	*busy = *proc = *total = 0;
	if (f == NULL)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
	    &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
		for (int i = 0; i < 8; i++)
			*total += v[i];
		*busy = *total - v[3] - v[4];
		*proc = v[0] + v[1] + v[2];
	}
	fclose(f);
}

/* Percentage of the machine used by processes other than server and ldload. */
static double
other_load(unsigned long long p0, unsigned long long t0, unsigned long long p1,
    unsigned long long t1, double srv_s, double cli_s, double secs)
{
	double o;

	if (t1 <= t0 || g.spid <= 0 || secs <= 0)
		return 0;
	o = 100.0 * (double)(p1 - p0) / (double)(t1 - t0) -
	    100.0 * (srv_s + cli_s) / (secs * (double)sysconf(_SC_NPROCESSORS_ONLN));
	return o < 0 ? 0 : o;
}

static void
user_dn(char *buf, size_t len, long n)
{
	snprintf(buf, len, "uid=user%06ld,ou=people,%s", n, g.base);
}

static LDAP *
conn_open(const char *dn, const char *pw)
{
	struct berval cred;
	LDAP *ld;
	int rc, v3 = LDAP_VERSION3;

	if ((rc = ldap_initialize(&ld, g.uri)) != LDAP_SUCCESS)
		die("ldap_initialize(%s): %s", g.uri, ldap_err2string(rc));
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	cred.bv_val = (char *)(pw ? pw : "");
	cred.bv_len = strlen(cred.bv_val);
	/* Bind now so that the connection is open before the clock starts. */
	rc = ldap_sasl_bind_s(ld, dn ? dn : "", LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
	if (rc != LDAP_SUCCESS)
		die("bind as \"%s\" on %s: %s", dn ? dn : "", g.uri, ldap_err2string(rc));
	return ld;
}

/* Start the next operation on c. */
static void
op_issue(struct worker *w, struct conn *c)
{
	char dn[512], filter[128], val[64];
	struct berval cred;
	int rc = LDAP_OTHER;

	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	c->user = (long)(rnd(w) % (uint64_t)g.pop) + 1;
	switch (g.mode) {
	case M_SEARCH:
		snprintf(filter, sizeof(filter), "(uid=user%06ld)", c->user);
		c->expect = 1;
		rc = ldap_search_ext(c->ld, g.base, LDAP_SCOPE_SUBTREE, filter,
		    g.attrs, 0, NULL, NULL, NULL, 0, &c->msgid);
		break;
	case M_SUBSTR: {
		struct frag *f = &g.frags[rnd(w) % (uint64_t)g.nfrags];

		snprintf(filter, sizeof(filter), "(cn=*%s*)", f->s);
		c->expect = f->count;
		c->frag = f->s;
		rc = ldap_search_ext(c->ld, g.base, LDAP_SCOPE_SUBTREE, filter,
		    g.attrs, 0, NULL, NULL, NULL, 0, &c->msgid);
		break;
	}
	case M_BIND:
		user_dn(dn, sizeof(dn), c->user);
		cred.bv_val = (char *)g.pw;
		cred.bv_len = strlen(g.pw);
		rc = ldap_sasl_bind(c->ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
		    &c->msgid);
		break;
	case M_MOD: {
		char *vals[2] = { val, NULL };
		LDAPMod mod = { .mod_op = LDAP_MOD_REPLACE, .mod_type = "description",
		    .mod_values = vals };
		LDAPMod *mods[2] = { &mod, NULL };

		user_dn(dn, sizeof(dn), c->user);
		snprintf(val, sizeof(val), "ldload %" PRIu64, rnd(w) % 1000000000);
		rc = ldap_modify_ext(c->ld, dn, mods, NULL, NULL, &c->msgid);
		break;
	}
	case M_MEMBERADD:
		break;
	}
	if (rc != LDAP_SUCCESS) {
		op_error(w, "sending %s request: %s", mode_names[g.mode],
		    ldap_err2string(rc));
		c->msgid = -1;
		c->dead = 1;
	}
}

/* Check a complete response (res, a chain for searches) of c's operation. */
static void
op_check(struct worker *w, struct conn *c, LDAPMessage *res)
{
	LDAPMessage *m;
	char *errmsg = NULL, *dn, want[512];
	int err = LDAP_OTHER, n = 0, done = 0;

	for (m = ldap_first_message(c->ld, res); m; m = ldap_next_message(c->ld, m)) {
		switch (ldap_msgtype(m)) {
		case LDAP_RES_SEARCH_ENTRY:
			if (n++ == 0 && g.mode == M_SEARCH) {
				dn = ldap_get_dn(c->ld, m);
				user_dn(want, sizeof(want), c->user);
				if (dn == NULL || strcasecmp(dn, want) != 0)
					op_error(w, "search (uid=user%06ld): got entry \"%s\"",
					    c->user, dn ? dn : "(null)");
				ldap_memfree(dn);
			}
			break;
		case LDAP_RES_SEARCH_REFERENCE:
			op_error(w, "unexpected search reference");
			break;
		default:
			if (ldap_parse_result(c->ld, m, &err, NULL, &errmsg, NULL,
			    NULL, 0) != LDAP_SUCCESS)
				err = LDAP_DECODING_ERROR;
			done = 1;
			break;
		}
	}
	if (!done || err != LDAP_SUCCESS) {
		if (g.mode == M_BIND)
			op_error(w, "bind as uid=user%06ld: %s%s%s", c->user,
			    ldap_err2string(err), errmsg ? ": " : "", errmsg ? errmsg : "");
		else
			op_error(w, "%s: %s%s%s", mode_names[g.mode], ldap_err2string(err),
			    errmsg ? ": " : "", errmsg ? errmsg : "");
	} else if (g.mode == M_SEARCH && n != 1) {
		op_error(w, "search (uid=user%06ld): %d entries, expected 1", c->user, n);
	} else if (g.mode == M_SUBSTR && n != c->expect) {
		op_error(w, "search (cn=*%s*): %d entries, expected %d", c->frag, n,
		    c->expect);
	}
	ldap_memfree(errmsg);
}

static void
op_done(struct worker *w, struct conn *c, LDAPMessage *res)
{
	uint64_t us = usec_since(&c->t0);

	op_check(w, c, res);
	ldap_msgfree(res);
	c->msgid = -1;
	/* Count only operations that completed within the measured phase. */
	if (atomic_load_explicit(&g.phase, memory_order_relaxed) == 1)
		w->hist[bucket_of(us)]++;
	atomic_fetch_add_explicit(&w->ops, 1, memory_order_relaxed);
}

/* Collect c's response if complete; tmo NULL = wait.  1 done, 0 not yet. */
static int
op_collect(struct worker *w, struct conn *c, struct timeval *tmo)
{
	LDAPMessage *res = NULL;
	int rc;

	rc = ldap_result(c->ld, c->msgid, LDAP_MSG_ALL, tmo, &res);
	if (rc > 0) {
		op_done(w, c, res);
		return 1;
	}
	if (rc == 0) {
		if (usec_since(&c->t0) > OP_TIMEOUT_S * 1000000ULL) {
			op_error(w, "%s: no response after %d s", mode_names[g.mode],
			    OP_TIMEOUT_S);
			c->dead = 1;
		}
		return 0;
	}
	ldap_get_option(c->ld, LDAP_OPT_RESULT_CODE, &rc);
	op_error(w, "%s: connection lost: %s", mode_names[g.mode], ldap_err2string(rc));
	c->dead = 1;
	return 0;
}

static void *
worker_single(struct worker *w)
{
	struct conn *c = &w->c[0];
	struct timeval tmo = { OP_TIMEOUT_S, 0 };

	while (atomic_load_explicit(&g.phase, memory_order_relaxed) < 2 && !c->dead) {
		op_issue(w, c);
		if (!c->dead)
			op_collect(w, c, &tmo);
	}
	return NULL;
}

static void *
worker_multi(struct worker *w)
{
	struct pollfd pfd[MAX_CONNS];
	struct timeval zero = { 0, 0 };
	int i, n, live;

	for (i = 0; i < w->nc; i++)
		op_issue(w, &w->c[i]);
	while (atomic_load_explicit(&g.phase, memory_order_relaxed) < 2) {
		for (i = live = 0; i < w->nc; i++) {
			pfd[i].fd = w->c[i].dead ? -1 : w->c[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
			live += !w->c[i].dead;
		}
		if (live == 0)
			break;
		n = poll(pfd, (nfds_t)w->nc, 100);
		if (n < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		for (i = 0; i < w->nc; i++) {
			struct conn *c = &w->c[i];

			if (c->dead || (n > 0 && pfd[i].revents == 0 &&
			    !ber_sockbuf_ctrl(c->sb, LBER_SB_OPT_DATA_READY, NULL)))
				continue;
			/* n == 0: a sweep of every connection (libldap may hold a
			 * complete message in its buffer that poll cannot see). */
			if (op_collect(w, c, &zero) == 1) {
				if (n == 0)
					w->rescued++;
				if (atomic_load_explicit(&g.phase, memory_order_relaxed) < 2)
					op_issue(w, c);
			}
		}
	}
	return NULL;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	return w->nc == 1 ? worker_single(w) : worker_multi(w);
}

static void
load_frags(void)
{
	char line[256], s[64];
	int cnt, cap = 0;
	FILE *f;

	if (g.fragfile == NULL)
		die("substr mode needs -F FRAGMENTS-FILE (from bench/gen-data)");
	if ((f = fopen(g.fragfile, "r")) == NULL)
		die("%s: %s", g.fragfile, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %d", s, &cnt) != 2 || cnt < 1)
			continue;
		if (g.nfrags == cap) {
			cap = cap ? cap * 2 : 256;
			if ((g.frags = realloc(g.frags, (size_t)cap * sizeof(*g.frags))) == NULL)
				die("out of memory");
		}
		g.frags[g.nfrags].s = strdup(s);
		g.frags[g.nfrags++].count = cnt;
	}
	fclose(f);
	if (g.nfrags == 0)
		die("%s: no fragments", g.fragfile);
}

/* ": <server's diagnostic message>" of the last operation on ld, or "". */
static const char *
diag(LDAP *ld)
{
	static char buf[256];
	char *msg = NULL;

	buf[0] = '\0';
	if (ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &msg) == LDAP_OPT_SUCCESS &&
	    msg != NULL && *msg != '\0')
		snprintf(buf, sizeof(buf), ": %s", msg);
	ldap_memfree(msg);
	return buf;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* memberadd: serial add (timed) + delete (untimed) of one memberUid value. */
static int
run_memberadd(void)
{
	char val[64];
	char *vals[2] = { val, NULL };
	LDAPMod mod = { .mod_type = "memberUid", .mod_values = vals };
	LDAPMod *mods[2] = { &mod, NULL };
	uint64_t *lat, sum = 0;
	double cpu = 0, c0, c1, w0 = 0, w1, s0 = 0, s1, k0 = 0, k1, other;
	unsigned long long mb0 = 0, mp0 = 0, mt0 = 0, mb1, mp1, mt1;
	long i, nwarm = g.nops / 10 + 1, errors = 0;
	struct timespec t0;
	LDAP *ld;
	int rc;

	if (g.group == NULL)
		die("memberadd mode needs -g GROUP-DN");
	if ((lat = calloc((size_t)g.nops, sizeof(*lat))) == NULL)
		die("out of memory");
	ld = conn_open(g.binddn, g.pw);
	for (i = -nwarm; i < g.nops; i++) {
		if (i == 0) {
			w0 = now();
			s0 = proc_cpu(g.spid);
			k0 = self_cpu();
			machine_cpu(&mb0, &mp0, &mt0);
		}
		snprintf(val, sizeof(val), "ldload-%d-%ld", (int)getpid(), i + nwarm);
		mod.mod_op = LDAP_MOD_ADD;
		c0 = proc_cpu(g.spid);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = ldap_modify_ext_s(ld, g.group, mods, NULL, NULL);
		if (i >= 0)
			lat[i] = usec_since(&t0);
		c1 = proc_cpu(g.spid);
		if (i >= 0 && c0 >= 0 && c1 >= 0)
			cpu += c1 - c0;
		if (rc != LDAP_SUCCESS) {
			if (errors++ < 10)
				fprintf(stderr, "ldload: ERROR: add memberUid %s to %s: %s%s\n",
				    val, g.group, ldap_err2string(rc), diag(ld));
			continue;
		}
		mod.mod_op = LDAP_MOD_DELETE;
		rc = ldap_modify_ext_s(ld, g.group, mods, NULL, NULL);
		if (rc != LDAP_SUCCESS && errors++ < 10)
			fprintf(stderr, "ldload: ERROR: delete memberUid %s from %s: %s%s\n",
			    val, g.group, ldap_err2string(rc), diag(ld));
	}
	w1 = now();
	s1 = proc_cpu(g.spid);
	k1 = self_cpu();
	machine_cpu(&mb1, &mp1, &mt1);
	ldap_unbind_ext_s(ld, NULL, NULL);
	other = other_load(mp0, mt0, mp1, mt1, s1 - s0, k1 - k0, w1 - w0);
	for (i = 0; i < g.nops; i++)
		sum += lat[i];
	qsort(lat, (size_t)g.nops, sizeof(*lat), cmp_u64);
	printf("memberadd %s: %ld adds, median %.3f ms, p10 %.3f ms, p90 %.3f ms, "
	    "mean %.3f ms, errors %ld\n", g.group, g.nops, lat[g.nops / 2] / 1e3,
	    lat[g.nops / 10] / 1e3, lat[g.nops * 9 / 10] / 1e3,
	    (double)sum / (double)g.nops / 1e3, errors);
	printf("RESULT mode=memberadd ops=%ld errors=%ld p50_us=%" PRIu64
	    " p10_us=%" PRIu64 " p90_us=%" PRIu64 " mean_us=%.0f srv_cpu_us_op=%.1f"
	    " other_pct=%.0f\n",
	    g.nops, errors, lat[g.nops / 2], lat[g.nops / 10], lat[g.nops * 9 / 10],
	    (double)sum / (double)g.nops, g.spid > 0 ? cpu * 1e6 / (double)g.nops : -1.0,
	    other);
	free(lat);
	if (errors) {
		fprintf(stderr, "ldload: FAIL: %ld errors\n", errors);
		return 2;
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: ldload [-m search|substr|bind|mod|memberadd] [-H URI] [-b BASE]\n"
	    "              [-c CONNS] [-T THREADS] [-t SECONDS] [-s WARMUP-SECONDS]\n"
	    "              [-n POPULATION] [-D BINDDN] [-w PASSWORD] [-F FRAGMENTS]\n"
	    "              [-a ATTR,...] [-p SERVER-PID] [-g GROUP-DN] [-N OPS] [-v]\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	struct worker *w;
	uint64_t ops0 = 0, ops1 = 0, errors = 0, rescued = 0, *hist;
	unsigned long long mb0, mp0, mt0, mb1, mp1, mt1;
	double t0, t1, s0, s1, k0, k1, secs, srv_us, cli_us, busy, other;
	int opt, i, per, extra, ci;

	while ((opt = getopt(argc, argv, "m:H:b:c:T:t:s:n:D:w:F:a:p:g:N:v")) != -1) {
		switch (opt) {
		case 'm':
			for (i = 0; i < 5 && strcmp(optarg, mode_names[i]) != 0; i++)
				;
			if (i == 5)
				usage();
			g.mode = (enum mode)i;
			break;
		case 'H': g.uri = optarg; break;
		case 'b': g.base = optarg; break;
		case 'c': g.conns = atoi(optarg); break;
		case 'T': g.threads = atoi(optarg); break;
		case 't': g.secs = atof(optarg); break;
		case 's': g.warmup = atof(optarg); break;
		case 'n': g.pop = atol(optarg); break;
		case 'D': g.binddn = optarg; break;
		case 'w': g.pw = optarg; break;
		case 'F': g.fragfile = optarg; break;
		case 'p': g.spid = (pid_t)atoi(optarg); break;
		case 'g': g.group = optarg; break;
		case 'N': g.nops = atol(optarg); break;
		case 'v': g.verbose = 1; break;
		case 'a': {
			int n = 1;
			char *p, *s = strdup(optarg);

			for (p = s; *p; p++)
				n += *p == ',';
			g.attrs = calloc((size_t)n + 1, sizeof(char *));
			for (i = 0, p = strtok(s, ","); p; p = strtok(NULL, ","))
				g.attrs[i++] = p;
			break;
		}
		default:
			usage();
		}
	}
	if (optind != argc || g.conns < 1 || g.conns > MAX_CONNS || g.secs <= 0 ||
	    g.warmup < 0 || g.pop < 1 || g.pop > 999999 || g.nops < 1)
		usage();
	if (g.spid > 0 && proc_cpu(g.spid) < 0)
		die("cannot read /proc/%d/stat", (int)g.spid);
	if (g.mode == M_MEMBERADD)
		return run_memberadd();
	if (g.mode == M_BIND && g.pw == NULL)
		die("bind mode needs -w PASSWORD (the people's password)");
	if (g.mode == M_SUBSTR)
		load_frags();
	if (g.threads <= 0 || g.threads > g.conns)
		g.threads = g.conns;

	/* Open every connection before the clock starts. */
	if ((w = calloc((size_t)g.threads, sizeof(*w))) == NULL)
		die("out of memory");
	per = g.conns / g.threads;
	extra = g.conns % g.threads;
	for (i = ci = 0; i < g.threads; i++) {
		w[i].id = i;
		w[i].nc = per + (i < extra);
		w[i].rng = 0x9E3779B97F4A7C15ULL * (uint64_t)(i + 1) ^
		    ((uint64_t)getpid() << 20) ^ (uint64_t)time(NULL);
		w[i].c = calloc((size_t)w[i].nc, sizeof(struct conn));
		w[i].hist = calloc(NBUCKETS, sizeof(uint32_t));
		if (w[i].c == NULL || w[i].hist == NULL)
			die("out of memory");
		for (int j = 0; j < w[i].nc; j++, ci++) {
			struct conn *c = &w[i].c[j];
			char dn[512];

			if (g.mode == M_BIND) {
				user_dn(dn, sizeof(dn), 1);
				c->ld = conn_open(dn, g.pw);
			} else {
				c->ld = conn_open(g.binddn, g.pw);
			}
			if (ldap_get_option(c->ld, LDAP_OPT_DESC, &c->fd) != LDAP_OPT_SUCCESS)
				die("cannot get the socket of connection %d", ci);
			if (ldap_get_option(c->ld, LDAP_OPT_SOCKBUF, &c->sb) != LDAP_OPT_SUCCESS)
				die("cannot get the socket buffer of connection %d", ci);
			c->msgid = -1;
		}
	}

	for (i = 0; i < g.threads; i++)
		if (pthread_create(&w[i].th, NULL, worker_main, &w[i]) != 0)
			die("pthread_create failed");
	usleep((useconds_t)(g.warmup * 1e6));

	for (i = 0; i < g.threads; i++)
		ops0 += atomic_load(&w[i].ops);
	t0 = now();
	s0 = proc_cpu(g.spid);
	k0 = self_cpu();
	machine_cpu(&mb0, &mp0, &mt0);
	atomic_store(&g.phase, 1);

	usleep((useconds_t)(g.secs * 1e6));

	atomic_store(&g.phase, 2);
	for (i = 0; i < g.threads; i++)
		ops1 += atomic_load(&w[i].ops);
	t1 = now();
	s1 = proc_cpu(g.spid);
	k1 = self_cpu();
	machine_cpu(&mb1, &mp1, &mt1);

	hist = calloc(NBUCKETS, sizeof(uint64_t));
	for (i = 0; i < g.threads; i++) {
		pthread_join(w[i].th, NULL);
		errors += atomic_load(&w[i].errors);
		rescued += w[i].rescued;
		for (int b = 0; b < NBUCKETS; b++)
			hist[b] += w[i].hist[b];
		for (int j = 0; j < w[i].nc; j++)
			ldap_unbind_ext_s(w[i].c[j].ld, NULL, NULL);
	}

	secs = t1 - t0;
	ops1 -= ops0;
	busy = mt1 > mt0 ? 100.0 * (double)(mb1 - mb0) / (double)(mt1 - mt0) : 0;
	/* CPU used by neither the server nor ldload: other load on the box
	 * (a build, a test suite) that makes the figures unreliable. */
	other = other_load(mp0, mt0, mp1, mt1, s1 - s0, k1 - k0, secs);
	srv_us = (g.spid > 0 && ops1) ? (s1 - s0) * 1e6 / (double)ops1 : -1;
	cli_us = ops1 ? (k1 - k0) * 1e6 / (double)ops1 : -1;
	printf("%s: %d connections on %d threads, %s, warm-up %.1f s, measured %.2f s\n",
	    mode_names[g.mode], g.conns, g.threads, g.uri, g.warmup, secs);
	printf("  %.0f ops/s (%" PRIu64 " ops), errors %" PRIu64 "\n",
	    ops1 / secs, ops1, errors);
	printf("  latency p50 %" PRIu64 " us, p99 %" PRIu64 " us\n",
	    hist_quantile(hist, 0.5), hist_quantile(hist, 0.99));
	printf("  CPU per op: server %.1f us, client %.1f us; machine busy %.0f%%, "
	    "other processes %.0f%%\n", srv_us, cli_us, busy, other);
	if (rescued && g.verbose)
		printf("  %" PRIu64 " results found by the poll-timeout sweep\n", rescued);
	printf("RESULT mode=%s conns=%d threads=%d ops=%" PRIu64 " secs=%.3f ops_s=%.1f "
	    "errors=%" PRIu64 " srv_cpu_us_op=%.2f cli_cpu_us_op=%.2f p50_us=%" PRIu64
	    " p99_us=%" PRIu64 " busy_pct=%.0f other_pct=%.0f\n",
	    mode_names[g.mode], g.conns, g.threads, ops1, secs, ops1 / secs, errors,
	    srv_us, cli_us, hist_quantile(hist, 0.5), hist_quantile(hist, 0.99),
	    busy, other);
	if (errors || ops1 == 0) {
		fprintf(stderr, "ldload: FAIL: %" PRIu64 " errors, %" PRIu64
		    " operations measured (wrong results or failed operations)\n",
		    errors, ops1);
		return 2;
	}
	return 0;
}
