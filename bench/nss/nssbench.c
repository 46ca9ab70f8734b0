/*
 * nssbench - call an NSS module's functions directly (dlopen), timed.
 *
 *   nssbench -l MODULE.so -s NAME MODE [options] ARGS
 *
 * NAME is the module's service name: the functions are _nss_NAME_*
 * (ldap, sss, unifiedid).  Modes (every one prints one "RESULT k=v ..."
 * line on standard output; exit 0 only when every answer was right):
 *
 *   cold pwnam FILE        getpwnam each name of FILE ("name uid gid"
 *                          lines) once, in order; checks uid and gid.
 *                          RESULT n ok ops_s p50_us p90_us p99_us max_us
 *                          over_1ms over_1ms_secs (the slow tail) secs
 *   hot pwnam|pwuid|grgid FILE [-T THREADS] [-t SECS] [-w WARMUP]
 *                          every key once (untimed: prime_s), then each
 *                          thread asks the keys of FILE round-robin
 *                          (pwuid: field 2, grgid: field 3) for WARMUP
 *                          seconds, then counts for SECS.
 *                          RESULT threads ops_s per_thread_ops_s errors
 *   initgroups USER GID [-t SECS] [-r REPS]
 *   grgid GID [-t SECS] [-r REPS]
 *   enum [-t SECS] [-r REPS]
 *                          the first call timed on its own (first_ms),
 *                          then repeated while the time and the count
 *                          allow (reps, p50_ms); count = distinct groups (with
 *                          the primary), members, or passwd entries.
 *                          RESULT first_ms reps p50_ms count
 *
 * Buffers start at 64 KiB and double on ERANGE up to 512 MiB, as glibc
 * does.  Build: cc -O2 -o nssbench nssbench.c -ldl -lpthread
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef enum nss_status (*pwnam_fn)(const char *, struct passwd *, char *,
    size_t, int *);
typedef enum nss_status (*pwuid_fn)(uid_t, struct passwd *, char *, size_t,
    int *);
typedef enum nss_status (*grgid_fn)(gid_t, struct group *, char *, size_t,
    int *);
typedef enum nss_status (*initgr_fn)(const char *, gid_t, long *, long *,
    gid_t **, long, int *);
typedef enum nss_status (*setpwent_fn)(int);
typedef enum nss_status (*getpwent_fn)(struct passwd *, char *, size_t,
    int *);
typedef enum nss_status (*endpwent_fn)(void);

static pwnam_fn f_pwnam;
static pwuid_fn f_pwuid;
static grgid_fn f_grgid;
static initgr_fn f_initgr;
static setpwent_fn f_setpwent;
static getpwent_fn f_getpwent;
static endpwent_fn f_endpwent;

#define MAXBUF	(512u << 20)

struct key {
	char	*name;
	uid_t	 uid;
	gid_t	 gid;
};

static struct key *keys;
static size_t nkeys;

static void
die(const char *fmt, const char *arg)
{
	fprintf(stderr, "nssbench: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(2);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
sym(void *h, const char *svc, const char *fn, int need)
{
	char name[128];
	void *p;

	snprintf(name, sizeof(name), "_nss_%s_%s", svc, fn);
	p = dlsym(h, name);
	if (p == NULL && need)
		die("module has no %s", name);
	return p;
}

static void
load_keys(const char *file)
{
	FILE *f = fopen(file, "r");
	char line[512], name[256];
	unsigned long u, g;
	size_t cap = 0;

	if (f == NULL)
		die("cannot open %s", file);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %lu %lu", name, &u, &g) != 3)
			continue;
		if (nkeys == cap) {
			cap = cap ? cap * 2 : 1024;
			keys = realloc(keys, cap * sizeof(*keys));
			if (keys == NULL)
				die("%s", "out of memory");
		}
		keys[nkeys].name = strdup(name);
		keys[nkeys].uid = (uid_t)u;
		keys[nkeys].gid = (gid_t)g;
		nkeys++;
	}
	fclose(f);
	if (nkeys == 0)
		die("no keys in %s", file);
}

struct buf {
	char	*p;
	size_t	 len;
};

static int
grow(struct buf *b)
{
	size_t n = b->len ? b->len * 2 : 65536;

	if (n > MAXBUF)
		return -1;
	free(b->p);
	if ((b->p = malloc(n)) == NULL)
		return -1;
	b->len = n;
	return 0;
}

enum { K_PWNAM, K_PWUID, K_GRGID };

/* one lookup of key k by name (K_PWNAM), uid or gid into pw or gr,
 * growing the buffer on ERANGE: 1 found, 0 not found, -1 error (the
 * status in *st) */
