/*
 * audit.c - the audit log: one JSON object per line for every bind, every
 * write and every refusal (time, connection, client address, bound DN,
 * operation, target DN, result code).  Never passwords or codes: only
 * what the envelope and the target DN say.  One write(2) per line on an
 * O_APPEND descriptor, so lines from threads never interleave.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dirsrv.h"

static int audit_fd = -1;

int
audit_open(const char *path, char *err, size_t errlen)
{
	if (path == NULL)
		return 0;
	audit_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (audit_fd < 0) {
		snprintf(err, errlen, "audit_log %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void
audit_close(void)
{
	if (audit_fd >= 0)
		close(audit_fd);
	audit_fd = -1;
}

static void
json_str(struct buf *b, const char *s, size_t n)
{
	size_t i;

	buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, c);
		} else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\u%04x", c);
		else
			buf_addc(b, c);
	}
	buf_addc(b, '"');
}

static const char *
op_name(ber_tag_t tag)
{
	switch (tag) {
	case LDAP_REQ_BIND:	return "bind";
	case LDAP_REQ_SEARCH:	return "search";
	case LDAP_REQ_MODIFY:	return "modify";
	case LDAP_REQ_ADD:	return "add";
	case LDAP_REQ_DELETE:	return "delete";
	case LDAP_REQ_MODDN:	return "modrdn";
	case LDAP_REQ_COMPARE:	return "compare";
	case LDAP_REQ_EXTENDED:	return "extended";
	default:		return "other";
	}
}

/* is this result worth a line? binds, writes and refusals */
static int
audit_wanted(const struct op *op, int code)
{
	if (op->tag == LDAP_REQ_BIND || op_is_write(op->tag) ||
	    op->audit_write)
		return 1;
	switch (code) {
	case LDAP_INSUFFICIENT_ACCESS:
	case LDAP_CONFIDENTIALITY_REQUIRED:
	case LDAP_UNWILLING_TO_PERFORM:
	case LDAP_INVALID_CREDENTIALS:
	case LDAP_STRONG_AUTH_REQUIRED:
	case LDAP_INAPPROPRIATE_AUTH:
	case LDAP_ADMINLIMIT_EXCEEDED:
	case LDAP_BUSY:
		return 1;
	default:
		return 0;
	}
}

void
audit_result(const struct op *op, int code)
{
	struct buf b = { 0 };
	struct timespec ts;
	struct tm tm;
	char when[64];
	ssize_t n;

	if (audit_fd < 0 || op->conn == NULL || !audit_wanted(op, code))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	buf_printf(&b, "{\"time\":\"%s\",\"conn\":%llu,\"client\":", when,
	    (unsigned long long)conn_id(op->conn));
	json_str(&b, conn_peer(op->conn), strlen(conn_peer(op->conn)));
	buf_addstr(&b, ",\"binddn\":");
	json_str(&b, op->binddn.bv_val ? op->binddn.bv_val : "",
	    op->binddn.bv_len);
	buf_printf(&b, ",\"op\":\"%s\"", op->audit_op ? op->audit_op :
	    op_name(op->tag));
	buf_addstr(&b, ",\"dn\":");
	json_str(&b, op->target.bv_val ? op->target.bv_val : "",
	    op->target.bv_len);
	buf_printf(&b, ",\"result\":%d}\n", code);
	n = write(audit_fd, b.p, b.len);
	if (n < 0 || (size_t)n != b.len)
		log_warn("audit log: %s", n < 0 ? strerror(errno) :
		    "short write");
	buf_free(&b);
}
