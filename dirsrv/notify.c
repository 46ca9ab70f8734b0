/*
 * notify.c - the notifier (workflows.md): every message to a person
 * (verification codes, approvals, rejections, review results) is
 * appended to the outbox as one JSON line and, when notify.command is
 * set, given to that command on its standard input.  Messages are queued
 * on the operation and sent only after its transaction has committed, so
 * nobody is told about a change that did not happen.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "dirsrv.h"

extern char **environ;

struct note {
	char		*kind;		/* e.g. "application-approved" */
	char		*to;		/* mobile number or e-mail address */
	char		*dn;
	char		*text;
	struct note	*next;
};

/* "key":"s" with JSON escapes (also the verifier's request) */
void
notify_json(struct buf *b, const char *key, const char *s)
{
	const unsigned char *p;

	buf_printf(b, "\"%s\":\"", key);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, *p);
		} else if (*p < 0x20)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

void
notify_queue(struct op *op, const char *kind, const struct berval *to,
    const struct berval *dn, const char *text)
{
	struct note *n = arena_calloc(&op->arena, 1, sizeof(*n));

	n->kind = arena_strndup(&op->arena, kind, strlen(kind));
	n->to = arena_strndup(&op->arena, to ? to->bv_val : "",
	    to ? to->bv_len : 0);
	n->dn = arena_strndup(&op->arena, dn ? dn->bv_val : "",
	    dn ? dn->bv_len : 0);
	n->text = arena_strndup(&op->arena, text, strlen(text));
	n->next = op->notes;
	op->notes = n;
}

/* the notify commands still running: only they are reaped here, so the
 * verifier's own waitpid never loses its child to notify_reap */
#define NOTIFY_MAXKIDS	256
static pid_t		 kids[NOTIFY_MAXKIDS];
static size_t		 nkids;
static pthread_mutex_t	 kids_mu = PTHREAD_MUTEX_INITIALIZER;

static void
notify_child(pid_t pid)
{
	pthread_mutex_lock(&kids_mu);
	if (nkids == NOTIFY_MAXKIDS) {
		/* too many slow commands: wait for the oldest */
		waitpid(kids[0], NULL, 0);
		memmove(kids, kids + 1, --nkids * sizeof(kids[0]));
	}
	kids[nkids++] = pid;
	pthread_mutex_unlock(&kids_mu);
}

static void
notify_command(const char *cmd, const char *line, size_t len)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)(uintptr_t)cmd, NULL };
	int p[2];
	pid_t pid;
	ssize_t w;

	if (pipe2(p, O_CLOEXEC) != 0)
		return;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], STDIN_FILENO);
	if (posix_spawn(&pid, cmd, &fa, NULL, argv, environ) != 0) {
		log_warn("notify.command %s: cannot start: %s", cmd,
		    strerror(errno));
		pid = -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(p[0]);
	if (pid > 0) {
		/* a message is small: it fits the pipe, the write cannot block */
		w = write(p[1], line, len);
		if (w < 0 || (size_t)w != len)
			log_warn("notify.command: short write");
		notify_child(pid);
	}
	close(p[1]);
}

/* after commit: the outbox line and the command for each queued note */
void
notify_flush(struct op *op)
{
	const struct config *cfg = srv->cfg;
	struct note *n;
	struct buf b = { 0 };
	char when[32];
	int fd = -1;
	ssize_t w;

	/* a committed write may have asked for a real-name verification */
	verifier_wake();
	if (op->notes == NULL)
		return;
	if (cfg->notify.outbox != NULL &&
	    (fd = open(cfg->notify.outbox, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0600)) < 0)
		log_warn("notify.outbox %s: %s", cfg->notify.outbox,
		    strerror(errno));
	gentime_format((long long)time(NULL), when);
	for (n = op->notes; n != NULL; n = n->next) {
		b.len = 0;
		buf_addc(&b, '{');
		notify_json(&b, "time", when);
		buf_addc(&b, ',');
		notify_json(&b, "kind", n->kind);
		buf_addc(&b, ',');
		notify_json(&b, "to", n->to);
		buf_addc(&b, ',');
		notify_json(&b, "dn", n->dn);
		buf_addc(&b, ',');
		notify_json(&b, "text", n->text);
		buf_addstr(&b, "}\n");
		if (fd >= 0) {
			w = write(fd, b.p, b.len);
			if (w < 0 || (size_t)w != b.len)
				log_warn("notify.outbox: short write");
		}
		if (cfg->notify.command != NULL)
			notify_command(cfg->notify.command, (char *)b.p, b.len);
	}
	if (fd >= 0)
		close(fd);
	buf_free(&b);
	op->notes = NULL;
}

/* collect finished notify commands (called from the main loop) */
void
notify_reap(void)
{
	size_t i = 0;

	pthread_mutex_lock(&kids_mu);
	while (i < nkids)
		if (waitpid(kids[i], NULL, WNOHANG) != 0)
			kids[i] = kids[--nkids];
		else
			i++;
	pthread_mutex_unlock(&kids_mu);
}
