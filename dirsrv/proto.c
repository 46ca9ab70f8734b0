/*
 * proto.c - the LDAPMessage envelope (RFC 4511 section 4.1.1): controls,
 * and encoding of results.  All BER work is liblber's.
 */
#include <string.h>

#include "dirsrv.h"

int
op_is_write(ber_tag_t tag)
{
	return tag == LDAP_REQ_ADD || tag == LDAP_REQ_MODIFY ||
	    tag == LDAP_REQ_DELETE || tag == LDAP_REQ_MODDN;
}

/* controls we implement; everything else is refused when critical */
static const char *known_controls[] = {
	LDAP_CONTROL_PAGEDRESULTS,
	LDAP_CONTROL_PASSWORDPOLICYREQUEST,
	LDAP_CONTROL_MANAGEDSAIT,
};

int
op_decode_controls(struct op *op, BerElement *ber)
{
	struct berval oid, val;
	ber_len_t len;
	ber_tag_t tag;
	ber_int_t crit;
	char *last;
	size_t cap = 0, i;
	int known;

	if (ber_peek_tag(ber, &len) != LDAP_TAG_CONTROLS)
		return LDAP_SUCCESS;
	for (tag = ber_first_element(ber, &len, &last); tag != LBER_DEFAULT;
	    tag = ber_next_element(ber, &len, last)) {
		crit = 0;
		val.bv_val = NULL;
		val.bv_len = 0;
		if (ber_scanf(ber, "{" /*}*/) == LBER_ERROR ||
		    ber_peek_tag(ber, &len) != LBER_OCTETSTRING ||
		    ber_scanf(ber, "m", &oid) == LBER_ERROR || oid.bv_len == 0)
			return LDAP_PROTOCOL_ERROR;
		tag = ber_peek_tag(ber, &len);
		if (tag == LBER_BOOLEAN) {
			if (ber_scanf(ber, "b", &crit) == LBER_ERROR)
				return LDAP_PROTOCOL_ERROR;
			tag = ber_peek_tag(ber, &len);
		}
		if (tag == LBER_OCTETSTRING) {
			if (ber_scanf(ber, "m", &val) == LBER_ERROR)
				return LDAP_PROTOCOL_ERROR;
		}
		if (ber_scanf(ber, /*{*/ "}") == LBER_ERROR)
			return LDAP_PROTOCOL_ERROR;
		if (op->nctrls == cap) {
			struct control *n;
			cap = cap ? cap * 2 : 4;
			if (cap > 64)
				return LDAP_ADMINLIMIT_EXCEEDED;
			n = arena_alloc(&op->arena, cap * sizeof(*n));
			if (op->nctrls)
				memcpy(n, op->ctrls, op->nctrls * sizeof(*n));
			op->ctrls = n;
		}
		op->ctrls[op->nctrls].oid = arena_strndup(&op->arena,
		    oid.bv_val, oid.bv_len);
		op->ctrls[op->nctrls].critical = crit != 0;
		op->ctrls[op->nctrls].value = val;
		known = 0;
		for (i = 0; i < NELEM(known_controls); i++)
			if (strcmp(op->ctrls[op->nctrls].oid,
			    known_controls[i]) == 0)
				known = 1;
		if (!known && crit)
			return LDAP_UNAVAILABLE_CRITICAL_EXTENSION;
		if (strcmp(op->ctrls[op->nctrls].oid,
		    LDAP_CONTROL_PAGEDRESULTS) == 0)
			op->paged = &op->ctrls[op->nctrls];
		else if (strcmp(op->ctrls[op->nctrls].oid,
		    LDAP_CONTROL_PASSWORDPOLICYREQUEST) == 0)
			op->ppolicy_ctrl = 1;
		else if (strcmp(op->ctrls[op->nctrls].oid,
		    LDAP_CONTROL_MANAGEDSAIT) == 0)
			op->manage_dsait = 1;
		op->nctrls++;
	}
	return LDAP_SUCCESS;
}

static ber_tag_t
resp_tag(ber_tag_t req)
{
	switch (req) {
	case LDAP_REQ_BIND:	return LDAP_RES_BIND;
	case LDAP_REQ_SEARCH:	return LDAP_RES_SEARCH_RESULT;
	case LDAP_REQ_MODIFY:	return LDAP_RES_MODIFY;
	case LDAP_REQ_ADD:	return LDAP_RES_ADD;
	case LDAP_REQ_DELETE:	return LDAP_RES_DELETE;
	case LDAP_REQ_MODDN:	return LDAP_RES_MODDN;
	case LDAP_REQ_COMPARE:	return LDAP_RES_COMPARE;
	case LDAP_REQ_EXTENDED:	return LDAP_RES_EXTENDED;
	default:		return LDAP_RES_EXTENDED;
	}
}

void
op_send_result(struct op *op, const struct result_extra *x, int code,
    const char *matched, const char *text)
{
	BerElement *ber;
	struct berval bv;
	int rc;

	if ((ber = ber_alloc_t(LBER_USE_DER)) == NULL)
		return;
	rc = ber_printf(ber, "{it{ess" /*}}*/, op->msgid, resp_tag(op->tag),
	    code, matched ? matched : "", text ? text : "");
	if (rc != -1 && x != NULL && x->sasl_creds != NULL)
		rc = ber_printf(ber, "tO", (ber_tag_t)LDAP_TAG_SASL_RES_CREDS,
		    x->sasl_creds);
	if (rc != -1 && x != NULL && x->ext_oid != NULL)
		rc = ber_printf(ber, "ts", (ber_tag_t)LDAP_TAG_EXOP_RES_OID,
		    x->ext_oid);
	if (rc != -1 && x != NULL && x->ext_value != NULL)
		rc = ber_printf(ber, "tO", (ber_tag_t)LDAP_TAG_EXOP_RES_VALUE,
		    x->ext_value);
	if (rc != -1)
		rc = ber_printf(ber, /*{*/ "N}");
	if (rc != -1 && x != NULL && x->nctrls > 0) {
		size_t i;

		rc = ber_printf(ber, "t{" /*}*/, (ber_tag_t)LDAP_TAG_CONTROLS);
		for (i = 0; rc != -1 && i < x->nctrls; i++)
			rc = ber_printf(ber, "{sON}", x->ctrls[i].oid,
			    &x->ctrls[i].value);
		if (rc != -1)
			rc = ber_printf(ber, /*{*/ "N}");
	}
	if (rc != -1)
		rc = ber_printf(ber, /*{*/ "N}");
	if (rc != -1 && ber_flatten2(ber, &bv, 0) == 0)
		conn_send(op->conn, bv.bv_val, bv.bv_len);
	ber_free(ber, 1);
	audit_result(op, code);
}

int
op_respond(struct op *op, int code, const char *text)
{
	op_send_result(op, NULL, code, NULL, text);
	return code;
}

int
op_respond_matched(struct op *op, int code, const char *matched,
    const char *text)
{
	op_send_result(op, NULL, code, matched, text);
	return code;
}

void
op_free(struct op *op)
{
	if (op == NULL)
		return;
	if (op->ber != NULL)
		ber_free(op->ber, 0);
	free(op->pdu.bv_val);
	arena_free(&op->arena);
	free(op);
}
