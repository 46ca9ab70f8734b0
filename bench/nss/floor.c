/*
 * floor - the two hops any host-lookup design that asks the directory
 * must make, each measured on its own (bench/nss/run reports them):
 *
 *   floor unix [-n N]
 *	a unix stream socket, one connection per request as the NSS
 *	modules make them: connect, send a 26-byte request, wait for and
 *	read a 100-byte reply, close; the server is a thread blocked in
 *	accept() that reads the request and writes the reply (no work).
 *	RESULT n p50_us mean_us
 *
 *   floor ldap -H URI -D DN -w PASSWORD -b BASE -f FORMAT FILE
 *	one LDAP connection (libldap, bound once), one synchronous search
 *	(subtree from BASE, FORMAT with %s = the name) per name of FILE
 *	("name ..." lines), each answer checked to hold one entry: what
 *	nslcd and our agent do for a name they have not seen.
 *	RESULT n p50_us mean_us
 *
 * Build: cc -O2 -o floor floor.c -lldap -llber -lpthread
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <ldap.h>

static double
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
report(double *t, size_t n)
{
	double	sum = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		sum += t[i];
	qsort(t, n, sizeof(*t), cmp_double);
	printf("RESULT n=%zu p50_us=%.1f mean_us=%.1f\n", n,
	    n ? t[n / 2] : 0.0, n ? sum / (double)n : 0.0);
}

static void
die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ---- unix ---- */

static struct sockaddr_un sun = { .sun_family = AF_UNIX };

static void *
unix_server(void *arg)
{
	int		 l = *(int *)arg, c;
	char		 req[64], rep[100];
	struct pollfd	 p;

	memset(rep, 'r', sizeof(rep));
	for (;;) {
		if ((c = accept4(l, NULL, NULL, SOCK_CLOEXEC)) == -1)
			continue;
		p.fd = c;
		p.events = POLLIN;
		if (poll(&p, 1, 1000) == 1 && read(c, req, sizeof(req)) > 0 &&
		    write(c, rep, sizeof(rep)) != (ssize_t)sizeof(rep))
			fprintf(stderr, "floor: short write\n");
		close(c);
	}
	return NULL;
}

static int
run_unix(size_t n)
{
	char		 dir[] = "/tmp/floor.XXXXXX", req[26], rep[128];
	double		*t = calloc(n, sizeof(double)), t0;
	pthread_t	 th;
	struct pollfd	 p;
	size_t		 i, got;
	ssize_t		 r;
	int		 l, c;

	if (t == NULL || mkdtemp(dir) == NULL)
		die("setup");
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/s", dir);
	if ((l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(l, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(l, 128) == -1)
		die("listen");
	if (pthread_create(&th, NULL, unix_server, &l) != 0)
		die("thread");
	memset(req, 'q', sizeof(req));
	for (i = 0; i < n + n / 10; i++) {	/* the first tenth warms up */
		t0 = now_us();
		if ((c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0)) == -1 ||
		    connect(c, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
		    send(c, req, sizeof(req), MSG_NOSIGNAL) !=
		    (ssize_t)sizeof(req))
			die("request");
		for (got = 0; got < 100; got += (size_t)r) {
			p.fd = c;
			p.events = POLLIN;
			if (poll(&p, 1, 5000) != 1 ||
			    (r = recv(c, rep, sizeof(rep), 0)) <= 0)
				die("reply");
		}
		close(c);
		if (i >= n / 10)
			t[i - n / 10] = now_us() - t0;
	}
	unlink(sun.sun_path);
	rmdir(dir);
	report(t, n);
	free(t);
	return 0;
}

/* ---- ldap ---- */

static int
run_ldap(const char *uri, const char *dn, const char *pw, const char *base,
    const char *fmt, const char *file)
{
	struct berval	 cred = { strlen(pw), (char *)(uintptr_t)pw };
	char		 line[512], filter[600], *sp;
	double		*t = NULL, t0;
	size_t		 n = 0, cap = 0;
	LDAPMessage	*res;
	LDAP		*ld;
	FILE		*f;
	int		 v3 = LDAP_VERSION3, rc;

	if (ldap_initialize(&ld, uri) != LDAP_SUCCESS ||
	    ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3) !=
	    LDAP_OPT_SUCCESS ||
	    (rc = ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
	    NULL)) != LDAP_SUCCESS) {
		fprintf(stderr, "floor: cannot bind to %s\n", uri);
		return 1;
	}
	if ((f = fopen(file, "r")) == NULL)
		die(file);
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((sp = strpbrk(line, " \t\n")) != NULL)
			*sp = '\0';
		if (*line == '\0')
			continue;
		snprintf(filter, sizeof(filter), fmt, line);
		t0 = now_us();
		rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter,
		    NULL, 0, NULL, NULL, NULL, 0, &res);
		if (rc != LDAP_SUCCESS || ldap_count_entries(ld, res) != 1) {
			fprintf(stderr, "floor: %s: %s, %d entries\n", filter,
			    ldap_err2string(rc), ldap_count_entries(ld, res));
			return 1;
		}
		ldap_msgfree(res);
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((t = realloc(t, cap * sizeof(*t))) == NULL)
				die("memory");
		}
		t[n++] = now_us() - t0;
	}
	fclose(f);
	ldap_unbind_ext_s(ld, NULL, NULL);
	report(t, n);
	free(t);
	return 0;
}

int
main(int argc, char **argv)
{
	const char	*uri = NULL, *dn = "", *pw = "", *base = "", *fmt = NULL;
	size_t		 n = 5000;
	int		 c;

	if (argc < 2)
		goto usage;
	optind = 2;
	while ((c = getopt(argc, argv, "n:H:D:w:b:f:")) != -1) {
		switch (c) {
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'H': uri = optarg; break;
		case 'D': dn = optarg; break;
		case 'w': pw = optarg; break;
		case 'b': base = optarg; break;
		case 'f': fmt = optarg; break;
		default: goto usage;
		}
	}
	if (strcmp(argv[1], "unix") == 0 && n > 0)
		return run_unix(n);
	if (strcmp(argv[1], "ldap") == 0 && uri != NULL && fmt != NULL &&
	    optind == argc - 1)
		return run_ldap(uri, dn, pw, base, fmt, argv[optind]);
usage:
	fprintf(stderr, "usage: floor unix [-n N]\n"
	    "       floor ldap -H URI -D DN -w PW -b BASE -f FORMAT FILE\n");
	return 2;
}
