/*
 * workflow.c - server-side rules of workflows.md that apply to ordinary
 * LDAP writes, whoever the client is: account status transitions
 * (application approval and rejection, disabling, unlocking) and
 * real-name re-verification when identity fields change.  Refusals name
 * the field and the rule and change nothing (the caller aborts).
 */
#include <string.h>
#include <time.h>

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
bv_same2(const struct berval *a, const struct berval *b)
{
	return a->bv_len == b->bv_len && memcmp(a->bv_val, b->bv_val,
	    a->bv_len) == 0;
}

static int
is_person(const struct entry *e)
{
	return entry_has_class(srv->schema, e, "unifiedidperson");
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
 * Manual real-name review (R7, seed 003): the person uploads ID scans
 * (JPEG or PNG, at most 1 MB each) and the status becomes review-pending;
 * an administrator of their organisation sets review-passed (with a
 * level) or review-failed (with a reason), the reviewer and the time are
 * recorded and the person is told.
 */
static int
scan_ok(const struct berval *v)
{
	static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff };
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1a, '\n' };

	if (v->bv_len > 1048576)
		return 0;
	return (v->bv_len > sizeof(jpeg) && memcmp(v->bv_val, jpeg,
	    sizeof(jpeg)) == 0) || (v->bv_len > sizeof(png) &&
	    memcmp(v->bv_val, png, sizeof(png)) == 0);
}

static int
one_of(const struct berval *v, const char *const *set)
{
	for (; *set != NULL; set++)
		if (is(v, *set))
			return 1;
	return 0;
}

