/*
 * server.c - the agent's unix socket (agent_proto.h): one request per
 * connection, served by a thread of its own.
 *
 * Limits, all checked before any work: at most max_clients connections
 * at once, and at most a quarter of them (at least 4) from one non-root
 * uid, so that one local user cannot starve logins (root, i.e. login,
 * sshd, su) or the other users; a connection over a limit is closed at
 * once, which the client reads as "unavailable".  The request must
 * arrive within UA_TIMEOUT_SERVER_MS and within the request limits
 * (agent_proto.c checks them before allocating).  The caller's uid comes
 * from SO_PEERCRED; root-only actions answer UA_DENIED to anyone else;
 * UA_AUTH and UA_PASSWD take a token from the caller's uid's bucket
 * (auth_rate a minute) or answer UA_BUSY.
 */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

#define THREAD_STACK	(1024 * 1024)
/* the longest a response may take (an enumeration to a slow reader) */
#define RESPONSE_MAX_MS	(300 * 1000)

struct peer {
	uid_t		 uid;
	int		 active;
	double		 tokens;
	int64_t		 last_ms;
	struct peer	*next;
};

static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 idle_cv = PTHREAD_COND_INITIALIZER;
static struct peer	*peers;
static int		 active;
static _Atomic int64_t	 last_accept_ms;	/* monotonic */

static int admin_status(struct req *);
static int admin_flush(struct req *);

static const struct action {
	uint16_t	 action;
	int		 root;		/* root only */
	int		 rate;		/* takes a token */
	uint32_t	 nmin, nmax;	/* argument fields */
	int		(*fn)(struct req *);
} actions[] = {
	{ UA_PW_BYNAME,  0, 0, 1, 1, lookup_pw },
	{ UA_PW_BYUID,   0, 0, 1, 1, lookup_pw },
	{ UA_PW_ENUM,    0, 0, 0, 0, lookup_pw_enum },
	{ UA_GR_BYNAME,  0, 0, 1, 1, lookup_gr },
	{ UA_GR_BYGID,   0, 0, 1, 1, lookup_gr },
	{ UA_GR_ENUM,    0, 0, 0, 0, lookup_gr_enum },
	{ UA_INITGROUPS, 0, 0, 1, 1, lookup_initgroups },
	{ UA_SP_BYNAME,  1, 0, 1, 1, lookup_sp },
	{ UA_SP_ENUM,    1, 0, 0, 0, lookup_sp_enum },
	{ UA_AUTH,       0, 1, 4, 4, auth_auth },
	{ UA_ACCOUNT,    0, 0, 1, 2, auth_account },
	{ UA_PASSWD,     0, 1, 3, 3, auth_passwd },
	{ UA_FLUSH,      1, 0, 0, 1, admin_flush },
	{ UA_STATUS,     1, 0, 0, 0, admin_status },
};

static int64_t
write_deadline(const struct req *q)
{
	int64_t	d = ua_deadline(UA_TIMEOUT_SERVER_MS);

	return q->end != 0 && q->end < d ? q->end : d;
}

int
reply_rec(struct req *q, const struct ua_field *f, uint32_t n)
{
	if (q->out != NULL)
		return ua_wbuf_rec(q->out, f, n, write_deadline(q));
	return ua_write_rec(q->fd, f, n, write_deadline(q));
}

void
reply_buffer(struct req *q, struct ua_wbuf *w, void *buf, size_t cap)
{
	ua_wbuf_init(w, q->fd, buf, cap);
	q->out = w;
}

int
reply_header(struct req *q, uint16_t status)
{
	if (q->out != NULL)
		return ua_wbuf_header(q->out, status, write_deadline(q));
	return ua_write_header(q->fd, status, write_deadline(q));
}

void
reply_drop(struct req *q)
{
	if (q->out == NULL)
		return;
	explicit_bzero(q->out->b, q->out->len);
	q->out->len = 0;
	q->out = NULL;
}

int
reply_end(struct req *q)
{
	int	rc;

	if (q->out == NULL)
		return ua_write_end(q->fd, write_deadline(q));
	rc = ua_wbuf_end(q->out, write_deadline(q));
	reply_drop(q);
	return rc;
}

int
reply(struct req *q, uint16_t status, const struct ua_field *f, uint32_t n)
{
	unsigned char	buf[4096];
	struct ua_wbuf	w;
	int		rc;

	/* one send for the whole response when it fits */
	reply_buffer(q, &w, buf, sizeof(buf));
	rc = reply_header(q, status);
	if (rc == 0 && n > 0)
		rc = reply_rec(q, f, n);
	if (rc == 0)
		return reply_end(q);
	reply_drop(q);
	return -1;
}

