/*
 * ldapc.c - connections to the directory servers: failover over the
 * configured URIs, TLS, the service bind, binds as a person with the
 * password-policy control, and a small pool of service connections for
 * lookups.
 *
 * TLS: ldaps:// always; ldap:// with StartTLS when tls_ca is set (a
 * failed StartTLS fails that server: never a silent fall back to clear
 * text).  Certificates are verified (LDAP_OPT_X_TLS_DEMAND) against
 * tls_ca, or the system's CAs.  A password (the service account's or a
 * person's) is sent only over TLS, ldapi://, or to a loopback address.
 */
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "agent.h"

#define POOL_SIZE	4

static pthread_mutex_t	 down_mu = PTHREAD_MUTEX_INITIALIZER;
static time_t		*down_until;		/* per URI */
static int		 current = -1;		/* last server that worked */

struct pool_slot {
	pthread_mutex_t	 mu;
	struct ldc	 c;
};
static struct pool_slot	 pool[POOL_SIZE] = {
	{ PTHREAD_MUTEX_INITIALIZER, { NULL, -1, 0 } },
	{ PTHREAD_MUTEX_INITIALIZER, { NULL, -1, 0 } },
	{ PTHREAD_MUTEX_INITIALIZER, { NULL, -1, 0 } },
	{ PTHREAD_MUTEX_INITIALIZER, { NULL, -1, 0 } },
};
static unsigned		 pool_next;

int
ldc_is_down(int rc)
{
	return rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR ||
	    rc == LDAP_TIMEOUT || rc == LDAP_UNAVAILABLE ||
	    rc == LDAP_TIMELIMIT_EXCEEDED || rc == LDAP_BUSY ||
	    rc == LDAP_OTHER || rc == LDAP_NO_MEMORY || rc == LDAP_LOCAL_ERROR ||
	    rc == LDAP_ENCODING_ERROR || rc == LDAP_DECODING_ERROR;
}

