/*
 * server.c - listeners, the worker pool, the writer thread and shutdown.
 *
 * Workers share one epoll set; connections are registered EPOLLONESHOT
 * so that exactly one worker handles a connection at a time.  Writes are
 * executed by a single writer thread (LMDB has one writer anyway): the
 * worker that decoded a write hands it over and moves on to other
 * clients, so an fsync never stalls reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "dirsrv.h"
#include "conn.h"

struct server *srv;

struct listener {
	int	fd;
	int	ldapi;
	int	tls;
	char	path[108];
};

static struct listener	 listeners[32];
static int		 nlisteners;
static int		 sigpipe_fds[2] = { -1, -1 };

#define TAG_LISTENER	((void *)1)
#define TAG_READYQ	((void *)2)

static void
on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (write(sigpipe_fds[1], &c, 1) < 0) {
		/* nothing sensible to do in a handler */
	}
	errno = saved;
}

static int
listen_url(const char *url, char *err, size_t errlen)
{
	LDAPURLDesc *lud = NULL;
	struct listener *l;
	int fd = -1, one = 1;

	if (nlisteners >= (int)NELEM(listeners)) {
		snprintf(err, errlen, "listen: too many listeners");
		return -1;
	}
	if (ldap_url_parse(url, &lud) != LDAP_URL_SUCCESS) {
		snprintf(err, errlen, "listen: %s: not an LDAP URL", url);
		return -1;
	}
	l = &listeners[nlisteners];
	memset(l, 0, sizeof(*l));
	if (strcasecmp(lud->lud_scheme, "ldapi") == 0) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		const char *path = lud->lud_host && *lud->lud_host ?
		    lud->lud_host : "/run/unifiedid/ldapi";

		if (strlen(path) >= sizeof(sun.sun_path)) {
			snprintf(err, errlen, "listen: %s: path too long", url);
			goto fail;
		}
		strcpy(sun.sun_path, path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			goto syserr;
		unlink(path);
		if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
			goto syserr;
		/* access is decided by the peer's uid, not the socket mode */
		chmod(path, 0666);
		l->ldapi = 1;
		snprintf(l->path, sizeof(l->path), "%s", path);
	} else if (strcasecmp(lud->lud_scheme, "ldap") == 0 ||
	    strcasecmp(lud->lud_scheme, "ldaps") == 0) {
		struct sockaddr_storage ss;
		socklen_t sl;
		const char *host = lud->lud_host && *lud->lud_host ?
		    lud->lud_host : "0.0.0.0";
		int tls = strcasecmp(lud->lud_scheme, "ldaps") == 0;
		int port = lud->lud_port ? lud->lud_port : tls ? 636 : 389;

		if (tls && !tls_configured()) {
			snprintf(err, errlen, "listen: %s needs tls.certificate "
			    "and tls.key", url);
			goto fail;
		}
		l->tls = tls;

		memset(&ss, 0, sizeof(ss));
		if (strchr(host, ':') != NULL) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)port);
			if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
				goto badhost;
			sl = sizeof(*s6);
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)port);
			if (strcmp(host, "localhost") == 0)
				host = "127.0.0.1";
			if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
				goto badhost;
			sl = sizeof(*s4);
		}
		fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (fd < 0)
			goto syserr;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&ss, sl) != 0)
			goto syserr;
	} else {
		snprintf(err, errlen, "listen: %s: scheme %s is not supported",
		    url, lud->lud_scheme);
		goto fail;
	}
	if (listen(fd, 1024) != 0)
		goto syserr;
	l->fd = fd;
	nlisteners++;
	ldap_free_urldesc(lud);
	return 0;
badhost:
	snprintf(err, errlen, "listen: %s: host must be a numeric address",
	    url);
	goto fail;
syserr:
	snprintf(err, errlen, "listen: %s: %s", url, strerror(errno));
fail:
	if (fd >= 0)
		close(fd);
	ldap_free_urldesc(lud);
	return -1;
}