static struct peer *
peer_get(uid_t uid)
{
	struct peer	*p;

	for (p = peers; p != NULL; p = p->next)
		if (p->uid == uid)
			return p;
	p = xcalloc(1, sizeof(*p));
	p->uid = uid;
	p->tokens = (double)ag.cfg.auth_rate;
	p->last_ms = (int64_t)now_ms_monotonic();
	p->next = peers;
	peers = p;
	return p;
}

int
rate_allow(uid_t uid)
{
	struct peer	*p;
	int64_t		 now = (int64_t)now_ms_monotonic();
	int		 ok;

	if (ag.cfg.auth_rate == 0)
		return 1;
	pthread_mutex_lock(&mu);
	p = peer_get(uid);
	p->tokens += (double)(now - p->last_ms) * (double)ag.cfg.auth_rate /
	    60000.0;
	if (p->tokens > (double)ag.cfg.auth_rate)
		p->tokens = (double)ag.cfg.auth_rate;
	p->last_ms = now;
	ok = p->tokens >= 1.0;
	if (ok)
		p->tokens -= 1.0;
	pthread_mutex_unlock(&mu);
	return ok;
}

/* UA_STATUS (root): [key=value...] */
static int
admin_status(struct req *q)
{
	struct sv	 s = { 0 };
	struct ua_field	*f;
	char		 buf[512];
	size_t		 users, groups, off;
	uint32_t	 i;
	int		 rc;

	ldc_current(buf, sizeof(buf));
	sv_addf(&s, "server=%.400s", buf);
	cache_counts(&users, &groups, &off);
	sv_addf(&s, "entries=%zu", users + groups);
	sv_addf(&s, "users=%zu", users);
	sv_addf(&s, "groups=%zu", groups);
	sv_addf(&s, "offline_hashes=%zu", off);
	pthread_mutex_lock(&mu);
	sv_addf(&s, "clients=%d", active);
	pthread_mutex_unlock(&mu);
	refresh_status(&s);
	sv_addf(&s, "version=%s", UNIFIEDID_VERSION);
	f = xcalloc(s.n, sizeof(*f));
	for (i = 0; i < s.n; i++)
		f[i] = ua_str(s.v[i]);
	rc = reply(q, UA_OK, f, s.n);
	free(f);
	sv_free(&s);
	return rc;
}

/* UA_FLUSH (root): [] or ["all"] */
static int
admin_flush(struct req *q)
{
	int	all = q->args.n == 1 && strcmp(q->args.f[0].p, "all") == 0;

	if (q->args.n == 1 && !all)
		return reply(q, UA_BAD_REQUEST, NULL, 0);
	if (cache_flush(all) == -1)
		return reply(q, UA_ERROR, NULL, 0);
	log_info("cache flushed by uid %u%s", (unsigned)q->uid,
	    all ? " (with the offline hashes)" : "");
	refresh_now();
	return reply(q, UA_OK, NULL, 0);
}

static void
serve_one(struct req *q)
{
	const struct action	*a = NULL;
	struct ua_reader	 rd = { .fd = q->fd, .initial = 4096 };
	size_t			 i;
	int64_t			 deadline = ua_deadline(UA_TIMEOUT_SERVER_MS);
	uint16_t		 code;
	int			 rc;

	/* one read for the whole request (nearly always) */
	rc = ua_reader_header(&rd, &code, deadline) == -1 ||
	    ua_reader_rec(&rd, &q->args, &ua_req_limits, deadline) == -1;
	ua_reader_free(&rd);
	if (rc) {
		log_debug("client uid=%u pid=%d: %s", (unsigned)q->uid,
		    (int)q->pid, strerror(errno));
		/* a malformed request gets an answer; a dead one nothing */
		if (errno == EPROTO || errno == EMSGSIZE)
			reply(q, UA_BAD_REQUEST, NULL, 0);
		return;
	}
	q->action = code;
	for (i = 0; i < NELEM(actions); i++)
		if (actions[i].action == code)
			a = &actions[i];
	if (a == NULL || q->args.n < a->nmin || q->args.n > a->nmax) {
		reply(q, UA_BAD_REQUEST, NULL, 0);
		rc = UA_BAD_REQUEST;
	} else if (a->root && q->uid != 0) {
		reply(q, UA_DENIED, NULL, 0);
		rc = UA_DENIED;
	} else if (a->rate && !rate_allow(q->uid)) {
		reply(q, UA_BUSY, NULL, 0);
		rc = UA_BUSY;
	} else
		rc = a->fn(q);
	log_debug("uid=%u pid=%d %s: %d", (unsigned)q->uid, (int)q->pid,
	    ua_action_name(code), rc);
}

