/*
 * workflow.c - server-side rules of workflows.md that apply to ordinary
 * LDAP writes, whoever the client is: account status transitions
 * (application approval and rejection, disabling, unlocking) and
 * real-name re-verification when identity fields change.  Refusals name
 * the field and the rule and change nothing (the caller aborts).
 */
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "dirsrv.h"
#include "password.h"

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

/* name: val, the only value (val NULL: no value) */
void
workflow_set_value(struct op *op, struct entry *e, const char *name,
    const char *val)
{
	struct attrtype *at = at_named(name);
	struct attr *a;
	struct berval v, nv;

	if (at == NULL)
		return;
	while ((a = entry_find(e, at)) != NULL)
		entry_del_attr(e, a);
	if (val == NULL)
		return;
	v.bv_len = strlen(val);
	v.bv_val = arena_strndup(&op->arena, val, v.bv_len);
	if (value_normalize(&op->arena, at, &v, &nv) != 0)
		nv = v;
	a = entry_add_attr(&op->arena, e, at, NULL);
	attr_append_value(&op->arena, a, &v, &nv);
}

#define set_value workflow_set_value

/*
 * A copy of e with the new password pw (hashed; the history and the
 * policy state follow, pwdReset after an administrator's reset), or NULL
 * when it cannot be hashed.  The caller stores it.
 */
