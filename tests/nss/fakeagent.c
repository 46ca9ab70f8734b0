/*
 * fakeagent - a stand-in for unifiedid-agent that t_nss.sh uses to drive
 * libnss_unifiedid.so.2 through every path of the protocol (agent_proto.h)
 * without a directory server: synthetic data, misbehaving answers on
 * request, and optionally the mapped cache (nssmap.h) published with the
 * real writer.
 *
 *   fakeagent -s SOCKET [-p PEOPLE] [-g GROUPS] [-b BIG] [-G MANY] [-m]
 *
 * Data: people u0..u(P-1), uid 100000+i, primary group g(i % G), gecos
 * "User i", /home/ui, /bin/sh; groups g0..g(G-1), gid 200000+j, members
 * the people whose primary group it is (at most 3); "big" (gid 250000)
 * with the first BIG people as members; "many" (uid 99999) is in MANY
 * groups m0.. (gid 300000+k, no members listed).  Names that misbehave
 * (passwd by name): "garbage" (bad magic), "cut" (no end record),
 * "short" (3-field record), "slow" (no answer: the connection is held
 * open for 8 s), "denied".
 * Shadow answers root only (SO_PEERCRED).  -m publishes the map (and
 * beats every second); SIGTERM ends cleanly (map invalidated).
 * Build: $CC -Icommon -o fakeagent tests/nss/fakeagent.c
 *        common/agent_proto.c common/nssmap.c common/nssmap_write.c -lpthread
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent_proto.h"
#include "nssmap.h"

static long npeople = 10, ngroups = 3, nbig = 0, nmany = 0;
static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	stop = 1;
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static char *
fmt(const char *pre, long n)
{
	char	*s;

	if (asprintf(&s, "%s%ld", pre, n) == -1)
		die("asprintf");
	return s;
}

/* person i (i == -1: "many") as a passwd record */
static void
send_pw(int fd, long i, int64_t dl)
{
	char		 uid[24], gid[24], gecos[32], dir[32];
	const char	*name;
	char		*nm = NULL;
	struct ua_field	 f[7];

	if (i == -1) {
		name = "many";
		snprintf(uid, sizeof(uid), "99999");
		snprintf(gid, sizeof(gid), "%d", nmany > 0 ? 300000 : 200000);
	} else {
		name = nm = fmt("u", i);
		snprintf(uid, sizeof(uid), "%ld", 100000 + i);
		snprintf(gid, sizeof(gid), "%ld", 200000 + i % ngroups);
	}
	snprintf(gecos, sizeof(gecos), "User %ld", i);
	snprintf(dir, sizeof(dir), "/home/%s", name);
	f[0] = ua_str(name);
	f[1] = ua_str("x");
	f[2] = ua_str(uid);
	f[3] = ua_str(gid);
	f[4] = ua_str(gecos);
	f[5] = ua_str(dir);
	f[6] = ua_str("/bin/sh");
	ua_write_rec(fd, f, 7, dl);
	free(nm);
}

/* group j; j == -1: "big"; j <= -2: m(-j - 2) */
static void
send_gr(int fd, long j, int64_t dl)
{
	struct ua_field	*f;
	char		 gid[24], **names;
	long		 n = 0, k, cap;

	cap = j == -1 ? nbig : 3;
	if ((f = calloc((size_t)cap + 3, sizeof(*f))) == NULL ||
	    (names = calloc((size_t)cap + 1, sizeof(*names))) == NULL)
		die("calloc");
	if (j == -1) {
		names[0] = strdup("big");
		snprintf(gid, sizeof(gid), "250000");
		for (k = 0; k < nbig && k < npeople; k++)
			names[++n] = fmt("u", k);
	} else if (j <= -2) {
		names[0] = fmt("m", -j - 2);
		snprintf(gid, sizeof(gid), "%ld", 300000 - j - 2);
	} else {
		names[0] = fmt("g", j);
		snprintf(gid, sizeof(gid), "%ld", 200000 + j);
		for (k = j; k < npeople && n < 3; k += ngroups)
			names[++n] = fmt("u", k);
	}
	f[0] = ua_str(names[0]);
	f[1] = ua_str("x");
	f[2] = ua_str(gid);
	for (k = 1; k <= n; k++)
		f[k + 2] = ua_str(names[k]);
	ua_write_rec(fd, f, (uint32_t)n + 3, dl);
	for (k = 0; k <= n; k++)
		free(names[k]);
	free(names);
	free(f);
}