/*
 * Threads: each serves one connection at a time.  Idle threads wait in
 * epoll on the listening socket and accept connections themselves; the
 * socket is registered EPOLLEXCLUSIVE, so a connection wakes exactly one
 * waiting thread (none while all are busy: the connection then stays
 * ready in every thread's epoll set and the first thread back takes it).
 * The thread that takes a connection starts another when no other one is
 * left waiting, so a connection never waits for a busy thread while
 * max_clients allows more (one more thread than that is allowed: it
 * accepts and refuses at once what is over a limit).  At most
 * POOL_IDLE_MAX threads wait; one that has waited POOL_IDLE_SECONDS goes
 * unless it is the last.  The main thread only reads the signals.
 */
#define POOL_IDLE_MAX		8
#define POOL_IDLE_SECONDS	30

static pthread_attr_t	 pool_attr;
static int		 threads, idle_threads, pool_stop;
/* the stop posts tokens on a semaphore eventfd: each wakes one waiter */
static int		 listen_fd = -1, stop_fd = -1;

static struct req *admit(int fd);
static void *pool_main(void *);

/* one more thread, with mu held; -1 when it cannot be started */
static int
pool_spawn(void)
{
	pthread_t	t;
	int		e;

	if (pool_stop || threads > (int)ag.cfg.max_clients)
		return -1;
	if ((e = pthread_create(&t, &pool_attr, pool_main, NULL)) != 0) {
		log_warn("cannot start a thread: %s", strerror(e));
		return -1;
	}
	threads++;
	return 0;
}

static void
conn_serve(struct req *q)
{
	struct peer	*p;

	q->end = ua_deadline(RESPONSE_MAX_MS);
	serve_one(q);
	close(q->fd);
	/* what the lookups fetched, now that the client has its answer */
	if (cache_later_write() == 1)
		refresh_publish_soon();
	ua_rec_free(&q->args);
	pthread_mutex_lock(&mu);
	p = peer_get(q->uid);
	p->active--;
	active--;
	pthread_mutex_unlock(&mu);
	free(q);
}

/*
 * Wait for the next connection and accept it.  NULL: time to go (idle
 * too long while others wait, or the agent stops).  Called with mu held,
 * returns with mu held; the thread counts as idle meanwhile.
 */
static struct req *
idle_wait(int ep)
{
	struct epoll_event	 ev[2];
	struct req		*q = NULL;
	int64_t			 end = (int64_t)now_ms_monotonic() +
				    POOL_IDLE_SECONDS * 1000, left;
	int			 n, i, fd;

	idle_threads++;
	while (q == NULL && !pool_stop) {
		left = end - (int64_t)now_ms_monotonic();
		if (left <= 0) {
			if (idle_threads > 1)
				break;
			left = POOL_IDLE_SECONDS * 1000;
			end = (int64_t)now_ms_monotonic() + left;
		}
		pthread_mutex_unlock(&mu);
		/* the 1 s cap is only a safety net for the stop */
		n = epoll_wait(ep, ev, 2, left > 1000 ? 1000 : (int)left);
		for (i = 0; i < n && q == NULL; i++) {
			if (ev[i].data.fd != listen_fd)
				continue;	/* the stop: seen below */
			fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC |
			    SOCK_NONBLOCK);
			if (fd != -1)
				q = admit(fd);
		}
		pthread_mutex_lock(&mu);
	}
	idle_threads--;
	return q;
}

static void *
pool_main(void *arg)
{
	struct epoll_event	 e = { .events = EPOLLIN | EPOLLEXCLUSIVE };
	struct req		*q;
	int			 ep;

	(void)arg;
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) != -1) {
		e.data.fd = listen_fd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &e) == -1) {
			close(ep);
			ep = -1;
		} else {
			e.events = EPOLLIN;
			e.data.fd = stop_fd;
			(void)epoll_ctl(ep, EPOLL_CTL_ADD, stop_fd, &e);
		}
	}
	if (ep == -1)
		log_warn("epoll: %s", strerror(errno));
	pthread_mutex_lock(&mu);
	while (ep != -1 && (q = idle_wait(ep)) != NULL) {
		/* someone must be left to accept the next connection */
		if (idle_threads == 0)
			(void)pool_spawn();
		pthread_mutex_unlock(&mu);
		conn_serve(q);
		pthread_mutex_lock(&mu);
		if (idle_threads >= POOL_IDLE_MAX)
			break;
	}
	if (--threads == 0)
		pthread_cond_broadcast(&idle_cv);
	pthread_mutex_unlock(&mu);
	if (ep != -1)
		close(ep);
	return NULL;
}

int
server_busy(void)
{
	int	n;

	pthread_mutex_lock(&mu);
	n = active;
	pthread_mutex_unlock(&mu);
	return n > 0 || (int64_t)now_ms_monotonic() - last_accept_ms < 3;
}

/* A connection accepted: its peer's credentials and the limits; the
 * request, counted as active, or NULL (closed). */
