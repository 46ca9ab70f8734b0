/*
 * call.c - one request to unifiedid-agent per call (agent_proto.h): the
 * status and at most one result record, with one deadline for the whole
 * exchange.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>

#include "pam_unifiedid.h"

/*
 * Send action with its fields and read the answer: returns the status
 * (enum ua_status) with the result record, if any, in *rec (rec->n == 0
 * when there was none; the caller frees it with ua_rec_free), or -1 when
 * the agent cannot be asked (not running, timeout, malformed answer): the
 * callers treat -1 as "unavailable".
 */
int
call_agent(pam_handle_t *pamh, const struct pu_args *a, uint16_t action,
    const struct ua_field *f, uint32_t n, struct ua_rec *rec)
{
	struct ua_rec	 end = { 0 };
	const char	*path = a->socket != NULL ? a->socket : ua_socket_path();
	int64_t		 deadline = ua_deadline(UA_TIMEOUT_AUTH_MS);
	uint16_t	 status;
	int		 fd, rc = -1;

	rec->n = 0;
	if ((fd = ua_call(path, action, f, n, &status, deadline)) == -1) {
		pam_syslog(pamh, LOG_ERR, "agent %s: %s: %m", path,
		    ua_action_name(action));
		return -1;
	}
	if (ua_read_rec(fd, rec, &ua_resp_limits, deadline) == -1)
		goto fail;
	/* every action we use answers at most one record */
	if (rec->n > 0 && ua_read_rec(fd, &end, &ua_resp_limits,
	    deadline) == -1)
		goto fail;
	if (end.n != 0) {
		ua_rec_free(&end);
		errno = EPROTO;
		goto fail;
	}
	rc = status;
	DEBUG(pamh, a, "agent: %s -> %s", ua_action_name(action),
	    ua_status_name(status));
	close(fd);
	return rc;
fail:
	pam_syslog(pamh, LOG_ERR, "agent %s: %s: reading the answer: %m", path,
	    ua_action_name(action));
	ua_rec_free(rec);
	close(fd);
	return -1;
}

/* A decimal number of seconds, or -1 when empty or not a number. */
static long long
call_seconds(const struct ua_field *f)
{
	uint32_t	v;

	if (f->len == 0 || ua_field_u32(f, &v) == -1)
		return -1;
	return v;
}

/*
 * UA_ACCOUNT for name: returns the status with, on UA_OK, *acc filled in
 * (free with call_account_free), or -1 as call_agent.  A UA_OK answer
 * without the six fixed fields is a protocol error (-1).
 */
int
call_account(pam_handle_t *pamh, const struct pu_args *a, const char *name,
    const char *service, struct pu_account *acc)
{
	struct ua_field	 f[2];
	struct ua_rec	*r = &acc->rec;
	int		 st;

	memset(acc, 0, sizeof(*acc));
	f[0] = ua_str(name);
	f[1] = ua_str(service);
	if ((st = call_agent(pamh, a, UA_ACCOUNT, f, 2, r)) != UA_OK)
		return st;
	if (r->n < 6) {
		pam_syslog(pamh, LOG_ERR, "agent: account record has %u fields",
		    (unsigned)r->n);
		ua_rec_free(r);
		return -1;
	}
	acc->name = r->f[0].p;
	acc->status = r->f[1].p;
	acc->reason = r->f[2].p;
	acc->level = r->f[3].p;
	acc->must_change = strcmp(r->f[4].p, "1") == 0;
	acc->expires_in = call_seconds(&r->f[5]);
	acc->first_group = 6;
	return st;
}

void
call_account_free(struct pu_account *acc)
{
	ua_rec_free(&acc->rec);
	memset(acc, 0, sizeof(*acc));
}
