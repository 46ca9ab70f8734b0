/*
 * cmd_ext.c - UnifiedID's own extended operations (contract sections 3
 * and 4; docs/workflows.md): OIDs under the project's arc, used only when
 * the root DSE lists them.  Commands whose operation the server does not
 * offer say so and fail; nothing is imitated with other operations.
 *
 * Documented by the server (docs/workflows.md): .3.1 apply, .3.2
 * password reset request, .3.3 password reset confirm, .3.4 account name
 * recovery, .3.5 password appeal.  Real-name reviews and enterprises
 * need no operation of their own (cmd_realname.c, cmd_enterprise.c use
 * search and modify), nor does legacy migration (cmd_migrate.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

/* CLI_OK when the root DSE lists the operation(s), else CLI_ERR after
 * saying what is missing */
int
ext_require(const char *oid, const char *oid2)
{
	if (conn_root_dse() != CLI_OK)
		return CLI_ERR;
	if (conn_has_ext(oid) && (oid2 == NULL || conn_has_ext(oid2)))
		return CLI_OK;
	out_err(_("%s: not available on this server yet: needs the UnifiedID "
	    "extended operations (%s%s%s)"), cli.cmdname, oid, oid2 ? ", " :
	    "", oid2 ? oid2 : "");
	return CLI_ERR;
}

/*
 * Send the request BER built in ber (freed here; its bytes may hold a
 * password and are wiped) and return the LDAP result code; *resp (may be
 * NULL) gets the response value, which the caller frees.
 */
int
ext_call(const char *oid, BerElement *ber, struct berval **resp)
{
	struct berval *req = NULL, *data = NULL;
	char *retoid = NULL;
	int rc;

	if (ber_flatten(ber, &req) != 0) {
		ber_free(ber, 1);
		out_err(_("cannot encode the request"));
		return LDAP_ENCODING_ERROR;
	}
	ber_free(ber, 1);
	rc = ldap_extended_operation_s(cli.ld, oid, req, NULL, NULL, &retoid,
	    &data);
	explicit_bzero(req->bv_val, req->bv_len);
	ber_bvfree(req);
	ldap_memfree(retoid);
	if (resp != NULL)
		*resp = data;
	else
		ber_bvfree(data);
	return rc;
}