static void
server_accept(struct listener *l)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct epoll_event ev;
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	struct conn *c;
	char peer[80], host[INET6_ADDRSTRLEN];
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	int fd, one = 1;

	for (;;) {
		fd = accept4(l->fd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;		/* EAGAIN, or a transient error */
		pthread_mutex_lock(&srv->conn_mu);
		if (srv->nconns >= srv->cfg->max_connections) {
			pthread_mutex_unlock(&srv->conn_mu);
			log_warn("max_connections (%d) reached, refusing a "
			    "client", srv->cfg->max_connections);
			close(fd);
			continue;
		}
		srv->nconns++;
		pthread_mutex_unlock(&srv->conn_mu);
		if (l->ldapi) {
			cl = sizeof(cred);
			if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0) {
				uid = cred.uid;
				gid = cred.gid;
			}
			snprintf(peer, sizeof(peer), "ldapi uid=%ld", (long)uid);
		} else {
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			if (ss.ss_family == AF_INET6) {
				struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
				inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
				snprintf(peer, sizeof(peer), "[%s]:%u", host,
				    ntohs(s6->sin6_port));
			} else {
				struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
				inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
				snprintf(peer, sizeof(peer), "%s:%u", host,
				    ntohs(s4->sin_port));
			}
		}
		c = conn_new(fd, l->ldapi, uid, peer);
		c->peer_gid = gid;
		snprintf(c->addr, sizeof(c->addr), "%s", l->ldapi ? "ldapi" :
		    host);
		if (l->tls && tls_start(c) != 0) {
			log_warn("conn from %s: cannot start TLS", peer);
			conn_unref(c);
			close(fd);
			pthread_mutex_lock(&srv->conn_mu);
			srv->nconns--;
			pthread_mutex_unlock(&srv->conn_mu);
			continue;
		}
		pthread_mutex_lock(&srv->conn_mu);
		c->id = ++srv->next_connid;
		c->next = srv->conns;
		if (srv->conns)
			srv->conns->prev = c;
		srv->conns = c;
		pthread_mutex_unlock(&srv->conn_mu);
		log_debug("conn=%llu accepted from %s",
		    (unsigned long long)c->id, peer);
		ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
		ev.data.ptr = c;
		if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
			conn_close(c);
		sl = sizeof(ss);
	}
}

void
conn_close(struct conn *c)
{
	pthread_mutex_lock(&srv->conn_mu);
	if (c->prev)
		c->prev->next = c->next;
	else if (srv->conns == c)
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
	srv->nconns--;
	epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	pthread_mutex_unlock(&srv->conn_mu);
	log_debug("conn=%llu closed", (unsigned long long)c->id);
	conn_unref(c);
}

static void
readyq_push(struct conn *c)
{
	uint64_t one = 1;

	pthread_mutex_lock(&srv->rq_mu);
	c->rq_next = srv->rq_head;
	srv->rq_head = c;
	pthread_mutex_unlock(&srv->rq_mu);
	if (write(srv->rq_efd, &one, sizeof(one)) < 0)
		log_err("ready queue: %s", strerror(errno));
}

void
server_requeue(struct conn *c)
{
	readyq_push(c);
}

static void
readyq_drain(void)
{
	struct conn *c, *next;
	uint64_t v;

	if (read(srv->rq_efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: another worker took it */
	}
	pthread_mutex_lock(&srv->rq_mu);
	c = srv->rq_head;
	srv->rq_head = NULL;
	pthread_mutex_unlock(&srv->rq_mu);
	for (; c != NULL; c = next) {
		next = c->rq_next;
		c->rq_next = NULL;
		if (c->closing)
			conn_close(c);
		else
			conn_handle(c, 0);
	}
}

static void *
worker_main(void *arg)
{
	struct epoll_event evs[16];
	int n, i, k;

	(void)arg;
	while (!srv->stopping) {
		n = epoll_wait(srv->epfd, evs, (int)NELEM(evs), 500);
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == TAG_READYQ) {
				readyq_drain();
				continue;
			}
			for (k = 0; k < nlisteners; k++)
				if (evs[i].data.ptr == &listeners[k])
					break;
			if (k < nlisteners) {
				server_accept(&listeners[k]);
				continue;
			}
			conn_handle(evs[i].data.ptr, evs[i].events);
		}
	}
	store_read_thread_end();
	arena_thread_cleanup();
	return NULL;
}

void
server_queue_write(struct op *op)
{
	pthread_mutex_lock(&op->conn->mu);
	op->conn->refs++;
	pthread_mutex_unlock(&op->conn->mu);
	pthread_mutex_lock(&srv->wq_mu);
	op->next = NULL;
	if (srv->wq_tail)
		srv->wq_tail->next = op;
	else
		srv->wq_head = op;
	srv->wq_tail = op;
	pthread_cond_signal(&srv->wq_cv);
	pthread_mutex_unlock(&srv->wq_mu);
}

