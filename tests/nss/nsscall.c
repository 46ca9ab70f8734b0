/*
 * nsscall - call libnss_unifiedid.so.2's entry points directly (dlopen),
 * for what getent cannot show: buffer sizes, status and errno, threads,
 * speed.  Used by tests/integration/t_nss.sh.
 *
 *   nsscall MODULE.so status pwnam|pwuid|grnam|grgid|spnam KEY
 *       prints "status=S errno=E" (S: the nss_status number)
 *   nsscall MODULE.so erange pwnam|pwuid|grnam|grgid KEY
 *       calls with buffers of 0, 1, 2, ... bytes: every short one must
 *       give TRYAGAIN/ERANGE, the first that fits the same answer as a
 *       large buffer; prints "ok need=N" or "FAIL ..."
 *   nsscall MODULE.so enum pw|gr
 *       enumerates twice, with a 1 MiB buffer and with buffers that
 *       start at 1 byte and grow by 7 bytes on ERANGE: the two lists
 *       must be equal; prints "ok n=N eranges=E"
 *   nsscall MODULE.so initgroups USER GID LIMIT
 *       prints "n=N skipped=0|1 dups=D size=S" (start at 1 entry)
 *   nsscall MODULE.so threads THREADS SECONDS PEOPLE
 *       threads look up u0..u(PEOPLE-1) by name and uid and check the
 *       answers; prints "ok lookups=N" or "FAIL ..."
 *   nsscall MODULE.so bench pwnam|pwuid|initgroups KEY SECONDS
 *       one thread, one key: prints "ops_s=N"
 * Build: $CC -O2 -o nsscall tests/nss/nsscall.c -ldl -lpthread
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef enum nss_status (*pwnam_fn)(const char *, struct passwd *, char *,
    size_t, int *);
typedef enum nss_status (*pwuid_fn)(uid_t, struct passwd *, char *, size_t,
    int *);
typedef enum nss_status (*grnam_fn)(const char *, struct group *, char *,
    size_t, int *);
typedef enum nss_status (*grgid_fn)(gid_t, struct group *, char *, size_t,
    int *);
typedef enum nss_status (*spnam_fn)(const char *, struct spwd *, char *,
    size_t, int *);
typedef enum nss_status (*initgr_fn)(const char *, gid_t, long *, long *,
    gid_t **, long, int *);
typedef enum nss_status (*setent_fn)(int);
typedef enum nss_status (*endent_fn)(void);
typedef enum nss_status (*getpwent_fn)(struct passwd *, char *, size_t, int *);
typedef enum nss_status (*getgrent_fn)(struct group *, char *, size_t, int *);

static void *lib;

static void *
sym(const char *fn)
{
	char	name[128];
	void	*p;

	snprintf(name, sizeof(name), "_nss_unifiedid_%s", fn);
	if ((p = dlsym(lib, name)) == NULL) {
		fprintf(stderr, "nsscall: no %s\n", name);
		exit(2);
	}
	return p;
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* one lookup of kind `what` into buf; a text form of the answer in out */
static enum nss_status
lookup(const char *what, const char *key, char *buf, size_t len, int *err,
    char *out, size_t outlen)
{
	struct passwd	pw;
	struct group	gr;
	struct spwd	sp;
	enum nss_status	st;
	size_t		o;
	char		**m;

	*out = '\0';
	if (strcmp(what, "pwnam") == 0 || strcmp(what, "pwuid") == 0) {
		st = what[2] == 'n' ? ((pwnam_fn)sym("getpwnam_r"))(key, &pw,
		    buf, len, err) : ((pwuid_fn)sym("getpwuid_r"))(
		    (uid_t)strtoul(key, NULL, 10), &pw, buf, len, err);
		if (st == NSS_STATUS_SUCCESS)
			snprintf(out, outlen, "%s:%s:%u:%u:%s:%s:%s", pw.pw_name,
			    pw.pw_passwd, pw.pw_uid, pw.pw_gid, pw.pw_gecos,
			    pw.pw_dir, pw.pw_shell);
		return st;
	}
	if (strcmp(what, "grnam") == 0 || strcmp(what, "grgid") == 0) {
		st = what[2] == 'n' ? ((grnam_fn)sym("getgrnam_r"))(key, &gr,
		    buf, len, err) : ((grgid_fn)sym("getgrgid_r"))(
		    (gid_t)strtoul(key, NULL, 10), &gr, buf, len, err);
		if (st == NSS_STATUS_SUCCESS) {
			o = (size_t)snprintf(out, outlen, "%s:%s:%u:", gr.gr_name,
			    gr.gr_passwd, gr.gr_gid);
			for (m = gr.gr_mem; *m != NULL && o < outlen; m++)
				o += (size_t)snprintf(out + o, outlen - o, "%s%s",
				    m == gr.gr_mem ? "" : ",", *m);
		}
		return st;
	}
	if (strcmp(what, "spnam") == 0) {
		st = ((spnam_fn)sym("getspnam_r"))(key, &sp, buf, len, err);
		if (st == NSS_STATUS_SUCCESS)
			snprintf(out, outlen, "%s:%s:%ld:%ld:%ld:%ld:%ld:%ld",
			    sp.sp_namp, sp.sp_pwdp, sp.sp_lstchg, sp.sp_min,
			    sp.sp_max, sp.sp_warn, sp.sp_inact, sp.sp_expire);
		return st;
	}
	fprintf(stderr, "nsscall: unknown lookup %s\n", what);
	exit(2);
}