static struct req *
admit(int fd)
{
	struct ucred	 cr;
	socklen_t	 len = sizeof(cr);
	struct req	*q;
	struct peer	*p;
	int		 per_uid = (int)ag.cfg.max_clients / 4, ok;

	last_accept_ms = (int64_t)now_ms_monotonic();
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == -1) {
		close(fd);
		return NULL;
	}
	if (per_uid < 4)
		per_uid = 4;
	pthread_mutex_lock(&mu);
	p = peer_get(cr.uid);
	ok = active < ag.cfg.max_clients && (cr.uid == 0 ||
	    p->active < per_uid);
	if (ok) {
		active++;
		p->active++;
	}
	pthread_mutex_unlock(&mu);
	if (!ok) {
		log_debug("uid=%u: too many connections, refused",
		    (unsigned)cr.uid);
		close(fd);
		return NULL;
	}
	q = xcalloc(1, sizeof(*q));
	q->fd = fd;
	q->uid = cr.uid;
	q->gid = cr.gid;
	q->pid = cr.pid;
	return q;
}

/* the directory of the socket: created 0755 when missing */
static int
socket_open(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char		 dir[sizeof(sun.sun_path)], *slash;
	int		 fd;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
			log_err("%s: %s", dir, strerror(errno));
			return -1;
		}
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return -1;
	/* a socket left by a killed agent: nobody listens, replace it */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		log_err("%s: another agent is listening", path);
		close(fd);
		return -1;
	}
	close(fd);
	unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0666) == -1 || listen(fd, 128) == -1) {
		log_err("%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

int
server_run(int debug)
{
	sigset_t	 set;
	struct timespec	 ts;
	char		 err[512];
	int		 lfd = -1, sfd = -1, rc = 1, rc_fail = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* every thread inherits the mask; the signals come through sfd */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((sfd = signalfd(-1, &set, SFD_CLOEXEC)) == -1) {
		log_err("signalfd: %s", strerror(errno));
		return 1;
	}
	umask(022);
	if (cache_open(ag.cfg.cache_dir, ag.cfg.cache_size, err,
	    sizeof(err)) == -1) {
		log_err("%s", err);
		close(sfd);
		return 1;
	}
	if ((lfd = socket_open(ag.cfg.socket)) == -1 || refresh_start() == -1) {
		rc = 0;		/* nothing else runs: close everything */
		rc_fail = 1;
		goto out;
	}
	/* never read: once written it wakes every waiting thread */
	if ((stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		log_err("eventfd: %s", strerror(errno));
		rc_fail = 1;
		rc = 0;
		goto out;
	}
	listen_fd = lfd;
	pthread_attr_init(&pool_attr);
	pthread_attr_setdetachstate(&pool_attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&pool_attr, THREAD_STACK);
	pthread_mutex_lock(&mu);
	if (pool_spawn() == -1) {
		pthread_mutex_unlock(&mu);
		refresh_stop();
		rc_fail = 1;
		rc = 0;
		goto out;
	}
	pthread_mutex_unlock(&mu);
	log_info("unifiedid-agent %s ready on %s (%zu server%s)",
	    UNIFIEDID_VERSION, ag.cfg.socket, ag.cfg.nuri,
	    ag.cfg.nuri == 1 ? "" : "s");
	(void)debug;
	sd_notify_msg("READY=1");
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof(si));

		if (n == -1 && errno == EINTR)
			continue;
		if (n != sizeof(si) || si.ssi_signo != SIGHUP)
			break;
	}
	log_info("stopping");
	ag.stop = 1;
	/* every thread goes (before the listening socket closes: none may
	 * accept on a number the kernel gives to something else); those
	 * serving a client finish first (each is bounded in time) */
	pthread_mutex_lock(&mu);
	pool_stop = 1;
	pthread_mutex_unlock(&mu);
	{
		uint64_t one = 1;

		if (write(stop_fd, &one, sizeof(one)) == -1)
			log_debug("eventfd: %s", strerror(errno));
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	pthread_mutex_lock(&mu);
	while (threads > 0)
		if (pthread_cond_timedwait(&idle_cv, &mu, &ts) == ETIMEDOUT)
			break;
	rc = threads > 0 ? 1 : 0;
	pthread_mutex_unlock(&mu);
	if (rc == 0) {
		close(lfd);
		lfd = -1;
		unlink(ag.cfg.socket);
	}
	refresh_stop();
	pthread_attr_destroy(&pool_attr);
out:
	if (lfd != -1) {
		close(lfd);
		unlink(ag.cfg.socket);
	}
	if (rc == 0) {
		/* threads still serving would use them */
		ldc_pool_close();
		cache_close();
	}
	close(sfd);
	pthread_mutex_lock(&mu);
	while (rc == 0 && peers != NULL) {
		struct peer *p = peers;

		peers = p->next;
		free(p);
	}
	pthread_mutex_unlock(&mu);
	return rc_fail ? 1 : rc;
}
