/*
 * conn.c - where and as whom: the ldap-utils options (-H -D -w -y -W -Y
 * -Z -b), the connection, the bind (simple with the password-policy
 * control, or SASL EXTERNAL), the root DSE and who we are.
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "util.h"
#include "cli.h"

#define CONN_DEFAULT_URI	"ldap://127.0.0.1:389"
#define CONN_SECRET_MAX		4096

struct cli cli;

/* ---- options ---- */

/* -1 unknown, 0 flag, 1 takes a value */
int
conn_opt_kind(int c)
{
	switch (c) {
	case 'H': case 'D': case 'w': case 'y': case 'Y': case 'b':
		return 1;
	case 'W': case 'x': case 'Z':
		return 0;
	}
	return -1;
}

int
conn_opt_set(int c, char *arg)
{
	switch (c) {
	case 'H':
		cli.uri = arg;
		break;
	case 'D':
		cli.binddn = arg;
		break;
	case 'w':
		conn_wipe(cli.bindpw);
		cli.bindpw = xstrdup(arg);
		/* keep it out of ps, as ldap-utils do */
		memset(arg, '*', strlen(arg));
		break;
	case 'y':
		cli.pwfile = arg;
		break;
	case 'W':
		cli.pwprompt = 1;
		break;
	case 'Y':
		if (strcasecmp(arg, "EXTERNAL") != 0)
			return out_usage(_("SASL mechanism %s is not supported "
			    "(only EXTERNAL)"), arg);
		cli.mech = "EXTERNAL";
		break;
	case 'b':
		cli.base_opt = arg;
		break;
	case 'x':	/* simple authentication: the default */
		break;
	case 'Z':
		cli.starttls = 1;
		break;
	}
	return CLI_OK;
}

/* defaults from the environment, before the command line overrides them */
int
conn_env(void)
{
	const char *v;

	cli.uri = CONN_DEFAULT_URI;
	if ((v = getenv("UNIFIEDID_URI")) != NULL && *v != '\0')
		cli.uri = v;
	if ((v = getenv("UNIFIEDID_BASE")) != NULL && *v != '\0')
		cli.base_opt = v;
	return CLI_OK;
}

/* ---- secrets ---- */