static int
cmd_status(const char *what, const char *key)
{
	static char	buf[1 << 20], out[1 << 16];
	enum nss_status	st;
	int		err = 0;

	st = lookup(what, key, buf, sizeof(buf), &err, out, sizeof(out));
	printf("status=%d errno=%d %s\n", (int)st, err, out);
	return 0;
}

static int
cmd_erange(const char *what, const char *key)
{
	static char	big[1 << 20], want[1 << 16], got[1 << 16];
	enum nss_status	st;
	size_t		len;
	char		*buf;
	int		err;

	if (lookup(what, key, big, sizeof(big), &err, want, sizeof(want)) !=
	    NSS_STATUS_SUCCESS) {
		printf("FAIL not found with a large buffer\n");
		return 1;
	}
	for (len = 0; len < sizeof(big); len++) {
		/* exactly len bytes on the heap: ASan sees a write past it */
		if ((buf = malloc(len ? len : 1)) == NULL)
			return 1;
		err = 0;
		st = lookup(what, key, len ? buf : NULL, len, &err, got,
		    sizeof(got));
		free(buf);
		if (st == NSS_STATUS_SUCCESS) {
			if (strcmp(got, want) != 0) {
				printf("FAIL at %zu: %s != %s\n", len, got, want);
				return 1;
			}
			printf("ok need=%zu\n", len);
			return 0;
		}
		if (st != NSS_STATUS_TRYAGAIN || err != ERANGE) {
			printf("FAIL at %zu bytes: status %d errno %d\n", len,
			    (int)st, err);
			return 1;
		}
	}
	printf("FAIL never fits\n");
	return 1;
}

/* all entries of pw or gr as text lines; grow: small buffers */
static char *
enumerate(const char *db, int grow, long *n, long *eranges)
{
	size_t		cap = 1 << 16, used = 0, len = grow ? 1 : 1 << 20;
	char		*all = malloc(cap), *buf = NULL, line[1 << 16], **m;
	struct passwd	pw;
	struct group	gr;
	enum nss_status	st;
	int		err, pwdb = strcmp(db, "pw") == 0;

	*n = *eranges = 0;
	((setent_fn)sym(pwdb ? "setpwent" : "setgrent"))(0);
	for (;;) {
		free(buf);
		buf = malloc(len);
		st = pwdb ? ((getpwent_fn)sym("getpwent_r"))(&pw, buf, len, &err) :
		    ((getgrent_fn)sym("getgrent_r"))(&gr, buf, len, &err);
		if (st == NSS_STATUS_TRYAGAIN && err == ERANGE) {
			(*eranges)++;
			len += 7;
			continue;
		}
		if (st != NSS_STATUS_SUCCESS)
			break;
		if (pwdb)
			snprintf(line, sizeof(line), "%s:%u:%u:%s:%s:%s\n",
			    pw.pw_name, pw.pw_uid, pw.pw_gid, pw.pw_gecos,
			    pw.pw_dir, pw.pw_shell);
		else {
			size_t o = (size_t)snprintf(line, sizeof(line), "%s:%u:",
			    gr.gr_name, gr.gr_gid);
			for (m = gr.gr_mem; *m != NULL && o < sizeof(line); m++)
				o += (size_t)snprintf(line + o, sizeof(line) - o,
				    "%s,", *m);
			if (o < sizeof(line) - 1)
				strcpy(line + o, "\n");
		}
		while (used + strlen(line) + 1 > cap)
			all = realloc(all, cap *= 2);
		memcpy(all + used, line, strlen(line) + 1);
		used += strlen(line);
		(*n)++;
		if (grow)
			len = 1;
	}
	((endent_fn)sym(pwdb ? "endpwent" : "endgrent"))();
	free(buf);
	if (st != NSS_STATUS_NOTFOUND) {
		printf("FAIL enumeration ended with status %d errno %d\n",
		    (int)st, err);
		exit(1);
	}
	all[used] = '\0';
	return all;
}

static int
cmd_enum(const char *db)
{
	long	n1, n2, e1, e2;
	char	*a = enumerate(db, 0, &n1, &e1), *b = enumerate(db, 1, &n2, &e2);

	int	rc = n1 != n2 || strcmp(a, b) != 0 || e1 != 0;

	if (rc)
		printf("FAIL %ld entries with a large buffer, %ld with small "
		    "ones\n", n1, n2);
	else
		printf("ok n=%ld eranges=%ld\n", n1, e2);
	free(a);
	free(b);
	return rc;
}