static void
send_gids(int fd, long i, int64_t dl)
{
	struct ua_field	*f;
	char		(*num)[24];
	long		 n, k;

	n = i == -1 ? nmany : 2 + (nbig > i);
	if ((f = calloc((size_t)n + 1, sizeof(*f))) == NULL ||
	    (num = calloc((size_t)n + 1, sizeof(*num))) == NULL)
		die("calloc");
	if (i == -1)
		for (k = 0; k < n; k++)
			snprintf(num[k], 24, "%ld", 300000 + k);
	else {
		snprintf(num[0], 24, "%ld", 200000 + i % ngroups);
		snprintf(num[1], 24, "%ld", 200000 + (i + 1) % ngroups);
		if (n == 3)
			snprintf(num[2], 24, "250000");
	}
	for (k = 0; k < n; k++)
		f[k] = ua_str(num[k]);
	ua_write_rec(fd, f, (uint32_t)n, dl);
	free(num);
	free(f);
}

/* "u123" -> 123, "many" -> -1, else -2 */
static long
person(const char *name)
{
	char	*end;
	long	 i;

	if (strcmp(name, "many") == 0)
		return -1;
	if (name[0] != 'u' || name[1] < '0' || name[1] > '9')
		return -2;
	i = strtol(name + 1, &end, 10);
	return *end == '\0' && i < npeople ? i : -2;
}

static long
group(const char *name)
{
	char	*end;
	long	 j;

	if (strcmp(name, "big") == 0 && nbig > 0)
		return -1;
	if ((name[0] != 'g' && name[0] != 'm') || name[1] < '0' ||
	    name[1] > '9')
		return -1000000000;
	j = strtol(name + 1, &end, 10);
	if (*end != '\0')
		return -1000000000;
	if (name[0] == 'g')
		return j < ngroups ? j : -1000000000;
	return j < nmany ? -j - 2 : -1000000000;
}

static long
group_by_gid(uint32_t gid)
{
	if (gid == 250000 && nbig > 0)
		return -1;
	if (gid >= 200000 && gid < 200000 + (uint32_t)ngroups)
		return gid - 200000;
	if (gid >= 300000 && gid < 300000 + (uint32_t)nmany)
		return -(long)(gid - 300000) - 2;
	return -1000000000;
}

static void
send_sp(int fd, long i, int64_t dl)
{
	struct ua_field	f[8];
	char		*name = i == -1 ? strdup("many") : fmt("u", i);

	f[0] = ua_str(name);
	f[1] = ua_str("*");
	f[2] = ua_str("19000");
	f[3] = ua_str("0");
	f[4] = ua_str("90");
	f[5] = ua_str("7");
	f[6] = ua_str("");
	f[7] = ua_str("");
	ua_write_rec(fd, f, 8, dl);
	free(name);
}

