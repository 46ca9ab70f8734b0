/*
 * client.c - `unifiedid-agent [-s SOCKET] COMMAND ...`: the protocol's
 * client side for administrators and tests (the NSS and PAM modules are
 * the real clients).  Output is getent's format for passwd, group,
 * shadow and initgroups, key=value lines otherwise.  Passwords for auth
 * and passwd are read from standard input, one a line, never from the
 * command line.  Exit status: 0 the agent answered "ok", 1 any other
 * answer or no agent (the status name on stderr), 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

static int
usage_err(const char *what)
{
	fprintf(stderr, "unifiedid-agent: %s (see unifiedid-agent --help)\n",
	    what);
	return 2;
}

static int
is_number(const char *s)
{
	struct ua_field	f = ua_str(s);
	uint32_t	v;

	return ua_field_u32(&f, &v) == 0;
}

static void
print_rec(uint16_t action, const struct ua_rec *r, const char *key)
{
	uint32_t	i;

	switch (action) {
	case UA_PW_BYNAME: case UA_PW_BYUID: case UA_PW_ENUM:
	case UA_SP_BYNAME: case UA_SP_ENUM:
		for (i = 0; i < r->n; i++)
			printf("%s%s", i ? ":" : "", r->f[i].p);
		printf("%s\n", action == UA_SP_BYNAME ||
		    action == UA_SP_ENUM ? ":" : "");
		break;
	case UA_GR_BYNAME: case UA_GR_BYGID: case UA_GR_ENUM:
		for (i = 0; i < r->n && i < 3; i++)
			printf("%s:", r->f[i].p);
		for (i = 3; i < r->n; i++)
			printf("%s%s", i > 3 ? "," : "", r->f[i].p);
		printf("\n");
		break;
	case UA_INITGROUPS:
		printf("%s", key);
		for (i = 0; i < r->n; i++)
			printf(" %s", r->f[i].p);
		printf("\n");
		break;
	case UA_ACCOUNT: {
		static const char *names[] = { "account", "status", "reason",
		    "realname", "must_change", "expires_in" };

		for (i = 0; i < r->n && i < 6; i++)
			printf("%s=%s\n", names[i], r->f[i].p);
		printf("groups=");
		for (i = 6; i < r->n; i++)
			printf("%s%s", i > 6 ? "," : "", r->f[i].p);
		printf("\n");
		break;
	}
	case UA_AUTH:
		printf("account=%s\nflags=%s\n", r->n > 0 ? r->f[0].p : "",
		    r->n > 1 ? r->f[1].p : "");
		break;
	default:
		for (i = 0; i < r->n; i++)
			printf("%s\n", r->f[i].p);
	}
}

/* one line of stdin (a password) into buf; 0 or -1 */
static int
read_line(char *buf, size_t len)
{
	if (fgets(buf, (int)len, stdin) == NULL)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static int
call(const char *sock, uint16_t action, struct ua_field *f, uint32_t n,
    const char *key)
{
	struct ua_rec	 r = { 0 };
	uint16_t	 status;
	int		 fd, timeout, rc = 1, any = 0;

	timeout = action == UA_AUTH || action == UA_PASSWD ||
	    action == UA_ACCOUNT ? UA_TIMEOUT_AUTH_MS : UA_TIMEOUT_LOOKUP_MS;
	if ((fd = ua_call(sock, action, f, n, &status,
	    ua_deadline(timeout))) == -1) {
		fprintf(stderr, "unifiedid-agent: %s: %s\n", sock != NULL ?
		    sock : ua_socket_path(), strerror(errno));
		return 1;
	}
	for (;;) {
		/* enumerations: a deadline for every record */
		if (ua_read_rec(fd, &r, &ua_resp_limits,
		    ua_deadline(timeout)) == -1) {
			fprintf(stderr, "unifiedid-agent: response cut short: "
			    "%s\n", strerror(errno));
			rc = 1;
			goto out;
		}
		if (r.n == 0)
			break;
		any = 1;
		if (status == UA_OK)
			print_rec(action, &r, key);
		else
			fprintf(stderr, "unifiedid-agent: %s: %s\n",
			    ua_status_name(status), r.f[0].p);
	}
	if (status != UA_OK && !any)
		fprintf(stderr, "unifiedid-agent: %s\n",
		    ua_status_name(status));
	rc = status == UA_OK ? 0 : 1;
out:
	ua_rec_free(&r);
	close(fd);
	return rc;
}

int
client_main(const char *sock, int argc, char **argv)
{
	const char	*cmd = argv[0], *what = argc > 1 ? argv[1] : "";
	struct ua_field	 f[4];
	char		 pw[2][1024];
	uint16_t	 a;
	int		 rc;

	if (strcmp(cmd, "lookup") == 0) {
		if (argc != 3)
			return usage_err("lookup passwd|group|initgroups|"
			    "shadow NAME|ID");
		f[0] = ua_str(argv[2]);
		if (strcmp(what, "passwd") == 0)
			a = is_number(argv[2]) ? UA_PW_BYUID : UA_PW_BYNAME;
		else if (strcmp(what, "group") == 0)
			a = is_number(argv[2]) ? UA_GR_BYGID : UA_GR_BYNAME;
		else if (strcmp(what, "initgroups") == 0)
			a = UA_INITGROUPS;
		else if (strcmp(what, "shadow") == 0)
			a = UA_SP_BYNAME;
		else
			return usage_err("lookup: passwd, group, initgroups "
			    "or shadow");
		return call(sock, a, f, 1, argv[2]);
	}
	if (strcmp(cmd, "enum") == 0) {
		if (argc != 2)
			return usage_err("enum passwd|group|shadow");
		if (strcmp(what, "passwd") == 0)
			a = UA_PW_ENUM;
		else if (strcmp(what, "group") == 0)
			a = UA_GR_ENUM;
		else if (strcmp(what, "shadow") == 0)
			a = UA_SP_ENUM;
		else
			return usage_err("enum: passwd, group or shadow");
		return call(sock, a, NULL, 0, NULL);
	}
	if (strcmp(cmd, "status") == 0 && argc == 1)
		return call(sock, UA_STATUS, NULL, 0, NULL);
	if (strcmp(cmd, "flush") == 0 && argc <= 2) {
		if (argc == 2 && strcmp(what, "all") != 0)
			return usage_err("flush [all]");
		f[0] = ua_str("all");
		return call(sock, UA_FLUSH, f, (uint32_t)(argc - 1), NULL);
	}
	if (strcmp(cmd, "account") == 0 && argc == 2) {
		f[0] = ua_str(argv[1]);
		f[1] = ua_str("unifiedid-agent");
		return call(sock, UA_ACCOUNT, f, 2, NULL);
	}
	if (strcmp(cmd, "auth") == 0 && (argc == 2 || argc == 3)) {
		if (read_line(pw[0], sizeof(pw[0])) == -1)
			return usage_err("auth: the password is read from "
			    "standard input");
		f[0] = ua_str(argv[1]);
		f[1] = ua_str(pw[0]);
		f[2] = ua_str(argc == 3 ? argv[2] : "unifiedid-agent");
		f[3] = ua_str("");
		rc = call(sock, UA_AUTH, f, 4, NULL);
		explicit_bzero(pw, sizeof(pw));
		return rc;
	}
	if (strcmp(cmd, "passwd") == 0 && argc == 2) {
		if (read_line(pw[0], sizeof(pw[0])) == -1 ||
		    read_line(pw[1], sizeof(pw[1])) == -1) {
			explicit_bzero(pw, sizeof(pw));
			return usage_err("passwd: the old and the new "
			    "password are read from standard input, one a "
			    "line");
		}
		f[0] = ua_str(argv[1]);
		f[1] = ua_str(pw[0]);
		f[2] = ua_str(pw[1]);
		rc = call(sock, UA_PASSWD, f, 3, NULL);
		explicit_bzero(pw, sizeof(pw));
		return rc;
	}
	return usage_err("unknown command or wrong arguments");
}
