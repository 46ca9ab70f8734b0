/*
 * tls.c - TLS with OpenSSL: the server context (ldaps:// and StartTLS),
 * non-blocking reads and writes on a connection, and the identity of a
 * client certificate for SASL EXTERNAL.
 */
#include <errno.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "dirsrv.h"
#include "conn.h"

static SSL_CTX *tls_ctx;

static void
tls_errstr(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	ERR_error_string_n(e, buf, sizeof(buf));
	snprintf(err, errlen, "%s: %s", what, e ? buf : "unknown error");
	ERR_clear_error();
}

int
tls_configured(void)
{
	return tls_ctx != NULL;
}

int
tls_init(const struct config *cfg, char *err, size_t errlen)
{
	SSL_CTX *ctx;

	if (cfg->tls.certificate == NULL)
		return 0;
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		tls_errstr(err, errlen, "tls");
		return -1;
	}
	/* TLS 1.2 minimum; OpenSSL's default cipher list otherwise */
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_cipher_list(ctx, "HIGH:!aNULL:!MD5:!RC4:!3DES:!CAMELLIA:"
	    "!ARIA:!SHA1@SECLEVEL=2");
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->tls.certificate) != 1) {
		tls_errstr(err, errlen, cfg->tls.certificate);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, cfg->tls.key, SSL_FILETYPE_PEM)
	    != 1) {
		if (ERR_GET_REASON(ERR_peek_error()) ==
		    X509_R_KEY_VALUES_MISMATCH) {
			snprintf(err, errlen, "tls: the key %s does not match "
			    "the certificate %s", cfg->tls.key,
			    cfg->tls.certificate);
			ERR_clear_error();
		} else
			tls_errstr(err, errlen, cfg->tls.key);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errlen, "tls: the key %s does not match the "
		    "certificate %s", cfg->tls.key, cfg->tls.certificate);
		ERR_clear_error();
		goto fail;
	}
	if (cfg->tls.ca != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, cfg->tls.ca, NULL) != 1) {
			tls_errstr(err, errlen, cfg->tls.ca);
			goto fail;
		}
		SSL_CTX_set_client_CA_list(ctx, SSL_load_client_CA_file(
		    cfg->tls.ca));
		/* ask for a certificate, but do not require one */
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		SSL_CTX_set_verify_depth(ctx, 8);
	}
	tls_ctx = ctx;
	return 0;
fail:
	SSL_CTX_free(ctx);
	return -1;
}

void
tls_shutdown(void)
{
	if (tls_ctx != NULL)
		SSL_CTX_free(tls_ctx);
	tls_ctx = NULL;
}

int
tls_start(struct conn *c)
{
	if (tls_ctx == NULL || (c->ssl = SSL_new(tls_ctx)) == NULL)
		return -1;
	if (SSL_set_fd(c->ssl, c->fd) != 1) {
		SSL_free(c->ssl);
		c->ssl = NULL;
		return -1;
	}
	SSL_set_accept_state(c->ssl);
	return 0;
}

void
tls_free(struct conn *c)
{
	if (c->ssl != NULL) {
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
}

/* map an SSL result to read/write semantics: > 0, 0 (EOF), -1 (errno) */
static ssize_t
tls_result(struct conn *c, int n)
{
	int e;

	if (n > 0)
		return n;
	e = SSL_get_error(c->ssl, n);
	switch (e) {
	case SSL_ERROR_WANT_READ:
		c->tls_want_write = 0;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		c->tls_want_write = 1;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	default:
		log_debug("conn=%llu: TLS error: %s",
		    (unsigned long long)c->id,
		    ERR_reason_error_string(ERR_peek_error()) ?
		    ERR_reason_error_string(ERR_peek_error()) : "I/O");
		ERR_clear_error();
		errno = EPROTO;
		return -1;
	}
}

ssize_t
tls_read(struct conn *c, void *buf, size_t len)
{
	ERR_clear_error();
	return tls_result(c, SSL_read(c->ssl, buf, (int)(len > INT_MAX ?
	    INT_MAX : len)));
}

ssize_t
tls_write(struct conn *c, const void *buf, size_t len)
{
	ERR_clear_error();
	return tls_result(c, SSL_write(c->ssl, buf, (int)(len > INT_MAX ?
	    INT_MAX : len)));
}

/*
 * The client certificate's subject as an RFC 4514 string (malloc'd), or
 * NULL when there is none or it did not verify against tls.ca.
 */
char *
tls_peer_subject(struct conn *c)
{
	X509 *cert;
	BIO *b;
	char *s = NULL;
	long n;

	if (c->ssl == NULL || SSL_get_verify_result(c->ssl) != X509_V_OK ||
	    (cert = SSL_get1_peer_certificate(c->ssl)) == NULL)
		return NULL;
	if ((b = BIO_new(BIO_s_mem())) != NULL) {
		X509_NAME_print_ex(b, X509_get_subject_name(cert), 0,
		    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
		n = BIO_pending(b);
		if (n > 0 && n < 4096) {
			s = xmalloc((size_t)n + 1);
			if (BIO_read(b, s, (int)n) != n) {
				free(s);
				s = NULL;
			} else
				s[n] = '\0';
		}
		BIO_free(b);
	}
	X509_free(cert);
	return s;
}

/* the CN of the client certificate's subject (malloc'd) or NULL */
char *
tls_peer_cn(struct conn *c)
{
	X509 *cert;
	char buf[256];
	int n;

	if (c->ssl == NULL || SSL_get_verify_result(c->ssl) != X509_V_OK ||
	    (cert = SSL_get1_peer_certificate(c->ssl)) == NULL)
		return NULL;
	n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
	    NID_commonName, buf, sizeof(buf));
	X509_free(cert);
	if (n <= 0 || (size_t)n >= sizeof(buf) || memchr(buf, '\0', (size_t)n))
		return NULL;
	return xstrndup(buf, (size_t)n);
}