static void
respond(int fd, uint16_t action, const struct ua_rec *req, uid_t caller)
{
	int64_t		 dl = ua_deadline(60000);
	const char	*a = req->n > 0 ? req->f[0].p : "";
	uint32_t	 id;
	long		 i, j;

	if (action == UA_PW_BYNAME && strcmp(a, "garbage") == 0) {
		(void)!write(fd, "HELLO WORLD!", 12);
		return;
	}
	if (action == UA_PW_BYNAME && strcmp(a, "denied") == 0) {
		ua_write_header(fd, UA_DENIED, dl);
		ua_write_end(fd, dl);
		return;
	}
	if (action == UA_PW_BYNAME && (strcmp(a, "cut") == 0 ||
	    strcmp(a, "short") == 0)) {
		struct ua_field f[3] = { ua_str(a), ua_str("x"), ua_str("1") };

		ua_write_header(fd, UA_OK, dl);
		if (a[0] == 'c') {
			send_pw(fd, 0, dl);
			return;		/* no end record */
		}
		ua_write_rec(fd, f, 3, dl);
		ua_write_end(fd, dl);
		return;
	}
	switch (action) {
	case UA_PW_BYNAME:
	case UA_PW_BYUID:
	case UA_INITGROUPS:
	case UA_SP_BYNAME:
		if (req->n != 1)
			goto bad;
		if (action == UA_PW_BYUID) {
			if (ua_field_u32(&req->f[0], &id) == -1)
				goto bad;
			i = id == 99999 ? -1 : id >= 100000 &&
			    id < 100000 + (uint32_t)npeople ? (long)id - 100000 :
			    -2;
		} else
			i = person(a);
		if ((action == UA_SP_BYNAME) && caller != 0) {
			ua_write_header(fd, UA_DENIED, dl);
			break;
		}
		if (i == -2) {
			ua_write_header(fd, UA_NOTFOUND, dl);
			break;
		}
		ua_write_header(fd, UA_OK, dl);
		if (action == UA_INITGROUPS)
			send_gids(fd, i, dl);
		else if (action == UA_SP_BYNAME)
			send_sp(fd, i, dl);
		else
			send_pw(fd, i, dl);
		break;
	case UA_GR_BYNAME:
	case UA_GR_BYGID:
		if (req->n != 1)
			goto bad;
		if (action == UA_GR_BYGID) {
			if (ua_field_u32(&req->f[0], &id) == -1)
				goto bad;
			j = group_by_gid(id);
		} else
			j = group(a);
		if (j == -1000000000) {
			ua_write_header(fd, UA_NOTFOUND, dl);
			break;
		}
		ua_write_header(fd, UA_OK, dl);
		send_gr(fd, j, dl);
		break;
	case UA_PW_ENUM:
	case UA_SP_ENUM:
		if (action == UA_SP_ENUM && caller != 0) {
			ua_write_header(fd, UA_DENIED, dl);
			break;
		}
		ua_write_header(fd, UA_OK, dl);
		for (i = 0; i < npeople; i++)
			if (action == UA_PW_ENUM)
				send_pw(fd, i, dl);
			else
				send_sp(fd, i, dl);
		if (nmany > 0)
			action == UA_PW_ENUM ? send_pw(fd, -1, dl) :
			    send_sp(fd, -1, dl);
		break;
	case UA_GR_ENUM:
		ua_write_header(fd, UA_OK, dl);
		for (j = 0; j < ngroups; j++)
			send_gr(fd, j, dl);
		if (nbig > 0)
			send_gr(fd, -1, dl);
		for (j = 0; j < nmany; j++)
			send_gr(fd, -j - 2, dl);
		break;
	default:
		goto bad;
	}
	ua_write_end(fd, dl);
	return;
bad:
	ua_write_header(fd, UA_BAD_REQUEST, dl);
	ua_write_end(fd, dl);
}