/* loopback: 127.0.0.0/8, ::1, localhost (or no host: libldap's default) */
static int
host_is_loopback(const char *h)
{
	struct in_addr	a4;
	struct in6_addr	a6;

	if (h == NULL || *h == '\0' || strcasecmp(h, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, h, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, h, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

static int
uri_usable(int i, time_t now)
{
	int	ok;

	pthread_mutex_lock(&down_mu);
	ok = down_until == NULL || down_until[i] <= now;
	pthread_mutex_unlock(&down_mu);
	return ok;
}

static void
mark_down(int i)
{
	pthread_mutex_lock(&down_mu);
	if (down_until == NULL)
		down_until = xcalloc(ag.cfg.nuri, sizeof(*down_until));
	down_until[i] = time(NULL) + ag.cfg.retry;
	if (current == i)
		current = -1;
	pthread_mutex_unlock(&down_mu);
}

void
ldc_mark_down(struct ldc *c)
{
	if (c->uri >= 0)
		mark_down(c->uri);
}

void
ldc_current(char *buf, size_t len)
{
	pthread_mutex_lock(&down_mu);
	snprintf(buf, len, "%s", current >= 0 ? ag.cfg.uri[current] : "none");
	pthread_mutex_unlock(&down_mu);
}

/* Connect to one URI: options, TLS.  0 or an LDAP result code. */
static int
ldc_try(struct ldc *c, int i)
{
	const char	*uri = ag.cfg.uri[i];
	struct timeval	 tv = { ag.cfg.timeout, 0 };
	LDAPURLDesc	*lud = NULL;
	int		 rc, v3 = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND;
	int		 zero = 0, ldaps, ldapi;

	ldaps = strncasecmp(uri, "ldaps://", 8) == 0;
	ldapi = strncasecmp(uri, "ldapi://", 8) == 0;
	if ((rc = ldap_initialize(&c->ld, uri)) != LDAP_SUCCESS)
		return rc;
	ldap_set_option(c->ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(c->ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
	ldap_set_option(c->ld, LDAP_OPT_TIMEOUT, &tv);
	ldap_set_option(c->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	if (ldaps || ag.cfg.tls_ca != NULL) {
		ldap_set_option(c->ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
		if (ag.cfg.tls_ca != NULL)
			ldap_set_option(c->ld, LDAP_OPT_X_TLS_CACERTFILE,
			    ag.cfg.tls_ca);
		/* a context of this handle's own, with the options above */
		ldap_set_option(c->ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
	}
	c->secure = ldaps || ldapi;
	if (!ldaps && !ldapi && ag.cfg.tls_ca != NULL) {
		if ((rc = ldap_start_tls_s(c->ld, NULL, NULL)) != LDAP_SUCCESS) {
			log_warn("%s: StartTLS: %s", uri, ldap_err2string(rc));
			return rc == LDAP_SERVER_DOWN ? rc : LDAP_CONNECT_ERROR;
		}
		c->secure = 1;
	}
	if (!c->secure && ldap_url_parse(uri, &lud) == LDAP_URL_SUCCESS) {
		c->secure = host_is_loopback(lud->lud_host);
		ldap_free_urldesc(lud);
	}
	/* libldap connects lazily: make it connect now, within the timeout */
	if ((rc = ldap_connect(c->ld)) != LDAP_SUCCESS) {
		char	*diag = NULL;

		/* say why: a TLS failure ("certificate verify failed") is
		 * a configuration problem the administrator must see */
		ldap_get_option(c->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
		if (diag != NULL && (*diag == '\0' || *diag == '(')) {
			ldap_memfree(diag);	/* "(unknown error code)" */
			diag = NULL;
		}
		log_warn("%s: %s%s%s%s", uri, ldap_err2string(rc),
		    diag != NULL ? ": " : "", diag != NULL ? diag : "",
		    ldaps ? " (down, or its certificate is not signed by "
		    "tls_ca or does not name the host)" : "");
		ldap_memfree(diag);
		return rc;
	}
	return LDAP_SUCCESS;
}

int
ldc_connect(struct ldc *c)
{
	time_t	now = time(NULL);
	size_t	i;
	int	pass, rc;

	/* first the servers that are not resting, then (all down) all */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < ag.cfg.nuri; i++) {
			if (pass == 0 && !uri_usable((int)i, now))
				continue;
			if (pass == 1 && uri_usable((int)i, now))
				continue;
			c->uri = (int)i;
			if ((rc = ldc_try(c, (int)i)) == LDAP_SUCCESS)
				return 0;
			log_debug("%s: %s", ag.cfg.uri[i], ldap_err2string(rc));
			ldc_close(c);
			mark_down((int)i);
		}
		/* a server that rests is not retried for every request */
		if (pass == 0 && ag.cfg.retry > 0)
			break;
	}
	c->uri = -1;
	return -1;
}

void
ldc_close(struct ldc *c)
{
	if (c->ld != NULL)
		ldap_unbind_ext_s(c->ld, NULL, NULL);
	c->ld = NULL;
}

int
ldc_open_service(struct ldc *c)
{
	struct berval	cred;
	size_t		tries;
	int		rc;

	for (tries = 0; tries < ag.cfg.nuri; tries++) {
		if (ldc_connect(c) == -1)
			return -1;
		if (ag.cfg.binddn == NULL)
			goto ok;
		if (!c->secure) {
			log_err("%s: refusing to send the service password "
			    "in clear text (use ldaps://, or tls_ca for "
			    "StartTLS)", ag.cfg.uri[c->uri]);
			ldc_close(c);
			mark_down(c->uri);
			continue;
		}
		cred.bv_val = ag.cfg.bindpw;
		cred.bv_len = strlen(ag.cfg.bindpw);
		rc = ldap_sasl_bind_s(c->ld, ag.cfg.binddn, LDAP_SASL_SIMPLE,
		    &cred, NULL, NULL, NULL);
		if (rc == LDAP_SUCCESS)
			goto ok;
		log_err("%s: service bind as %s: %s", ag.cfg.uri[c->uri],
		    ag.cfg.binddn, ldap_err2string(rc));
		ldc_close(c);
		mark_down(c->uri);
	}
	return -1;
ok:
	pthread_mutex_lock(&down_mu);
	if (current != c->uri)
		log_info("directory server: %s", ag.cfg.uri[c->uri]);
	current = c->uri;
	pthread_mutex_unlock(&down_mu);
	return 0;
}

int
ldc_bind_user(struct ldc *c, const char *dn, const char *pw, int *pp_err,
    int *expire, int *grace, char **diag)
{
	LDAPControl	 ppreq = { LDAP_CONTROL_PASSWORDPOLICYREQUEST,
	    { 0, NULL }, 0 };
	LDAPControl	*sctrls[2] = { &ppreq, NULL }, **rctrls = NULL, *pc;
	LDAPMessage	*res = NULL;
	LDAPPasswordPolicyError ppe = PP_noError;
	struct berval	 cred;
	struct timeval	 tv = { ag.cfg.timeout, 0 };
	ber_int_t	 exp = -1, gr = -1;
	char		*d = NULL;
	int		 rc, msgid, err = LDAP_OTHER;

	*pp_err = -1;
	*expire = *grace = -1;
	*diag = NULL;
	if (!c->secure) {
		log_err("%s: refusing to send a password in clear text (use "
		    "ldaps://, or tls_ca for StartTLS)", ag.cfg.uri[c->uri]);
		return LDAP_CONFIDENTIALITY_REQUIRED;
	}
	cred.bv_val = (char *)(uintptr_t)pw;
	cred.bv_len = strlen(pw);
	/* ldap_sasl_bind_s() would drop the response controls */
	rc = ldap_sasl_bind(c->ld, dn, LDAP_SASL_SIMPLE, &cred, sctrls, NULL,
	    &msgid);
	if (rc != LDAP_SUCCESS)
		return rc;
	if ((rc = ldap_result(c->ld, msgid, LDAP_MSG_ALL, &tv, &res)) <= 0) {
		ldap_msgfree(res);
		return rc == 0 ? LDAP_TIMEOUT : LDAP_SERVER_DOWN;
	}
	rc = ldap_parse_result(c->ld, res, &err, NULL, &d, NULL, &rctrls, 1);
	if (rc != LDAP_SUCCESS)
		return rc;
	pc = ldap_control_find(LDAP_CONTROL_PASSWORDPOLICYRESPONSE, rctrls,
	    NULL);
	if (pc != NULL && ldap_parse_passwordpolicy_control(c->ld, pc, &exp,
	    &gr, &ppe) == LDAP_SUCCESS) {
		*pp_err = ppe == PP_noError ? -1 : (int)ppe;
		*expire = exp;
		*grace = gr;
	}
	ldap_controls_free(rctrls);
	if (d != NULL && *d != '\0')
		*diag = xstrdup(d);
	ldap_memfree(d);
	return err;
}

struct ldc *
ldc_pool_get(void)
{
	struct pool_slot *s = NULL;
	unsigned	  i, start;

	start = __atomic_fetch_add(&pool_next, 1, __ATOMIC_RELAXED);
	for (i = 0; i < POOL_SIZE; i++)
		if (pthread_mutex_trylock(&pool[(start + i) % POOL_SIZE].mu)
		    == 0) {
			s = &pool[(start + i) % POOL_SIZE];
			break;
		}
	if (s == NULL) {
		s = &pool[start % POOL_SIZE];
		pthread_mutex_lock(&s->mu);
	}
	if (s->c.ld == NULL && ldc_open_service(&s->c) == -1) {
		pthread_mutex_unlock(&s->mu);
		return NULL;
	}
	return &s->c;
}

void
ldc_pool_put(struct ldc *c, int bad)
{
	struct pool_slot *s = (struct pool_slot *)(void *)((char *)c -
	    offsetof(struct pool_slot, c));

	if (bad) {
		ldc_mark_down(c);
		ldc_close(c);
	}
	pthread_mutex_unlock(&s->mu);
}

void
ldc_pool_close(void)
{
	int	i;

	for (i = 0; i < POOL_SIZE; i++) {
		pthread_mutex_lock(&pool[i].mu);
		ldc_close(&pool[i].c);
		pthread_mutex_unlock(&pool[i].mu);
	}
	pthread_mutex_lock(&down_mu);
	free(down_until);
	down_until = NULL;
	pthread_mutex_unlock(&down_mu);
}