static int
lookup(int kind, const struct key *k, struct passwd *pw, struct group *gr,
    struct buf *b, int *st)
{
	enum nss_status s;
	int e;

	for (;;) {
		e = 0;
		if (kind == K_PWNAM)
			s = f_pwnam(k->name, pw, b->p, b->len, &e);
		else if (kind == K_PWUID)
			s = f_pwuid(k->uid, pw, b->p, b->len, &e);
		else
			s = f_grgid(k->gid, gr, b->p, b->len, &e);
		if (s == NSS_STATUS_TRYAGAIN && e == ERANGE && grow(b) == 0)
			continue;
		break;
	}
	*st = s;
	return s == NSS_STATUS_SUCCESS ? 1 : s == NSS_STATUS_NOTFOUND ? 0 : -1;
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(double *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmpd);
	i = (size_t)(p * (n - 1) + 0.5);
	return v[i];
}

static int
cmpgid(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- cold ------------------------------------------------------------- */

static int
mode_cold(void)
{
	struct buf b = { 0 };
	struct passwd pw;
	double *lat = calloc(nkeys, sizeof(double)), t0, t1, start, slow_s;
	size_t i, ok = 0, slow;
	int st, r, bad = 0;

	if (lat == NULL || grow(&b) != 0)
		die("%s", "out of memory");
	start = now();
	for (i = 0; i < nkeys; i++) {
		t0 = now();
		r = lookup(K_PWNAM, &keys[i], &pw, NULL, &b, &st);
		t1 = now();
		lat[i] = (t1 - t0) * 1e6;
		if (r == 1 && pw.pw_uid == keys[i].uid && pw.pw_gid == keys[i].gid &&
		    strcmp(pw.pw_name, keys[i].name) == 0)
			ok++;
		else if (bad++ < 5)
			fprintf(stderr, "nssbench: getpwnam(%s): status %d uid %ld"
			    " gid %ld\n", keys[i].name, st, r == 1 ?
			    (long)pw.pw_uid : -1L, r == 1 ? (long)pw.pw_gid : -1L);
	}
	t1 = now() - start;
	/* the slow tail: how many calls took over 1 ms, and their share */
	for (i = 0, slow = 0, slow_s = 0; i < nkeys; i++)
		if (lat[i] > 1000) {
			slow++;
			slow_s += lat[i] / 1e6;
		}
	printf("RESULT n=%zu ok=%zu ops_s=%.1f p50_us=%.1f p90_us=%.1f"
	    " p99_us=%.1f max_us=%.1f over_1ms=%zu over_1ms_secs=%.3f secs=%.3f\n",
	    nkeys, ok, nkeys / t1, pct(lat, nkeys, 0.5), pct(lat, nkeys, 0.9),
	    pct(lat, nkeys, 0.99), pct(lat, nkeys, 1.0), slow, slow_s, t1);
	return ok == nkeys ? 0 : 1;
}

/* ---- hot -------------------------------------------------------------- */

static int hot_kind;
static atomic_int phase;	/* 0 warm-up, 1 measuring, 2 stop */

struct worker {
	pthread_t	 th;
	int		 idx;
	uint64_t	 ops, errors;
};

static void *
hot_thread(void *arg)
{
	struct worker *w = arg;
	struct buf b = { 0 };
	struct passwd pw;
	struct group gr;
	size_t i = ((size_t)w->idx * 7) % nkeys;
	int st, r, ph, good;

	if (grow(&b) != 0)
		return NULL;
	while ((ph = atomic_load_explicit(&phase, memory_order_relaxed)) != 2) {
		struct key *k = &keys[i];

		r = lookup(hot_kind, k, &pw, &gr, &b, &st);
		good = r == 1 && (hot_kind == K_PWNAM ? pw.pw_uid == k->uid :
		    hot_kind == K_PWUID ? strcmp(pw.pw_name, k->name) == 0 :
		    gr.gr_gid == k->gid);
		if (ph == 1) {
			w->ops++;
			if (!good && w->errors++ < 3)
				fprintf(stderr, "nssbench: hot lookup of %s: "
				    "status %d\n", k->name, st);
		}
		if (++i == nkeys)
			i = 0;
	}
	free(b.p);
	return NULL;
}

static int
mode_hot(int threads, double secs, double warm)
{
	struct worker *w = calloc((size_t)threads, sizeof(*w));
	uint64_t ops = 0, errs = 0;
	double t0, t1, prime;
	int i;

	if (w == NULL)
		die("%s", "out of memory");
	/* prime: every key once, so that a caching back end has them all
	 * before the warm-up (SSSD fills its mapped cache on the first
	 * socket answer) */
	{
		struct buf b = { 0 };
		struct passwd pw;
		struct group gr;
		size_t k;
		int st;

		if (grow(&b) != 0)
			die("%s", "out of memory");
		t0 = now();
		for (k = 0; k < nkeys; k++)
			(void)lookup(hot_kind == K_GRGID ? K_GRGID : K_PWNAM,
			    &keys[k], &pw, &gr, &b, &st);
		prime = now() - t0;
		free(b.p);
	}
	for (i = 0; i < threads; i++) {
		w[i].idx = i;
		if (pthread_create(&w[i].th, NULL, hot_thread, &w[i]) != 0)
			die("%s", "pthread_create failed");
	}
	usleep((useconds_t)(warm * 1e6));
	atomic_store(&phase, 1);
	t0 = now();
	usleep((useconds_t)(secs * 1e6));
	atomic_store(&phase, 2);
	t1 = now();
	for (i = 0; i < threads; i++) {
		pthread_join(w[i].th, NULL);
		ops += w[i].ops;
		errs += w[i].errors;
	}
	printf("RESULT threads=%d ops_s=%.1f per_thread_ops_s=%.1f errors=%llu"
	    " ops=%llu secs=%.3f prime_s=%.3f\n", threads, ops / (t1 - t0),
	    ops / (t1 - t0) / threads, (unsigned long long)errs,
	    (unsigned long long)ops, t1 - t0, prime);
	return errs == 0 && ops > 0 ? 0 : 1;
}

/* ---- single expensive calls ------------------------------------------- */

enum { S_INITGR, S_GRGID, S_ENUM };

/* one call, its time in *ms (the module's functions only, not the
 * counting); returns the count (groups, members, entries) or -1 */
static long
single(int kind, const char *user, gid_t gid, struct buf *b, double *ms)
{
	long start, size, i, n;
	gid_t *groups;
	struct group gr;
	struct passwd pw;
	struct key k = { 0 };
	double t0;
	int e = 0, st;
	enum nss_status s;

	switch (kind) {
	case S_INITGR:
		size = 64;
		if ((groups = malloc(size * sizeof(gid_t))) == NULL)
			return -1;
		groups[0] = gid;	/* as glibc's initgroups does */
		start = 1;
		t0 = now();
		s = f_initgr(user, gid, &start, &size, &groups, -1, &e);
		*ms = (now() - t0) * 1e3;
		if (s != NSS_STATUS_SUCCESS && s != NSS_STATUS_NOTFOUND) {
			free(groups);
			fprintf(stderr, "nssbench: initgroups_dyn(%s): status %d"
			    " errno %d\n", user, s, e);
			return -1;
		}
		/* distinct groups, the given one included (a module may or
		 * may not skip it; glibc removes duplicates) */
		qsort(groups, (size_t)start, sizeof(gid_t), cmpgid);
		for (i = n = 0; i < start; i++)
			if (i == 0 || groups[i] != groups[i - 1])
				n++;
		free(groups);
		return n;
	case S_GRGID:
		k.gid = gid;
		t0 = now();
		i = lookup(K_GRGID, &k, NULL, &gr, b, &st);
		*ms = (now() - t0) * 1e3;
		if (i != 1) {
			fprintf(stderr, "nssbench: getgrgid(%ld): status %d\n",
			    (long)gid, st);
			return -1;
		}
		for (n = 0; gr.gr_mem[n] != NULL; n++)
			;
		return n;
	default:
		t0 = now();
		f_setpwent(0);
		n = 0;
		for (;;) {
			s = f_getpwent(&pw, b->p, b->len, &e);
			if (s == NSS_STATUS_TRYAGAIN && e == ERANGE) {
				if (grow(b) != 0)
					break;
				continue;
			}
			if (s != NSS_STATUS_SUCCESS)
				break;
			n++;
		}
		f_endpwent();
		*ms = (now() - t0) * 1e3;
		if (s != NSS_STATUS_NOTFOUND && s != NSS_STATUS_SUCCESS) {
			fprintf(stderr, "nssbench: getpwent_r: status %d errno %d"
			    " after %ld entries\n", s, e, n);
			return n ? n : -1;
		}
		return n;
	}
}

static int
mode_single(int kind, const char *user, gid_t gid, double secs, int reps)
{
	struct buf b = { 0 };
	double *lat = calloc((size_t)reps + 1, sizeof(double)), first = 0,
	    start;
	long c, c0;
	int n = 0;

	if (lat == NULL || grow(&b) != 0)
		die("%s", "out of memory");
	c0 = single(kind, user, gid, &b, &first);
	if (c0 < 0) {
		printf("RESULT first_ms=%.3f reps=0 p50_ms=0 count=-1\n", first);
		return 1;
	}
	start = now();
	while (n < reps && now() - start < secs) {
		c = single(kind, user, gid, &b, &lat[n++]);
		if (c != c0) {
			fprintf(stderr, "nssbench: count changed: %ld then %ld\n",
			    c0, c);
			printf("RESULT first_ms=%.3f reps=%d p50_ms=0 count=%ld\n",
			    first, n, c0);
			return 1;
		}
	}
	printf("RESULT first_ms=%.3f reps=%d p50_ms=%.3f count=%ld\n", first, n,
	    n ? pct(lat, (size_t)n, 0.5) : first, c0);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: nssbench -l MODULE -s NAME cold pwnam FILE\n"
	    "       nssbench -l MODULE -s NAME hot pwnam|pwuid|grgid FILE"
	    " [-T N] [-t S] [-w S]\n"
	    "       nssbench -l MODULE -s NAME initgroups USER GID [-t S] [-r N]\n"
	    "       nssbench -l MODULE -s NAME grgid GID [-t S] [-r N]\n"
	    "       nssbench -l MODULE -s NAME enum [-t S] [-r N]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *lib = NULL, *svc = NULL;
	double secs = 5, warm = 1;
	int threads = 1, reps = 1000, c;
	void *h;

	while ((c = getopt(argc, argv, "+l:s:")) != -1)
		switch (c) {
		case 'l': lib = optarg; break;
		case 's': svc = optarg; break;
		default: usage();
		}
	argc -= optind;
	argv += optind;
	if (lib == NULL || svc == NULL || argc < 1)
		usage();
	if ((h = dlopen(lib, RTLD_NOW | RTLD_LOCAL)) == NULL)
		die("%s", dlerror());
	f_pwnam = (pwnam_fn)sym(h, svc, "getpwnam_r", 1);
	f_pwuid = (pwuid_fn)sym(h, svc, "getpwuid_r", 1);
	f_grgid = (grgid_fn)sym(h, svc, "getgrgid_r", 1);
	f_initgr = (initgr_fn)sym(h, svc, "initgroups_dyn", 0);
	f_setpwent = (setpwent_fn)sym(h, svc, "setpwent", 0);
	f_getpwent = (getpwent_fn)sym(h, svc, "getpwent_r", 0);
	f_endpwent = (endpwent_fn)sym(h, svc, "endpwent", 0);

	const char *mode = argv[0];
	char **pos = argv + 1;
	int npos = 0;
	char *args[4];

	/* positional arguments first, then -T/-t/-w/-r */
	while (npos < argc - 1 && pos[npos][0] != '-' && npos < 4) {
		args[npos] = pos[npos];
		npos++;
	}
	optind = 1;
	{
		int ac = argc - npos;
		char **av = argv + npos;

		while ((c = getopt(ac, av, "T:t:w:r:")) != -1)
			switch (c) {
			case 'T': threads = atoi(optarg); break;
			case 't': secs = atof(optarg); break;
			case 'w': warm = atof(optarg); break;
			case 'r': reps = atoi(optarg); break;
			default: usage();
			}
	}
	if (threads < 1 || threads > 256 || reps < 0 || secs <= 0)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (strcmp(mode, "cold") == 0 && npos == 2 &&
	    strcmp(args[0], "pwnam") == 0) {
		load_keys(args[1]);
		return mode_cold();
	}
	if (strcmp(mode, "hot") == 0 && npos == 2) {
		if (strcmp(args[0], "pwnam") == 0)
			hot_kind = K_PWNAM;
		else if (strcmp(args[0], "pwuid") == 0)
			hot_kind = K_PWUID;
		else if (strcmp(args[0], "grgid") == 0)
			hot_kind = K_GRGID;
		else
			usage();
		load_keys(args[1]);
		return mode_hot(threads, secs, warm);
	}
	if (strcmp(mode, "initgroups") == 0 && npos == 2) {
		if (f_initgr == NULL)
			die("%s", "module has no initgroups_dyn");
		return mode_single(S_INITGR, args[0],
		    (gid_t)strtoul(args[1], NULL, 10), secs, reps);
	}
	if (strcmp(mode, "grgid") == 0 && npos == 1)
		return mode_single(S_GRGID, NULL,
		    (gid_t)strtoul(args[0], NULL, 10), secs, reps);
	if (strcmp(mode, "enum") == 0 && npos == 0) {
		if (!f_setpwent || !f_getpwent || !f_endpwent)
			die("%s", "module cannot enumerate passwd");
		return mode_single(S_ENUM, NULL, 0, secs, reps);
	}
	usage();
	return 2;
}