/* run one write op in its own transaction, answer, hand the conn back */
static void
writer_run(struct op *op)
{
	MDB_txn *txn = NULL;
	struct conn *c = op->conn;
	int rc;

	rc = mdb_txn_begin(srv->store.env, NULL, 0, &txn);
	if (rc != 0) {
		log_err("write transaction: %s", mdb_strerror(rc));
		op_respond(op, LDAP_OTHER, "database unavailable");
	} else {
		op->txn = txn;
		switch (op->tag) {
		case LDAP_REQ_ADD:
			rc = ldap_add(op, txn);
			break;
		case LDAP_REQ_MODIFY:
			rc = ldap_modify(op, txn);
			break;
		case LDAP_REQ_DELETE:
			rc = ldap_delete(op, txn);
			break;
		case LDAP_REQ_MODDN:
			rc = ldap_modrdn(op, txn);
			break;
		case LDAP_REQ_EXTENDED:
			rc = ldap_extended_write(op, txn);
			break;
		default:
			rc = op_respond(op, LDAP_PROTOCOL_ERROR, NULL);
		}
		(void)rc;
	}
	op_free(op);
	if (!srv->stopping)
		readyq_push(c);
	else
		c->closing = 1, readyq_push(c);
	conn_unref(c);
}

static void *
writer_main(void *arg)
{
	struct op *op;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&srv->wq_mu);
		while (srv->wq_head == NULL && !srv->stopping)
			pthread_cond_wait(&srv->wq_cv, &srv->wq_mu);
		op = srv->wq_head;
		if (op != NULL) {
			srv->wq_head = op->next;
			if (srv->wq_head == NULL)
				srv->wq_tail = NULL;
		}
		pthread_mutex_unlock(&srv->wq_mu);
		if (op == NULL)
			break;	/* stopping, and the queue is empty */
		writer_run(op);
	}
	arena_thread_cleanup();
	return NULL;
}

static void
sweep_idle(void)
{
	struct conn *c;
	uint64_t now = now_ms_monotonic(), limit;

	if (srv->cfg->idle_timeout <= 0)
		return;
	limit = (uint64_t)srv->cfg->idle_timeout * 1000;
	pthread_mutex_lock(&srv->conn_mu);
	for (c = srv->conns; c != NULL; c = c->next)
		if (c->fd >= 0 && now - c->last_ms > limit) {
			log_info("conn=%llu from %s idle for %d s, closing",
			    (unsigned long long)c->id, c->peer,
			    srv->cfg->idle_timeout);
			/* the worker sees EOF and closes it */
			shutdown(c->fd, SHUT_RDWR);
			c->last_ms = now;
		}
	pthread_mutex_unlock(&srv->conn_mu);
}