/* the same data in the mapped cache (not the misbehaving names) */
static struct nssmap_writer *
publish(const char *sock)
{
	struct nssmap_writer	*w;
	struct nssmap_pw_in	*pw;
	struct nssmap_gr_in	*gr;
	char			 path[4096];
	uint32_t		*gids, *manyg;
	char			**memb;
	long			 i, j, n = 0, k;

	if (nssmap_path(sock, path, sizeof(path)) == -1 ||
	    (w = nssmap_writer_open(path)) == NULL)
		die("nssmap_writer_open");
	pw = calloc((size_t)npeople + 1, sizeof(*pw));
	gids = calloc((size_t)npeople * 3 + 1, sizeof(*gids));
	manyg = calloc((size_t)nmany + 1, sizeof(*manyg));
	gr = calloc((size_t)(ngroups + 1 + nmany), sizeof(*gr));
	memb = calloc((size_t)(ngroups * 3 + nbig + 1), sizeof(*memb));
	if (!pw || !gids || !manyg || !gr || !memb)
		die("calloc");
	for (i = 0; i < npeople; i++) {
		pw[i].name = fmt("u", i);
		pw[i].gecos = fmt("User ", i);
		pw[i].dir = fmt("/home/u", i);
		pw[i].shell = "/bin/sh";
		pw[i].uid = 100000 + (uint32_t)i;
		pw[i].gid = 200000 + (uint32_t)(i % ngroups);
		pw[i].gids = &gids[3 * i];
		gids[3 * i] = pw[i].gid;
		gids[3 * i + 1] = 200000 + (uint32_t)((i + 1) % ngroups);
		gids[3 * i + 2] = 250000;
		pw[i].ngroups = 2 + (nbig > i);
	}
	if (nmany > 0) {
		pw[i].name = "many";
		pw[i].gecos = "User -1";
		pw[i].dir = "/home/many";
		pw[i].shell = "/bin/sh";
		pw[i].uid = 99999;
		pw[i].gid = 300000;
		for (k = 0; k < nmany; k++)
			manyg[k] = 300000 + (uint32_t)k;
		pw[i].gids = manyg;
		pw[i].ngroups = (uint32_t)nmany;
		i++;
	}
	for (j = 0; j < ngroups; j++) {
		gr[j].name = fmt("g", j);
		gr[j].gid = 200000 + (uint32_t)j;
		gr[j].members = (const char *const *)&memb[n];
		for (k = j; k < npeople && gr[j].nmem < 3; k += ngroups) {
			memb[n++] = fmt("u", k);
			gr[j].nmem++;
		}
	}
	if (nbig > 0) {
		gr[j].name = "big";
		gr[j].gid = 250000;
		gr[j].members = (const char *const *)&memb[n];
		for (k = 0; k < nbig && k < npeople; k++) {
			memb[n++] = fmt("u", k);
			gr[j].nmem++;
		}
		j++;
	}
	for (k = 0; k < nmany; k++, j++) {
		gr[j].name = fmt("m", k);
		gr[j].gid = 300000 + (uint32_t)k;
	}
	if (nssmap_publish(w, pw, (size_t)i, gr, (size_t)j, NULL) == -1)
		die("nssmap_publish");
	/* the writer copied everything; the inputs are not needed again,
	 * but this is a test program that exits soon */
	return w;
}

int
main(int argc, char **argv)
{
	struct sockaddr_un	 sun;
	struct nssmap_writer	*w = NULL;
	const char		*sock = NULL;
	int			 c, lfd, fd, map = 0, held = -1;
	time_t			 held_until = 0;

	while ((c = getopt(argc, argv, "s:p:g:b:G:m")) != -1) {
		switch (c) {
		case 's': sock = optarg; break;
		case 'p': npeople = atol(optarg); break;
		case 'g': ngroups = atol(optarg); break;
		case 'b': nbig = atol(optarg); break;
		case 'G': nmany = atol(optarg); break;
		case 'm': map = 1; break;
		default: exit(2);
		}
	}
	if (sock == NULL || ngroups < 1 || strlen(sock) >= sizeof(sun.sun_path))
		exit(2);
	signal(SIGTERM, on_term);
	signal(SIGPIPE, SIG_IGN);
	unlink(sock);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, sock);
	if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(sock, 0666) == -1 || listen(lfd, 128) == -1)
		die("listen");
	if (map)
		w = publish(sock);
	while (!stop) {
		struct pollfd	pfd = { lfd, POLLIN, 0 };
		struct ua_rec	req = { 0 };
		struct ucred	cr;
		socklen_t	crl = sizeof(cr);
		uint16_t	action;

		if (w != NULL)
			nssmap_heartbeat(w);
		if (held != -1 && time(NULL) >= held_until) {
			close(held);
			held = -1;
		}
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crl) == 0 &&
		    ua_read_header(fd, &action, ua_deadline(2000)) == 0 &&
		    ua_read_rec(fd, &req, &ua_req_limits, ua_deadline(2000))
		    == 0) {
			if (action == UA_PW_BYNAME && req.n == 1 &&
			    strcmp(req.f[0].p, "slow") == 0 && held == -1) {
				held = fd;	/* never answered */
				held_until = time(NULL) + 8;
				fd = -1;
			} else
				respond(fd, action, &req, cr.uid);
		}
		ua_rec_free(&req);
		if (fd != -1)
			close(fd);
	}
	nssmap_writer_close(w);
	close(lfd);
	unlink(sock);
	return 0;
}
