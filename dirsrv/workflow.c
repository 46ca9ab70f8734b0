/*
 * workflow.c - server-side rules of workflows.md that apply to ordinary
 * LDAP writes, whoever the client is: account status transitions
 * (application approval and rejection, disabling, unlocking) and
 * real-name re-verification when identity fields change.  Refusals name
 * the field and the rule and change nothing (the caller aborts).
 */
#include <string.h>

#include "dirsrv.h"

static struct attrtype *
at_named(const char *name)
{
	return schema_at(srv->schema, name, strlen(name));
}

static const struct berval *
first(const struct entry *e, const char *name)
{
	struct attrtype *at = at_named(name);
	struct attr *a = at ? entry_find(e, at) : NULL;

	return a && a->nv ? &a->nvals[0] : NULL;
}

static int
is(const struct berval *v, const char *s)
{
	return v != NULL && v->bv_len == strlen(s) && memcmp(v->bv_val, s,
	    v->bv_len) == 0;
}

static int
is_person(const struct entry *e)
{
	struct attr *oc = entry_find(e, srv->schema->a_objectclass);
	size_t i;

	for (i = 0; oc != NULL && i < oc->nv; i++)
		if (oc->nvals[i].bv_len == 15 && memcmp(oc->nvals[i].bv_val,
		    "unifiedidperson", 15) == 0)
			return 1;
	return 0;
}

static int
same_values(const struct entry *a, const struct entry *b, const char *name)
{
	struct attrtype *at = at_named(name);
	struct attr *x = at ? entry_find(a, at) : NULL;
	struct attr *y = at ? entry_find(b, at) : NULL;
	size_t i;

	if (x == NULL || y == NULL)
		return x == y;
	if (x->nv != y->nv)
		return 0;
	for (i = 0; i < x->nv; i++)
		if (attr_find_value(y, &x->nvals[i]) < 0)
			return 0;
	return 1;
}

static void
set_value(struct op *op, struct entry *e, const char *name, const char *val)
{
	struct attrtype *at = at_named(name);
	struct attr *a;
	struct berval v, nv;

	if (at == NULL)
		return;
	while ((a = entry_find(e, at)) != NULL)
		entry_del_attr(e, a);
	v.bv_len = strlen(val);
	v.bv_val = arena_strndup(&op->arena, val, v.bv_len);
	if (value_normalize(&op->arena, at, &v, &nv) != 0)
		nv = v;
	a = entry_add_attr(&op->arena, e, at, NULL);
	attr_append_value(&op->arena, a, &v, &nv);
}

/* allowed accountStatus transitions (workflows.md, R1, R10) */
static int
transition_ok(const char *from, const char *to)
{
	static const char *ok[][2] = {
		{ "pending", "active" },	/* application approved */
		{ "pending", "rejected" },	/* application rejected */
		{ "rejected", "pending" },	/* application reopened */
		{ "active", "disabled" },
		{ "active", "locked" },
		{ "locked", "active" },
		{ "disabled", "active" },
		{ "locked", "disabled" },
	};
	size_t i;

	for (i = 0; i < NELEM(ok); i++)
		if (strcmp(ok[i][0], from) == 0 && strcmp(ok[i][1], to) == 0)
			return 1;
	return 0;
}

/*
 * Before a person's modify is stored: account status rules and
 * real-name re-verification.  Returns an LDAP result code.
 */
int
workflow_person_modify(struct op *op, const struct entry *old,
    struct entry *e, const char **text)
{
	static const char *identity[] = { "cn", "sn", "givenName", "idType",
	    "idNumber", "idValidFrom", "idValidTo" };
	const struct berval *s0, *s1;
	char from[32], to[32];
	size_t i;