static int
cmd_initgroups(const char *user, const char *gid, const char *limit)
{
	long	start = 0, size = 1, i, j, dups = 0, skipped = 1;
	gid_t	*g = malloc(sizeof(*g)), skip = (gid_t)strtoul(gid, NULL, 10);
	int	err = 0;
	enum nss_status st;

	st = ((initgr_fn)sym("initgroups_dyn"))(user, skip, &start, &size, &g,
	    atol(limit), &err);
	for (i = 0; i < start; i++) {
		if (g[i] == skip)
			skipped = 0;
		for (j = 0; j < i; j++)
			dups += g[j] == g[i];
	}
	printf("status=%d n=%ld skipped=%ld dups=%ld size=%ld\n", (int)st, start,
	    skipped, dups, size);
	free(g);
	return 0;
}

struct thr {
	long	people, lookups, errors;
	double	until;
	unsigned seed;
};

static void *
thread_main(void *arg)
{
	struct thr	*t = arg;
	char		buf[4096], name[32];
	struct passwd	pw;
	pwnam_fn	pwnam = (pwnam_fn)sym("getpwnam_r");
	pwuid_fn	pwuid = (pwuid_fn)sym("getpwuid_r");
	long		i;
	int		err;

	while (now() < t->until) {
		i = (long)(rand_r(&t->seed) % (unsigned)t->people);
		snprintf(name, sizeof(name), "u%ld", i);
		if (pwnam(name, &pw, buf, sizeof(buf), &err) != NSS_STATUS_SUCCESS || pw.pw_uid != 100000 + i ||
		    strcmp(pw.pw_name, name) != 0)
			t->errors++;
		if (pwuid((uid_t)(100000 + i), &pw, buf, sizeof(buf), &err) != NSS_STATUS_SUCCESS ||
		    strcmp(pw.pw_name, name) != 0)
			t->errors++;
		t->lookups += 2;
	}
	return NULL;
}

static int
cmd_threads(int n, double secs, long people)
{
	pthread_t	tid[64];
	struct thr	t[64];
	long		lookups = 0, errors = 0;
	int		i;

	if (n < 1 || n > 64)
		return 2;
	for (i = 0; i < n; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].people = people;
		t[i].until = now() + secs;
		t[i].seed = (unsigned)i + 1;
		pthread_create(&tid[i], NULL, thread_main, &t[i]);
	}
	for (i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		lookups += t[i].lookups;
		errors += t[i].errors;
	}
	if (errors != 0 || lookups == 0) {
		printf("FAIL lookups=%ld errors=%ld\n", lookups, errors);
		return 1;
	}
	printf("ok lookups=%ld\n", lookups);
	return 0;
}

static int
cmd_bench(const char *what, const char *key, double secs)
{
	char		buf[4096];
	struct passwd	pw;
	long		n = 0, k, start, size;
	uid_t		uid = (uid_t)strtoul(key, NULL, 10);
	gid_t		*g = malloc(64 * sizeof(*g));
	double		t0 = now(), t;
	enum nss_status	st = NSS_STATUS_SUCCESS;
	pwnam_fn	pwnam = (pwnam_fn)sym("getpwnam_r");
	pwuid_fn	pwuid = (pwuid_fn)sym("getpwuid_r");
	initgr_fn	initgr = (initgr_fn)sym("initgroups_dyn");
	int		err;

	size = 64;
	do {
		for (k = 0; k < 10000 && st == NSS_STATUS_SUCCESS; k++) {
			if (what[0] == 'i') {
				start = 0;
				st = initgr(key, 0, &start, &size, &g, 0, &err);
			} else if (what[2] == 'n')
				st = pwnam(key, &pw, buf, sizeof(buf), &err);
			else
				st = pwuid(uid, &pw, buf, sizeof(buf), &err);
		}
		n += k;
		t = now() - t0;
	} while (t < secs && st == NSS_STATUS_SUCCESS);
	free(g);
	if (st != NSS_STATUS_SUCCESS) {
		printf("FAIL status %d\n", (int)st);
		return 1;
	}
	printf("ops_s=%.0f\n", (double)n / t);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: nsscall MODULE.so COMMAND ARGS\n");
		return 2;
	}
	if ((lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "nsscall: %s\n", dlerror());
		return 2;
	}
	if (strcmp(argv[2], "status") == 0 && argc == 5)
		return cmd_status(argv[3], argv[4]);
	if (strcmp(argv[2], "erange") == 0 && argc == 5)
		return cmd_erange(argv[3], argv[4]);
	if (strcmp(argv[2], "enum") == 0 && argc == 4)
		return cmd_enum(argv[3]);
	if (strcmp(argv[2], "initgroups") == 0 && argc == 6)
		return cmd_initgroups(argv[3], argv[4], argv[5]);
	if (strcmp(argv[2], "threads") == 0 && argc == 6)
		return cmd_threads(atoi(argv[3]), atof(argv[4]), atol(argv[5]));
	if (strcmp(argv[2], "bench") == 0 && argc == 6)
		return cmd_bench(argv[3], argv[4], atof(argv[5]));
	fprintf(stderr, "nsscall: bad command\n");
	return 2;
}