void
conn_wipe(char *secret)
{
	if (secret == NULL)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

/*
 * A new secret: read from file when one is given, else typed twice
 * (prompt, then again) and refused when the two differ.  NULL on error.
 */
char *
conn_new_secret(const char *file, const char *prompt, const char *again)
{
	char *a, *b;

	if (file != NULL)
		return conn_read_secret_file(file);
	if ((a = conn_prompt_secret(prompt)) == NULL)
		return NULL;
	if ((b = conn_prompt_secret(again)) == NULL || strcmp(a, b) != 0) {
		out_err(_("the passwords do not match"));
		conn_wipe(a);
		conn_wipe(b);
		return NULL;
	}
	conn_wipe(b);
	return a;
}

static void
conn_chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* the terminal's settings while a prompt has echo off, for a signal */
static struct termios conn_tty_saved;
static volatile sig_atomic_t conn_tty_fd = -1;

static void
conn_tty_restore(int sig)
{
	if (conn_tty_fd >= 0)
		tcsetattr(conn_tty_fd, TCSAFLUSH, &conn_tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Ask for a secret on the terminal without echo (Ctrl-C gives the echo
 * back); without a terminal, read a line from standard input (as
 * ldap-utils' -W does).  NULL at end of input.
 */
char *
conn_prompt_secret(const char *prompt)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa, old_sa[4];
	struct termios quiet;
	char line[CONN_SECRET_MAX];
	FILE *in = NULL;
	int fd, echo_off = 0;
	char *s = NULL;
	size_t i;

	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0 && (in = fdopen(fd, "r+")) == NULL)
		close(fd);
	if (in != NULL) {
		fputs(prompt, in);
		fflush(in);
		if (tcgetattr(fd, &conn_tty_saved) == 0) {
			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = conn_tty_restore;
			sigemptyset(&sa.sa_mask);
			for (i = 0; i < NELEM(sigs); i++)
				sigaction(sigs[i], &sa, &old_sa[i]);
			quiet = conn_tty_saved;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			conn_tty_fd = fd;
			echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
		}
	} else {
		fputs(prompt, stderr);
		fflush(stderr);
	}
	if (fgets(line, sizeof(line), in != NULL ? in : stdin) != NULL) {
		conn_chomp(line);
		s = xstrdup(line);
	}
	if (in != NULL) {
		if (echo_off) {
			tcsetattr(fd, TCSAFLUSH, &conn_tty_saved);
			conn_tty_fd = -1;
			for (i = 0; i < NELEM(sigs); i++)
				sigaction(sigs[i], &old_sa[i], NULL);
		}
		fputc('\n', in);
		fclose(in);
	} else
		fputc('\n', stderr);
	explicit_bzero(line, sizeof(line));
	return s;
}

/* a secret from a file, trailing newline stripped; NULL after a message */
char *
conn_read_secret_file(const char *path)
{
	char buf[CONN_SECRET_MAX + 1];
	ssize_t n;
	size_t len = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		out_err(_("cannot read %s: %s"), path, strerror(errno));
		return NULL;
	}
	while (len < CONN_SECRET_MAX && (n = read(fd, buf + len,
	    CONN_SECRET_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	if (len == CONN_SECRET_MAX || strlen(buf) != len) {
		explicit_bzero(buf, sizeof(buf));
		out_err(_("%s: not a password file (too long or binary)"),
		    path);
		return NULL;
	}
	conn_chomp(buf);
	{
		char *s = xstrdup(buf);

		explicit_bzero(buf, sizeof(buf));
		return s;
	}
}

/* ---- errors ---- */

/*
 * Report a failed operation: libldap's text for the result code and the
 * server's diagnostic message (which is where it names the field and the
 * rule).  Returns CLI_ERR.
 */
int
conn_fail(const char *what, int rc)
{
	char *diag = NULL;

	if (cli.ld != NULL)
		ldap_get_option(cli.ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	if (diag != NULL && *diag != '\0')
		out_err("%s: %s (%d): %s", what, ldap_err2string(rc), rc, diag);
	else
		out_err("%s: %s (%d)", what, ldap_err2string(rc), rc);
	ldap_memfree(diag);
	if (cli.ld != NULL)
		ldap_set_option(cli.ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, NULL);
	if (rc == LDAP_NO_SUCH_OBJECT && cli.binddn == NULL &&
	    cli.mech == NULL)
		fprintf(stderr, _("(not logged in: give -D BINDDN with -W, -w "
		    "or -y, or -Y EXTERNAL)\n"));
	return CLI_ERR;
}

/* ---- bind ---- */

/*
 * The layout of Cyrus SASL's sasl_interact_t (sasl/sasl.h is not a build
 * dependency).  EXTERNAL asks at most for an authorisation identity; we
 * answer with the default, i.e. none: the server maps the peer.
 */
struct conn_sasl_interact {
	unsigned long	 id;
	const char	*challenge;
	const char	*prompt;
	const char	*defresult;
	const void	*result;
	unsigned	 len;
};

static int
conn_sasl_cb(LDAP *ld, unsigned flags, void *defaults, void *in)
{
	struct conn_sasl_interact *i;

	for (i = in; i != NULL && i->id != 0 /* SASL_CB_LIST_END */; i++) {
		i->result = i->defresult != NULL ? i->defresult : "";
		i->len = (unsigned)strlen(i->result);
	}
	return LDAP_SUCCESS;
}

/* what the password-policy response control says after a bind */
static void
conn_ppolicy(LDAPControl **ctrls)
{
	LDAPControl *c;
	LDAPPasswordPolicyError err = PP_noError;
	ber_int_t expire = -1, grace = -1;

	c = ldap_control_find(LDAP_CONTROL_PASSWORDPOLICYRESPONSE, ctrls,
	    NULL);
	if (c == NULL || ldap_parse_passwordpolicy_control(cli.ld, c, &expire,
	    &grace, &err) != LDAP_SUCCESS)
		return;
	if (err == PP_changeAfterReset)
		out_warn(_("your password was reset by an administrator and "
		    "must be changed: run 'unifiedid passwd'"));
	else if (err == PP_passwordExpired)
		out_warn(_("your password has expired: run 'unifiedid "
		    "passwd'"));
	else if (err == PP_accountLocked)
		out_warn(_("the account is locked"));
	if (expire > 0)
		out_warn(_("your password expires in %d seconds"), (int)expire);
	if (grace > 0)
		out_warn(_("%d grace logins left"), (int)grace);
}

static int
conn_simple_bind(void)
{
	struct berval cred;
	LDAPControl ppreq = { LDAP_CONTROL_PASSWORDPOLICYREQUEST,
	    { 0, NULL }, 0 };
	LDAPControl *sctrls[2] = { &ppreq, NULL }, **rctrls = NULL;
	LDAPMessage *res = NULL;
	char *diag = NULL;
	int rc, msgid, err = LDAP_OTHER;

	cred.bv_val = cli.bindpw;
	cred.bv_len = cli.bindpw ? strlen(cli.bindpw) : 0;
	/* ldap_sasl_bind_s() would drop the response controls */
	rc = ldap_sasl_bind(cli.ld, cli.binddn, LDAP_SASL_SIMPLE, &cred,
	    sctrls, NULL, &msgid);
	if (rc == LDAP_SUCCESS && ldap_result(cli.ld, msgid, LDAP_MSG_ALL,
	    NULL, &res) <= 0) {
		ldap_get_option(cli.ld, LDAP_OPT_RESULT_CODE, &rc);
		if (rc == LDAP_SUCCESS)
			rc = LDAP_SERVER_DOWN;
	}
	if (rc == LDAP_SUCCESS) {
		rc = ldap_parse_result(cli.ld, res, &err, NULL, &diag, NULL,
		    &rctrls, 1);
		res = NULL;
		if (rc == LDAP_SUCCESS)
			rc = err;
		conn_ppolicy(rctrls);
		ldap_controls_free(rctrls);
		if (diag != NULL)
			ldap_set_option(cli.ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, diag);
		ldap_memfree(diag);
	}
	ldap_msgfree(res);
	return rc;
}

static int
conn_bind(void)
{
	char *what;
	size_t n;
	int rc;

	if (cli.mech != NULL) {
		rc = ldap_sasl_interactive_bind_s(cli.ld, NULL, cli.mech, NULL,
		    NULL, LDAP_SASL_QUIET, conn_sasl_cb, NULL);
		if (rc != LDAP_SUCCESS)
			return conn_fail(_("SASL EXTERNAL bind"), rc);
		return CLI_OK;
	}
	if (cli.binddn == NULL)
		return CLI_OK;	/* anonymous */
	if (cli.pwfile != NULL) {
		if ((cli.bindpw = conn_read_secret_file(cli.pwfile)) == NULL)
			return CLI_ERR;
	} else if (cli.pwprompt || cli.bindpw == NULL) {
		if ((cli.bindpw = conn_prompt_secret(_("Enter LDAP Password: ")))
		    == NULL) {
			out_err(_("no password given"));
			return CLI_ERR;
		}
	}
	rc = conn_simple_bind();
	if (rc != LDAP_SUCCESS) {
		n = strlen(cli.binddn) + 64;
		what = xmalloc(n);
		snprintf(what, n, _("bind as %s"), cli.binddn);
		conn_fail(what, rc);
		free(what);
		return CLI_ERR;
	}
	return CLI_OK;
}

static int
conn_check_opts(void)
{
	LDAPURLDesc *lud = NULL;
	int n = (cli.bindpw != NULL) + (cli.pwfile != NULL) + cli.pwprompt;

	if (n > 1)
		return out_usage(_("give only one of -w, -y and -W"));
	if (cli.mech != NULL && (cli.binddn != NULL || n > 0))
		return out_usage(_("-Y EXTERNAL takes no -D, -w, -y or -W"));
	if (ldap_url_parse(cli.uri, &lud) != LDAP_URL_SUCCESS)
		return out_usage(_("not an LDAP URI: %s"), cli.uri);
	ldap_free_urldesc(lud);
	return CLI_OK;
}

static char *
conn_join(const char *rdn, const char *base)
{
	size_t n = strlen(rdn) + strlen(base) + 2;
	char *s = xmalloc(n);

	snprintf(s, n, "%s,%s", rdn, base);
	return s;
}

/* the suffix: -b, UNIFIEDID_BASE, else the root DSE's namingContexts */
static int
conn_base(void)
{
	int rc;

	if (cli.base != NULL)
		return CLI_OK;
	if (cli.base_opt != NULL && *cli.base_opt != '\0')
		cli.base = xstrdup(cli.base_opt);
	else {
		if ((rc = conn_root_dse()) != CLI_OK)
			return rc;
		if (cli.contexts.n == 0) {
			out_err(_("the server names no directory base "
			    "(namingContexts): give -b BASE"));
			return CLI_ERR;
		}
		cli.base = xstrdup(cli.contexts.v[0]);
	}
	cli.people = conn_join("ou=people", cli.base);
	cli.orgs = conn_join("ou=orgs", cli.base);
	return CLI_OK;
}

/* connect, StartTLS with -Z, bind when asked to, find the base */
int
conn_open(int bind)
{
	int rc, v3 = LDAP_VERSION3;
	struct timeval tv = { 10, 0 };

	if ((rc = conn_check_opts()) != CLI_OK)
		return rc;
	rc = ldap_initialize(&cli.ld, cli.uri);
	if (rc != LDAP_SUCCESS) {
		out_err("%s: %s", cli.uri, ldap_err2string(rc));
		return CLI_ERR;
	}
	ldap_set_option(cli.ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(cli.ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
	ldap_set_option(cli.ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	if (cli.starttls && (rc = ldap_start_tls_s(cli.ld, NULL, NULL)) !=
	    LDAP_SUCCESS)
		return conn_fail(_("StartTLS"), rc);
	if (bind && cli.binddn != NULL && strchr(cli.binddn, '=') == NULL) {
		/* -D ACCOUNT: a person of this directory */
		if ((rc = conn_base()) != CLI_OK)
			return rc;
		cli.binddn = cli.binddn_buf = dir_person_dn(cli.binddn);
	}
	if (bind && (rc = conn_bind()) != CLI_OK)
		return rc;
	return conn_base();
}

void
conn_close(void)
{
	if (cli.ld != NULL)
		ldap_unbind_ext_s(cli.ld, NULL, NULL);
	cli.ld = NULL;
	conn_wipe(cli.bindpw);
	cli.bindpw = NULL;
	free(cli.base);
	free(cli.people);
	free(cli.orgs);
	free(cli.self);
	free(cli.binddn_buf);
	strlist_free(&cli.exts);
	strlist_free(&cli.contexts);
}

/* ---- root DSE, identity ---- */

int
conn_root_dse(void)
{
	static char *attrs[] = { "namingContexts", "supportedExtension",
	    NULL };
	struct dentry e;
	const struct dattr *a;
	size_t i;
	int rc;

	if (cli.dse_read)
		return CLI_OK;
	rc = dir_read("", attrs, &e);
	if (rc != LDAP_SUCCESS)
		return conn_fail(_("root DSE"), rc);
	if ((a = dentry_attr(&e, "namingContexts")) != NULL)
		for (i = 0; i < a->n; i++)
			strlist_add(&cli.contexts, a->vals[i].bv_val);
	if ((a = dentry_attr(&e, "supportedExtension")) != NULL)
		for (i = 0; i < a->n; i++)
			strlist_add(&cli.exts, a->vals[i].bv_val);
	dentry_free(&e);
	cli.dse_read = 1;
	return CLI_OK;
}

/* 1 when the root DSE lists the extended operation */
int
conn_has_ext(const char *oid)
{
	size_t i;

	if (conn_root_dse() != CLI_OK)
		return 0;
	for (i = 0; i < cli.exts.n; i++)
		if (strcmp(cli.exts.v[i], oid) == 0)
			return 1;
	return 0;
}

/* the bound DN (Who am I?, RFC 4532), "" when anonymous */
const char *
conn_self(void)
{
	struct berval *authz = NULL;

	if (cli.self != NULL)
		return cli.self;
	if (ldap_whoami_s(cli.ld, &authz, NULL, NULL) == LDAP_SUCCESS &&
	    authz != NULL) {
		if (authz->bv_len >= 3 && strncmp(authz->bv_val, "dn:", 3) == 0)
			cli.self = xstrndup(authz->bv_val + 3, authz->bv_len - 3);
		else
			cli.self = xstrdup("");
	} else
		cli.self = xstrdup(cli.binddn ? cli.binddn : "");
	ber_bvfree(authz);
	return cli.self;
}

/* the bound person's account name, NULL (after a message) otherwise */
char *
conn_self_account(void)
{
	const char *self = conn_self();
	char *uid = *self ? dir_account(self) : NULL;

	if (uid == NULL)
		out_err(_("you are not logged in as a person (%s): name the "
		    "account"), *self ? self : _("anonymous"));
	return uid;
}