static int
realname_review(struct op *op, const struct entry *old, struct entry *e,
    const char **text)
{
	static const char *const statuses[] = { "unverified", "verifying",
	    "verified", "review-pending", "review-passed", "review-failed",
	    NULL };
	static const char *const levels[] = { "none", "basic", "intermediate",
	    "advanced", NULL };
	struct attrtype *sc = at_named("realNameScan");
	struct attr *a = sc ? entry_find(e, sc) : NULL;
	const struct berval *s0 = first(old, "realNameStatus");
	const struct berval *s1 = first(e, "realNameStatus");
	const struct berval *lv = first(e, "realNameLevel");
	struct attr *oa = sc ? entry_find(old, sc) : NULL;
	int added = 0;
	size_t i;

	for (i = 0; a != NULL && i < a->nv; i++) {
		if (oa != NULL && attr_find_value(oa, &a->nvals[i]) >= 0)
			continue;
		if (!scan_ok(&a->vals[i])) {
			*text = "realNameScan: a scan must be a JPEG or PNG image "
			    "of at most 1 MB";
			return LDAP_CONSTRAINT_VIOLATION;
		}
		added = 1;
	}
	if (s1 != NULL && !one_of(s1, statuses)) {
		*text = "realNameStatus: unverified, verifying, verified, "
		    "review-pending, review-passed or review-failed";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	if (lv != NULL && !one_of(lv, levels)) {
		*text = "realNameLevel: none, basic, intermediate or advanced";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	if (added && (s1 == NULL || (s0 != NULL && bv_same2(s0, s1)))) {
		/* new scans: a review is asked for */
		set_value(op, e, "realNameStatus", "review-pending");
		return LDAP_SUCCESS;
	}
	if (s1 == NULL || (s0 != NULL && bv_same2(s0, s1)))
		return LDAP_SUCCESS;
	if (is(s1, "review-passed") || is(s1, "review-failed")) {
		char ts[16];

		if (!is(s0, "review-pending")) {
			*text = "realNameStatus: only a pending review can pass "
			    "or fail";
			return LDAP_UNWILLING_TO_PERFORM;
		}
		if (is(s1, "review-passed") && (lv == NULL || is(lv, "none"))) {
			*text = "realNameLevel: a passed review sets the level";
			return LDAP_CONSTRAINT_VIOLATION;
		}
		if (is(s1, "review-failed") && first(e, "realNameReason") ==
		    NULL) {
			*text = "realNameReason: a failed review needs a reason";
			return LDAP_CONSTRAINT_VIOLATION;
		}
		if (op->binddn.bv_len > 0) {
			char dn[1024];

			snprintf(dn, sizeof(dn), "%.*s", (int)op->binddn.bv_len,
			    op->binddn.bv_val);
			set_value(op, e, "realNameReviewer", dn);
		}
		gentime_format((long long)time(NULL), ts);
		set_value(op, e, "realNameReviewTime", ts);
		if (is(s1, "review-failed") && first(e, "realNameLevel") == NULL)
			set_value(op, e, "realNameLevel", "none");
		{
			char msg[400];
			const struct berval *r = first(e, "realNameReason");

			if (is(s1, "review-passed"))
				snprintf(msg, sizeof(msg), "【统一身份认证】您的实名"
				    "认证人工审核已通过（%.*s）。Your real-name "
				    "review passed.", (int)lv->bv_len, lv->bv_val);
			else
				snprintf(msg, sizeof(msg), "【统一身份认证】您的实名"
				    "认证人工审核未通过：%.*s。Your real-name review "
				    "failed: %.*s", r ? (int)r->bv_len : 0,
				    r ? r->bv_val : "", r ? (int)r->bv_len : 0,
				    r ? r->bv_val : "");
			notify_queue(op, is(s1, "review-passed") ?
			    "realname-passed" : "realname-failed",
			    first(e, "mobile"), &e->dn, msg);
		}
	}
	return LDAP_SUCCESS;
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
	int rc;

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
	if ((rc = realname_review(op, old, e, text)) != LDAP_SUCCESS)
		return rc;
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

/* ---- posts, transfers and concurrent posts (R9, R10) ---- */

static int
has_class(const struct entry *e, const char *lname)
{
	return entry_has_class(srv->schema, e, lname);
}

static int
bv_same(const struct berval *a, const struct berval *b)
{
	return a->bv_len == b->bv_len && memcmp(a->bv_val, b->bv_val,
	    a->bv_len) == 0;
}

/* the requester owns the post (it is under their entry) */
static int
post_owner(const struct op *op, const struct entry *post)
{
	struct berval parent;

	dn_parent(&post->ndn, &parent);
	return op->bindndn.bv_len > 0 && bv_same(&op->bindndn, &parent);
}

/* the requester administers the post's organisation (or is the rootdn) */
static int
post_admin(struct op *op, MDB_txn *txn, const struct entry *post)
{
	if (op->isroot)
		return 1;
	/* acl_access with "orgadmin" semantics: write on the entry itself
	 * granted by a rule other than ownership is what we need; ask for
	 * the organisation's administrators directly */
	return workflow_is_org_admin(op, txn, post);
}

static long
rank_of(const struct entry *post)
{
	const struct berval *r = first(post, "postRank");

	return r ? strtol(r->bv_val, NULL, 10) : 0;
}

static void
set_rank(struct op *op, struct entry *e, long rank)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%ld", rank);
	set_value(op, e, "postRank", buf);
}

/* highest rank among the person's active posts, -1 when none */
static long
max_active_rank(struct op *op, MDB_txn *txn, const struct berval *pndn,
    uint64_t skip)
{
	struct idl kids = { 0 };
	struct entry p, c;
	size_t i;
	long max = -1, r;

	if (store_get_dn_copy(&srv->store, txn, &op->arena, pndn, &p) != 0 ||
	    store_children(&srv->store, txn, p.id, &kids) != 0)
		return -1;
	for (i = 0; i < kids.n; i++) {
		if (kids.ids[i] == skip || store_get_copy(&srv->store, txn,
		    &op->arena, kids.ids[i], &c) != 0)
			continue;
		if (!is(first(&c, "postStatus"), "active") &&
		    first(&c, "postStatus") != NULL)
			continue;
		if ((r = rank_of(&c)) > max)
			max = r;
	}
	idl_free(&kids);
	return max;
}

/*
 * A new post.  The organisation must exist and its code must be the
 * post's orgCode.  A person adding a post under their own entry is asking
 * for a transfer (or a concurrent post): it is transfer-pending until the
 * target organisation's administrator approves.
 */
int
workflow_post_add(struct op *op, MDB_txn *txn, struct entry *e,
    const char **text)
{
	const struct berval *org = first(e, "postOrg"), *code;
	const struct berval *st, *from;
	struct entry oe, fe;
	struct berval parent;

	if (!has_class(e, "unifiedidpost"))
		return LDAP_SUCCESS;
	if (org == NULL || store_get_dn_copy(&srv->store, txn, &op->arena, org,
	    &oe) != 0 || !has_class(&oe, "unifiedidorg")) {
		*text = "postOrg: no such organisation";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	code = first(&oe, "orgCode");
	if (code == NULL || first(e, "orgCode") == NULL ||
	    !bv_same(code, first(e, "orgCode"))) {
		*text = "orgCode: must be the orgCode of postOrg";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	dn_parent(&e->ndn, &parent);
	if (post_admin(op, txn, e) || !post_owner(op, e)) {
		/* an administrator's post is active at once, last in rank */
		if (first(e, "postStatus") == NULL)
			set_value(op, e, "postStatus", "active");
		if (first(e, "postRank") == NULL)
			set_rank(op, e, max_active_rank(op, txn, &parent, 0) + 1);
		return LDAP_SUCCESS;
	}
	/* the person's own request */
	st = first(e, "postStatus");
	if (st != NULL && !is(st, "transfer-pending")) {
		*text = "postStatus: a person may only request a post "
		    "(transfer-pending); the organisation's administrator "
		    "approves it";
		return LDAP_INSUFFICIENT_ACCESS;
	}
	set_value(op, e, "postStatus", "transfer-pending");
	if (first(e, "keepOrigin") == NULL)
		set_value(op, e, "keepOrigin", "TRUE");
	from = first(e, "transferFrom");
	if (is(first(e, "keepOrigin"), "FALSE") && from == NULL) {
		*text = "transferFrom: a transfer that does not keep the origin "
		    "post must name it";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	if (from != NULL) {
		struct berval fp;

		dn_parent(from, &fp);
		if (!bv_same(&fp, &parent) || store_get_dn_copy(&srv->store,
		    txn, &op->arena, from, &fe) != 0 ||
		    !(first(&fe, "postStatus") == NULL ||
		    is(first(&fe, "postStatus"), "active"))) {
			*text = "transferFrom: must be one of your active posts";
			return LDAP_CONSTRAINT_VIOLATION;
		}
	}
	if (first(e, "postRank") == NULL)
		set_rank(op, e, max_active_rank(op, txn, &parent, 0) + 1);
	return LDAP_SUCCESS;
}

/*
 * A changed post.  The person may ask to leave a concurrent post
 * (active -> leave-pending; the primary cannot be left, only transferred)
 * or reorder active posts.  The organisation's administrator approves a
 * transfer (transfer-pending -> active): without keepOrigin the origin
 * post goes and the new one takes its rank, with it the new post is a
 * concurrent one, last in rank.
 */
int
workflow_post_modify(struct op *op, MDB_txn *txn, const struct entry *old,
    struct entry *e, const char **text)
{
	static const char *fixed[] = { "orgCode", "postOrg", "transferFrom",
	    "keepOrigin", "objectClass" };
	const struct berval *s0, *s1;
	struct berval parent;
	size_t i;

	if (!has_class(old, "unifiedidpost"))
		return LDAP_SUCCESS;
	for (i = 0; i < NELEM(fixed); i++)
		if (!same_values(old, e, fixed[i]) && !op->isroot) {
			char *t = arena_alloc(&op->arena, 120);
			snprintf(t, 120, "%s of a post cannot be changed",
			    fixed[i]);
			*text = t;
			return LDAP_UNWILLING_TO_PERFORM;
		}
	s0 = first(old, "postStatus");
	s1 = first(e, "postStatus");
	dn_parent(&old->ndn, &parent);
	if (post_admin(op, txn, old)) {
		if (is(s0, "transfer-pending") && is(s1, "active")) {
			/* the rank is settled in workflow_post_after */
			return LDAP_SUCCESS;
		}
		return LDAP_SUCCESS;
	}
	if (!post_owner(op, old)) {
		*text = "no write access to this post";
		return LDAP_INSUFFICIENT_ACCESS;
	}
	if (!(s0 == NULL ? s1 == NULL : s1 != NULL && bv_same(s0, s1))) {
		if (!((s0 == NULL || is(s0, "active")) &&
		    is(s1, "leave-pending"))) {
			*text = "postStatus: a person may only ask to leave a "
			    "post (leave-pending)";
			return LDAP_INSUFFICIENT_ACCESS;
		}
		if (rank_of(old) == 0 || rank_of(old) <= 0) {
			*text = "the primary post cannot be left, only "
			    "transferred";
			return LDAP_UNWILLING_TO_PERFORM;
		}
	}
	if (!same_values(old, e, "postRank") && !(s0 == NULL ||
	    is(s0, "active"))) {
		*text = "postRank: only active posts can be reordered";
		return LDAP_UNWILLING_TO_PERFORM;
	}
	return LDAP_SUCCESS;
}

/* after an approved transfer: the origin post and the ranks */
int
workflow_post_after(struct op *op, MDB_txn *txn, const struct entry *old,
    const struct entry *e)
{
	struct store *st = &srv->store;
	const struct berval *from;
	struct entry fe, cur, *n;
	struct berval parent;
	uint64_t pid = 0;
	long rank;
	int rc;

	if (!has_class(old, "unifiedidpost") ||
	    !is(first(old, "postStatus"), "transfer-pending") ||
	    !is(first(e, "postStatus"), "active"))
		return 0;
	dn_parent(&e->ndn, &parent);
	from = first(e, "transferFrom");
	if (store_get_dn_copy(st, txn, &op->arena, &e->ndn, &cur) != 0)
		return 0;
	n = entry_dup(&op->arena, &cur);
	if (!is(first(e, "keepOrigin"), "TRUE") && from != NULL &&
	    store_get_dn_copy(st, txn, &op->arena, from, &fe) == 0) {
		/* a move: the origin post goes, the new one takes its rank */
		rank = rank_of(&fe);
		store_dn2id(st, txn, &parent, &pid);
		if ((rc = store_delete(st, txn, &op->arena, &fe, pid)) != 0)
			return rc;
	} else
		rank = max_active_rank(op, txn, &parent, cur.id) + 1;
	set_rank(op, n, rank);
	while (entry_find(n, at_named("transferFrom")) != NULL)
		entry_del_attr(n, entry_find(n, at_named("transferFrom")));
	if ((rc = store_modify(st, txn, &op->arena, &cur, n)) != 0)
		return rc;
	{
		char msg[400];
		struct entry p;
		const struct berval *mobile = NULL;

		if (store_get_dn_copy(st, txn, &op->arena, &parent, &p) == 0)
			mobile = first(&p, "mobile");
		snprintf(msg, sizeof(msg), "【统一身份认证】您的调岗申请已通过审核"
		    "（%.*s）。Your transfer request was approved.",
		    first(e, "orgCode") ? (int)first(e, "orgCode")->bv_len : 0,
		    first(e, "orgCode") ? first(e, "orgCode")->bv_val : "");
		notify_queue(op, "transfer-approved", mobile, &parent, msg);
	}
	return derive_person(op, txn, &parent);
}

/* deleting a post: the person cannot (they ask to leave instead) */
int
workflow_post_delete(struct op *op, MDB_txn *txn, const struct entry *e,
    const char **text)
{
	if (!has_class(e, "unifiedidpost") || post_admin(op, txn, e))
		return LDAP_SUCCESS;
	*text = "a person cannot delete a post: ask to leave it "
	    "(postStatus: leave-pending) or ask for a transfer";
	return LDAP_INSUFFICIENT_ACCESS;
}

/* ---- field validation (workflows.md "Validation") ---- */

#include "validate.h"

/*
 * Check the identity and contact fields of a person or an enterprise
 * that the write sets (all of them for an add, the changed ones for a
 * modify).  Returns an LDAP result code with the reason in *text.
 */
int
workflow_validate(struct op *op, const struct entry *old,
    const struct entry *e, const char **text)
{
	static const struct {
		const char	*attr;
		const char	*(*fn)(const char *, size_t);
	} checks[] = {
		{ "mobile", validate_mobile },
		{ "emergencyPhone", NULL },
		{ "mail", validate_email },
		{ "backupMail", validate_email },
		{ "gender", validate_gender },
		{ "uscc", validate_uscc },
	};
	const struct berval *idtype;
	struct attr *a;
	char *t;
	size_t i, k;

	if (!is_person(e) && !has_class(e, "unifiedidenterprise"))
		return LDAP_SUCCESS;
	for (i = 0; i < NELEM(checks); i++) {
		struct attrtype *at = at_named(checks[i].attr);

		if (at == NULL || checks[i].fn == NULL ||
		    (a = entry_find(e, at)) == NULL ||
		    (old != NULL && same_values(old, e, checks[i].attr)))
			continue;
		for (k = 0; k < a->nv; k++) {
			const char *why = checks[i].fn(a->vals[k].bv_val,
			    a->vals[k].bv_len);

			if (why != NULL) {
				t = arena_alloc(&op->arena, 200);
				snprintf(t, 200, "%s: %s", checks[i].attr, why);
				*text = t;
				return LDAP_CONSTRAINT_VIOLATION;
			}
		}
	}
	if ((a = entry_find(e, at_named("idNumber"))) != NULL && (old == NULL ||
	    !same_values(old, e, "idNumber") || !same_values(old, e, "idType"))) {
		char type[40];
		const char *why;

		idtype = first(e, "idType");
		snprintf(type, sizeof(type), "%.*s", idtype ? (int)(idtype->bv_len
		    < 39 ? idtype->bv_len : 39) : 11, idtype ? idtype->bv_val :
		    "resident-id");
		for (k = 0; k < a->nv; k++)
			if ((why = validate_id(type, a->vals[k].bv_val,
			    a->vals[k].bv_len)) != NULL) {
				t = arena_alloc(&op->arena, 200);
				snprintf(t, 200, "idNumber: %s", why);
				*text = t;
				return LDAP_CONSTRAINT_VIOLATION;
			}
	}
	return LDAP_SUCCESS;
}

/* ---- enterprises (R11, R12) ---- */

/*
 * An enterprise's people: legalRepresentative, enterpriseAdmin,
 * enterpriseHandler, licenseAdmin and mainAgent name existing people
 * (new values are checked), and there are at most five licence
 * administrators (seed 001).
 */
int
workflow_enterprise(struct op *op, MDB_txn *txn, const struct entry *old,
    const struct entry *e, const char **text)
{
	static const char *roles[] = { "legalRepresentative",
	    "enterpriseAdmin", "enterpriseHandler", "licenseAdmin",
	    "mainAgent" };
	struct attr *a, *oa;
	struct attrtype *at;
	size_t i, k;
	char *t;

	if (!has_class(e, "unifiedidenterprise"))
		return LDAP_SUCCESS;
	if ((at = at_named("licenseAdmin")) != NULL &&
	    (a = entry_find(e, at)) != NULL && a->nv > 5) {
		*text = "licenseAdmin: at most five licence administrators";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	for (i = 0; i < NELEM(roles); i++) {
		if ((at = at_named(roles[i])) == NULL ||
		    (a = entry_find(e, at)) == NULL)
			continue;
		oa = old ? entry_find(old, at) : NULL;
		for (k = 0; k < a->nv; k++) {
			struct entry p;

			if (oa != NULL && attr_find_value(oa, &a->nvals[k]) >= 0)
				continue;
			if (store_get_dn(&srv->store, txn, &op->arena,
			    &a->nvals[k], &p) == 0 && is_person(&p))
				continue;
			t = arena_alloc(&op->arena, 200);
			snprintf(t, 200, "%s: %.*s is not a person", roles[i],
			    (int)(a->vals[k].bv_len > 100 ? 100 :
			    a->vals[k].bv_len), a->vals[k].bv_val);
			*text = t;
			return LDAP_CONSTRAINT_VIOLATION;
		}
	}
	return LDAP_SUCCESS;
}