static int
drop_privileges(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;
	int i;

	if (user == NULL || *user == '\0')
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user: %s: no such user", user);
		return -1;
	}
	if (chown(srv->cfg->data_dir, pw->pw_uid, pw->pw_gid) != 0)
		log_warn("chown %s: %s", srv->cfg->data_dir, strerror(errno));
	{
		static const char *files[] = { "data.mdb", "lock.mdb" };
		char path[4096];
		size_t k;

		/* the environment is open already; later starts as the user
		 * must be able to open it too */
		for (k = 0; k < NELEM(files); k++) {
			snprintf(path, sizeof(path), "%s/%s", srv->cfg->data_dir,
			    files[k]);
			if (chown(path, pw->pw_uid, pw->pw_gid) != 0)
				log_warn("chown %s: %s", path, strerror(errno));
		}
	}
	for (i = 0; i < nlisteners; i++)
		if (listeners[i].ldapi &&
		    chown(listeners[i].path, pw->pw_uid, pw->pw_gid) != 0)
			log_warn("chown %s: %s", listeners[i].path,
			    strerror(errno));
	if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		snprintf(err, errlen, "user: cannot switch to %s: %s", user,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
server_run(struct config *cfg, struct schema *schema)
{
	struct epoll_event ev;
	struct sigaction sa;
	char err[512];
	size_t i;
	int k, rc = 1;

	srv = xcalloc(1, sizeof(*srv));
	srv->cfg = cfg;
	srv->schema = schema;
	pthread_mutex_init(&srv->wq_mu, NULL);
	pthread_cond_init(&srv->wq_cv, NULL);
	pthread_mutex_init(&srv->rq_mu, NULL);
	pthread_mutex_init(&srv->conn_mu, NULL);
	if (server_init_names(srv, err, sizeof(err)) != 0 ||
	    acl_init(err, sizeof(err)) != 0) {
		fprintf(stderr, "unifiedid-dirsrv: %s\n", err);
		return 1;
	}
	if (tls_init(cfg, err, sizeof(err)) != 0 ||
	    audit_open(cfg->audit_log, err, sizeof(err)) != 0) {
		fprintf(stderr, "unifiedid-dirsrv: %s\n", err);
		return 1;
	}
	if (store_open(&srv->store, cfg, schema, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "unifiedid-dirsrv: %s\n", err);
		tls_shutdown();
		return 1;
	}
	for (i = 0; i < cfg->listen.n; i++)
		if (listen_url(cfg->listen.v[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "unifiedid-dirsrv: %s\n", err);
			goto out;
		}
	if (drop_privileges(cfg->user, err, sizeof(err)) != 0) {
		fprintf(stderr, "unifiedid-dirsrv: %s\n", err);
		goto out;
	}
	rootdse_build(srv);
	if (pipe2(sigpipe_fds, O_CLOEXEC | O_NONBLOCK) != 0)
		goto out;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	srv->rq_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (srv->epfd < 0 || srv->rq_efd < 0)
		goto out;
	for (k = 0; k < nlisteners; k++) {
		ev.events = EPOLLIN | EPOLLEXCLUSIVE;
		ev.data.ptr = &listeners[k];
		epoll_ctl(srv->epfd, EPOLL_CTL_ADD, listeners[k].fd, &ev);
	}
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	ev.data.ptr = TAG_READYQ;
	epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->rq_efd, &ev);

	srv->nworkers = cfg->threads > 0 ? cfg->threads :
	    (int)sysconf(_SC_NPROCESSORS_ONLN) * 2;
	if (srv->nworkers < 2)
		srv->nworkers = 2;
	srv->workers = xcalloc((size_t)srv->nworkers, sizeof(pthread_t));
	for (k = 0; k < srv->nworkers; k++)
		pthread_create(&srv->workers[k], NULL, worker_main, NULL);
	pthread_create(&srv->writer, NULL, writer_main, NULL);
	verifier_start();

	log_info("unifiedid-dirsrv %s ready: suffix %s, %d workers",
	    UNIFIEDID_VERSION, cfg->suffix, srv->nworkers);
	sd_notify_msg("READY=1");
	for (;;) {
		char sig = 0;
		fd_set rfds;
		struct timeval tv = { 1, 0 };

		FD_ZERO(&rfds);
		FD_SET(sigpipe_fds[0], &rfds);
		if (select(sigpipe_fds[0] + 1, &rfds, NULL, NULL, &tv) > 0 &&
		    read(sigpipe_fds[0], &sig, 1) == 1 &&
		    (sig == SIGTERM || sig == SIGINT))
			break;
		sweep_idle();
		notify_reap();
	}
	log_info("shutting down");
	/* stop accepting; finish the writes already queued */
	for (k = 0; k < nlisteners; k++) {
		epoll_ctl(srv->epfd, EPOLL_CTL_DEL, listeners[k].fd, NULL);
		close(listeners[k].fd);
		if (listeners[k].ldapi)
			unlink(listeners[k].path);
	}
	nlisteners = 0;
	pthread_mutex_lock(&srv->wq_mu);
	srv->stopping = 1;
	pthread_cond_broadcast(&srv->wq_cv);
	pthread_mutex_unlock(&srv->wq_mu);
	pthread_join(srv->writer, NULL);
	verifier_stop();
	for (k = 0; k < srv->nworkers; k++)
		pthread_join(srv->workers[k], NULL);
	rc = 0;
out:
	for (k = 0; k < nlisteners; k++) {
		close(listeners[k].fd);
		if (listeners[k].ldapi)
			unlink(listeners[k].path);
	}
	store_close(&srv->store);
	tls_shutdown();
	audit_close();
	return rc;
}