struct entry *
workflow_new_password(struct op *op, const struct entry *e,
    const struct berval *pw, int by_admin)
{
	struct entry *ne;
	struct attr *up;
	char hash[PW_HASH_MAX];
	struct berval hv;

	if (pw_hash(pw->bv_val, pw->bv_len, hash, sizeof(hash)) != 0)
		return NULL;
	ne = entry_dup(&op->arena, e);
	while ((up = entry_find(ne, srv->schema->a_userpassword)) != NULL)
		entry_del_attr(ne, up);
	hv.bv_len = strlen(hash);
	hv.bv_val = arena_strndup(&op->arena, hash, hv.bv_len);
	explicit_bzero(hash, sizeof(hash));
	up = entry_add_attr(&op->arena, ne, srv->schema->a_userpassword, NULL);
	attr_append_value(&op->arena, up, &hv, &hv);
	ppolicy_password_changed(&op->arena, e, ne, by_admin);
	write_stamp(op, ne, 0);
	return ne;
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
int
workflow_scan_ok(const struct berval *v)
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

/*
 * R7, R12: verify e again.  With realname.verifier the status becomes
 * verifying and a job is recorded in the write's own transaction (the
 * verifier runs after the commit, verifier.c); without one the status
 * falls back to unverified.  reset_level: the identity changed, so the
 * level it had no longer applies.
 */
static int
realname_start(struct op *op, struct entry *e, int reset_level,
    const char **text)
{
	if (reset_level)
		set_value(op, e, "realNameLevel", "none");
	if (!verifier_configured() || op->txn == NULL) {
		set_value(op, e, "realNameStatus", "unverified");
		return LDAP_SUCCESS;
	}
	set_value(op, e, "realNameStatus", "verifying");
	if (verifier_queue(op->txn, &e->ndn) != 0) {
		*text = "database error";
		return LDAP_OTHER;
	}
	return LDAP_SUCCESS;
}

/* a status an administrator sets: verifying re-runs the verifier,
 * verified is the verifier's (or the rootdn's) */
static int
realname_rerun(struct op *op, const struct berval *s1, struct entry *e,
    const char **text)
{
	if (is(s1, "verified") && !op->isroot) {
		*text = "realNameStatus: verified is set by the automatic "
		    "verifier; set verifying to run it again, or decide a "
		    "manual review (review-passed)";
		return LDAP_UNWILLING_TO_PERFORM;
	}
	if (!is(s1, "verifying"))
		return LDAP_SUCCESS;
	if (!verifier_configured()) {
		*text = "realNameStatus: no automatic verifier is configured "
		    "(realname.verifier); the person may upload scans for a "
		    "manual review";
		return LDAP_UNWILLING_TO_PERFORM;
	}
	if (first(e, is_person(e) ? "idNumber" : "uscc") == NULL) {
		*text = "realNameStatus: there is no identity to verify "
		    "(idNumber)";
		return LDAP_UNWILLING_TO_PERFORM;
	}
	return realname_start(op, e, 0, text);
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
		if (!workflow_scan_ok(&a->vals[i])) {
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
	if (!op->isroot && !same_values(old, e, "realNameLevel") &&
	    !(s1 != NULL && (s0 == NULL || !bv_same2(s0, s1)) &&
	    (is(s1, "review-passed") || is(s1, "review-failed")))) {
		*text = "realNameLevel: set by a manual review's decision "
		    "(review-passed) or by the automatic verifier";
		return LDAP_UNWILLING_TO_PERFORM;
	}
	if (added && (s1 == NULL || (s0 != NULL && bv_same2(s0, s1)))) {
		/* new scans: a review is asked for */
		set_value(op, e, "realNameStatus", "review-pending");
		return LDAP_SUCCESS;
	}
	if (s1 == NULL || (s0 != NULL && bv_same2(s0, s1)))
		return LDAP_SUCCESS;
	if (is(s1, "verifying") || is(s1, "verified"))
		return realname_rerun(op, s1, e, text);
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
	/* R7 (003's field table): identity fields changed: verify again,
	 * through the verifier when there is one, else a verified status
	 * falls back to unverified */
	s0 = first(old, "realNameStatus");
	for (i = 0; i < NELEM(identity); i++)
		if (!same_values(old, e, identity[i]))
			break;
	if (i < NELEM(identity) && ((verifier_configured() &&
	    first(e, "idNumber") != NULL) || is(s0, "verified") ||
	    is(s0, "review-passed")))
		return realname_start(op, e, 1, text);
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

/*
 * A new person (an administrator's add, or an application): the level
 * and a verified status come from a verification, not from the client
 * (the rootdn excepted); with an automatic verifier a person with an ID
 * number is verified at once (R7).
 */
static int
person_add(struct op *op, struct entry *e, const char **text)
{
	const struct berval *st = first(e, "realNameStatus");
	const struct berval *lv = first(e, "realNameLevel");

	if (op->isroot)
		return LDAP_SUCCESS;
	if (lv != NULL && !is(lv, "none")) {
		*text = "realNameLevel: set by a manual review's decision or by "
		    "the automatic verifier";
		return LDAP_UNWILLING_TO_PERFORM;
	}
	if (st != NULL && !is(st, "unverified")) {
		*text = "realNameStatus: a new person starts unverified";
		return LDAP_UNWILLING_TO_PERFORM;
	}
	if (first(e, "idNumber") == NULL)
		return LDAP_SUCCESS;
	if (!verifier_configured())
		return LDAP_SUCCESS;
	return realname_start(op, e, 1, text);
}

/* ---- posts, transfers and concurrent posts (R9, R10) ---- */

/* password appeals are decided through the same modify hooks (below) */
static int appeal_modify(struct op *, MDB_txn *, const struct entry *,
    struct entry *, const char **);
static int appeal_after(struct op *, MDB_txn *, const struct entry *,
    const struct entry *);

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

	if (is_person(e))
		return person_add(op, e, text);
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

	if (has_class(old, "unifiedidappeal"))
		return appeal_modify(op, txn, old, e, text);
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

	if (has_class(old, "unifiedidappeal"))
		return appeal_after(op, txn, old, e);
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

/*
 * R14: an old platform name is bound to one person only, or an old-name
 * bind could not tell whose it is.  New legacyUid values of e must not be
 * held by another entry (an old name may equal someone's current uid:
 * that is the WP_ collision rule, not a conflict).
 */
int
workflow_legacy(struct op *op, MDB_txn *txn, const struct entry *old,
    const struct entry *e, const char **text)
{
	struct attrtype *at = at_named("legacyUid");
	struct attr *a;
	struct idl ids = { 0 };
	size_t k, i;
	int rc;

	if (at == NULL || (a = entry_find(e, at)) == NULL ||
	    (old != NULL && same_values(old, e, "legacyUid")))
		return LDAP_SUCCESS;
	for (k = 0; k < a->nv; k++) {
		rc = index_eq(&srv->store, txn, at, &a->nvals[k], &ids);
		if (rc == -1)
			return LDAP_SUCCESS;	/* not indexed: cannot tell */
		if (rc != 0) {
			*text = "legacyUid: cannot check the old name";
			return LDAP_OTHER;
		}
		for (i = 0; i < ids.n; i++)
			if (old == NULL || ids.ids[i] != old->id) {
				char *t = arena_alloc(&op->arena, 200);

				snprintf(t, 200, "legacyUid: %.*s is already "
				    "bound to another account",
				    (int)(a->vals[k].bv_len < 64 ?
				    a->vals[k].bv_len : 64), a->vals[k].bv_val);
				*text = t;
				idl_free(&ids);
				return LDAP_CONSTRAINT_VIOLATION;
			}
		idl_free(&ids);
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
    struct entry *e, const char **text)
{
	static const char *roles[] = { "legalRepresentative",
	    "enterpriseAdmin", "enterpriseHandler", "licenseAdmin",
	    "mainAgent" };
	/* 003's legal-person table: the fields whose change is verified */
	static const char *key[] = { "uscc", "o", "enterpriseType",
	    "regionType", "legalRepresentative" };
	const struct berval *s0;
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
	/* R12: key fields of a verified enterprise changed: verify again,
	 * in this transaction (through the verifier when there is one) */
	s0 = old ? first(old, "realNameStatus") : NULL;
	if (!is(s0, "verified") && !is(s0, "review-passed"))
		return LDAP_SUCCESS;
	if (!bv_same(s0, first(e, "realNameStatus") ? first(e,
	    "realNameStatus") : &(struct berval){ 0, "" }))
		return LDAP_SUCCESS;	/* the rootdn decides it itself */
	for (i = 0; i < NELEM(key); i++)
		if (!same_values(old, e, key[i]))
			return realname_start(op, e, 1, text);
	return LDAP_SUCCESS;
}

/* ---- password appeals (R5, seed 003) ---- */

/*
 * A temporary password for an approved appeal: 14 random characters
 * with the four classes, checked against the policy (it must not
 * contain the account name).  The person changes it at the next login
 * (pwdReset).  Returns 0, or -1 when none could be made.
 */
static int
appeal_password(const struct berval *uid, char *pw, size_t n)
{
	static const char *const sets[] = { "ABCDEFGHJKLMNPQRSTUVWXYZ",
	    "abcdefghijkmnpqrstuvwxyz", "23456789", "#%+-=@_" };
	unsigned char r[64];
	size_t len = srv->cfg->pw.min_length > 14 ?
	    (size_t)srv->cfg->pw.min_length : 14, i, tries;
	const char *why;
	struct berval v;

	if (len + 1 > n || len > sizeof(r))
		return -1;
	for (tries = 0; tries < 20; tries++) {
		if (RAND_bytes(r, (int)len) != 1)
			return -1;
		for (i = 0; i < len; i++) {
			const char *set = sets[i < 4 ? i : r[i] % 4];
			pw[i] = set[r[(i + 1) % len] % strlen(set)];
		}
		pw[len] = '\0';
		/* the first four gave one of each class; shuffle them in */
		for (i = len - 1; i > 0; i--) {
			size_t j = r[i] % (i + 1);
			char c = pw[i];
			pw[i] = pw[j];
			pw[j] = c;
		}
		v.bv_val = pw;
		v.bv_len = len;
		if (ppolicy_quality(&v, uid, &why) == PP_OK) {
			explicit_bzero(r, sizeof(r));
			return 0;
		}
	}
	explicit_bzero(r, sizeof(r));
	explicit_bzero(pw, n);
	return -1;
}

/*
 * An administrator decides an appeal: review-pending -> approved, or
 * rejected with a statusReason.  What the person gave (the scans, the
 * contact number, whom it is about) stays as it was.  The ACL lets only
 * administrators of the person's organisations (and the rootdn) write.
 */
static int
appeal_modify(struct op *op, MDB_txn *txn, const struct entry *old,
    struct entry *e, const char **text)
{
	static const char *fixed[] = { "appealId", "appealPerson",
	    "appealContact", "realNameScan", "objectClass" };
	const struct berval *s0 = first(old, "appealStatus");
	const struct berval *s1 = first(e, "appealStatus");
	const struct berval *st;
	struct entry p;
	char ts[16], *t;
	size_t i;

	for (i = 0; i < NELEM(fixed); i++)
		if (!same_values(old, e, fixed[i])) {
			t = arena_alloc(&op->arena, 120);
			snprintf(t, 120, "%s of an appeal cannot be changed",
			    fixed[i]);
			*text = t;
			return LDAP_UNWILLING_TO_PERFORM;
		}
	if (s1 == NULL || (s0 != NULL && bv_same(s0, s1)))
		return LDAP_SUCCESS;
	if (!is(s0, "review-pending") || !(is(s1, "approved") ||
	    is(s1, "rejected"))) {
		*text = "appealStatus: only a pending appeal (review-pending) "
		    "can be approved or rejected";
		return LDAP_UNWILLING_TO_PERFORM;
	}
	if (is(s1, "rejected") && first(e, "statusReason") == NULL) {
		*text = "statusReason: a rejected appeal needs a reason";
		return LDAP_CONSTRAINT_VIOLATION;
	}
	if (is(s1, "approved")) {
		if (first(e, "appealPerson") == NULL ||
		    store_get_dn_copy(&srv->store, txn, &op->arena,
		    first(e, "appealPerson"), &p) != 0) {
			*text = "appealPerson: the account no longer exists";
			return LDAP_UNWILLING_TO_PERFORM;
		}
		st = first(&p, "accountStatus");
		if (st != NULL && !is(st, "active") && !is(st, "locked")) {
			*text = "accountStatus: the account is not active; "
			    "a password reset would not let the person in";
			return LDAP_UNWILLING_TO_PERFORM;
		}
	}
	if (op->binddn.bv_len > 0) {
		t = arena_strndup(&op->arena, op->binddn.bv_val,
		    op->binddn.bv_len);
		set_value(op, e, "realNameReviewer", t);
	}
	gentime_format((long long)time(NULL), ts);
	set_value(op, e, "realNameReviewTime", ts);
	return LDAP_SUCCESS;
}

/*
 * After the decision is stored, in the same transaction: an approval
 * sets a temporary password the person must change at the next login
 * (pwdReset, as an administrator's reset) and lifts a lock; the answer
 * goes to the contact number the appeal gave, with the account name.
 */
static int
appeal_after(struct op *op, MDB_txn *txn, const struct entry *old,
    const struct entry *e)
{
	const struct berval *to = first(e, "appealContact");
	struct entry p, *np;
	struct attr *uid;
	char pw[64], msg[700];
	int rc;

	if (!is(first(old, "appealStatus"), "review-pending"))
		return 0;
	if (is(first(e, "appealStatus"), "rejected")) {
		const struct berval *r = first(e, "statusReason");

		snprintf(msg, sizeof(msg), "【统一身份认证】您的密码申诉未通过："
		    "%.*s。Your password appeal was rejected: %.*s",
		    (int)r->bv_len, r->bv_val, (int)r->bv_len, r->bv_val);
		notify_queue(op, "appeal-rejected", to, &e->dn, msg);
		return 0;
	}
	if (!is(first(e, "appealStatus"), "approved") ||
	    store_get_dn_copy(&srv->store, txn, &op->arena,
	    first(e, "appealPerson"), &p) != 0)
		return 0;
	uid = entry_find(&p, srv->schema->a_uid);
	np = NULL;
	if (uid != NULL && uid->nv > 0 &&
	    appeal_password(&uid->vals[0], pw, sizeof(pw)) == 0)
		np = workflow_new_password(op, &p, &(struct berval){ strlen(pw),
		    pw }, 1);
	if (np == NULL) {
		explicit_bzero(pw, sizeof(pw));
		return MDB_PANIC;	/* no password could be made */
	}
	if ((rc = store_modify(&srv->store, txn, &op->arena, &p, np)) != 0) {
		explicit_bzero(pw, sizeof(pw));
		return rc;
	}
	snprintf(msg, sizeof(msg), "【统一身份认证】您的密码申诉已通过。账号 "
	    "%.*s 的临时密码为 %s，登录后须立即修改。Your appeal was approved: "
	    "account %.*s, temporary password %s (change it when you log in).",
	    (int)uid->vals[0].bv_len, uid->vals[0].bv_val, pw,
	    (int)uid->vals[0].bv_len, uid->vals[0].bv_val, pw);
	notify_queue(op, "appeal-approved", to, &p.dn, msg);
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(msg, sizeof(msg));
	return 0;
}