	if (!is_person(old))
		return LDAP_SUCCESS;
	s0 = first(old, "accountStatus");
	s1 = first(e, "accountStatus");
	snprintf(from, sizeof(from), "%.*s", s0 ? (int)s0->bv_len : 6,
	    s0 ? s0->bv_val : "active");
	snprintf(to, sizeof(to), "%.*s", s1 ? (int)s1->bv_len : 6,
	    s1 ? s1->bv_val : "active");
	if (strcmp(from, to) != 0) {
		if (!transition_ok(from, to)) {
			char *t = arena_alloc(&op->arena, 160);
			snprintf(t, 160, "accountStatus cannot change from %s to "
			    "%s", from, to);
			*text = t;
			return LDAP_UNWILLING_TO_PERFORM;
		}
		if (strcmp(to, "rejected") == 0 &&
		    first(e, "statusReason") == NULL) {
			*text = "statusReason: a rejection needs a reason";
			return LDAP_CONSTRAINT_VIOLATION;
		}
		if (strcmp(to, "active") == 0 && first(e, "statusReason"))
			entry_del_attr(e, entry_find(e,
			    at_named("statusReason")));
	}
	/* R7: identity fields of a verified person changed: verify again
	 * (no automatic verifier is configured, so the status falls back) */
	s0 = first(old, "realNameStatus");
	if (is(s0, "verified") || is(s0, "review-passed"))
		for (i = 0; i < NELEM(identity); i++)
			if (!same_values(old, e, identity[i])) {
				set_value(op, e, "realNameStatus", "unverified");
				break;
			}
	return LDAP_SUCCESS;
}

/*
 * After a person's modify is stored: an approved application activates
 * the pending post (and with it the memberships); the person is told.
 */
int
workflow_person_after(struct op *op, MDB_txn *txn, const struct entry *old,
    const struct entry *e)
{
	struct store *st = &srv->store;
	const struct berval *s0, *s1, *mobile, *reason;
	struct attrtype *ps = at_named("postStatus");
	struct idl kids = { 0 };
	struct attr *uid;
	char msg[512];
	size_t i;
	int rc = 0;

	if (!is_person(old))
		return 0;
	s0 = first(old, "accountStatus");
	s1 = first(e, "accountStatus");
	if (!is(s0, "pending") || !(is(s1, "active") || is(s1, "rejected")))
		return 0;
	uid = entry_find(e, srv->schema->a_uid);
	mobile = first(e, "mobile");
	if (is(s1, "active")) {
		if ((rc = store_children(st, txn, e->id, &kids)) != 0)
			return rc;
		for (i = 0; i < kids.n; i++) {
			struct entry c, *n;
			struct attr *a;

			if (store_get_copy(st, txn, &op->arena, kids.ids[i], &c)
			    != 0 || ps == NULL || (a = entry_find(&c, ps)) == NULL ||
			    !is(&a->nvals[0], "pending"))
				continue;
			n = entry_dup(&op->arena, &c);
			set_value(op, n, "postStatus", "active");
			if ((rc = store_modify(st, txn, &op->arena, &c, n)) != 0)
				break;
		}
		idl_free(&kids);
		if (rc == 0)
			rc = derive_person(op, txn, &e->ndn);
		snprintf(msg, sizeof(msg), "【统一身份认证】您的账号 %.*s 已通过"
		    "审核，现在可以登录。Your account %.*s has been approved.",
		    uid && uid->nv ? (int)uid->vals[0].bv_len : 0,
		    uid && uid->nv ? uid->vals[0].bv_val : "",
		    uid && uid->nv ? (int)uid->vals[0].bv_len : 0,
		    uid && uid->nv ? uid->vals[0].bv_val : "");
		notify_queue(op, "application-approved", mobile, &e->dn, msg);
	} else {
		reason = first(e, "statusReason");
		snprintf(msg, sizeof(msg), "【统一身份认证】您的账号申请未通过审核"
		    "：%.*s。Your account application was rejected: %.*s",
		    reason ? (int)reason->bv_len : 0, reason ? reason->bv_val : "",
		    reason ? (int)reason->bv_len : 0, reason ? reason->bv_val : "");
		notify_queue(op, "application-rejected", mobile, &e->dn, msg);
	}
	return rc;
}
