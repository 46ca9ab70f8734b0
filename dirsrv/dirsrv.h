/*
 * dirsrv.h - private interfaces of unifiedid-dirsrv, grouped by file.
 *
 * Memory: per-operation data lives in a struct arena (op->arena) and is
 * freed in one go when the response has been queued.  Values decoded from
 * LMDB point into the memory map and are valid only until the end of the
 * transaction they were read in (copy them to the arena to keep them).
 */
#ifndef UNIFIEDID_DIRSRV_H
#define UNIFIEDID_DIRSRV_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <sys/types.h>

#include <lber.h>
#include <ldap.h>
#include <ldap_schema.h>
#include <lmdb.h>

#include "util.h"
#include "config.h"

#define DIRSRV_VENDOR	"UnifiedID"

/* Our OID arc (contract section 4) */
#define UID_ARC		"2.25.78097645300808997913674460929957841451"

/* ---------------------------------------------------------------- mrule.c */

/* A normaliser writes the normalised form of in to the arena; returns 0, or
 * -1 if the value is not valid for the rule's syntax. */
struct mrule;
typedef int (*mr_norm_fn)(struct arena *, const struct berval *in,
    struct berval *out);

enum mr_kind { MR_EQUALITY, MR_ORDERING, MR_SUBSTR };
enum mr_cmp { MR_CMP_BYTES, MR_CMP_INTEGER, MR_CMP_TIME };

struct mrule {
	const char	*oid;
	const char	*name;
	enum mr_kind	 kind;
	mr_norm_fn	 norm;		/* NULL = identity */
	enum mr_cmp	 cmp;		/* how normalised values order */
	const char	*syntax;	/* assertion syntax OID */
};

struct syntax {
	const char	*oid;
	const char	*desc;
	int		(*validate)(const struct berval *);	/* NULL = any */
	int		 binary;	/* not human readable (;binary, LDIF b64) */
};

const struct mrule	*mrule_find(const char *name_or_oid);
const struct syntax	*syntax_find(const char *oid);
void	mrule_each(void (*fn)(const struct mrule *, void *), void *);
void	syntax_each(void (*fn)(const struct syntax *, void *), void *);
/* compare two normalised values under rule (for ordering): <0, 0, >0 */
int	mrule_compare(const struct mrule *, const struct berval *,
	    const struct berval *);
/* fold whitespace and ASCII case (caseIgnore substring pieces) */
int	mr_norm_case_ignore(struct arena *, const struct berval *,
	    struct berval *);
int	mr_norm_case_exact(struct arena *, const struct berval *,
	    struct berval *);

/* --------------------------------------------------------------- schema.c */

enum at_usage { AT_USER = 0, AT_DIRECTORY_OP, AT_DISTRIBUTED_OP, AT_DSA_OP };

struct attrtype {
	LDAPAttributeType	*def;
	const char		*name;		/* first NAME, or OID */
	const char		*oid;
	struct attrtype		*sup;
	const struct mrule	*eq, *ord, *sub;
	const struct syntax	*syn;
	int			 single;
	int			 nousermod;
	enum at_usage		 usage;
	int			 collective;
	/* storage properties from the configuration */
	int			 idx_eq;
	int			 idx_sub;
	int			 multival;
	MDB_dbi			 dbi_eq, dbi_sub, dbi_mv;
	unsigned		 num;		/* index in schema->at */
	char			*def_str;	/* definition as published */
};

enum oc_kind { OC_ABSTRACT = 0, OC_STRUCTURAL, OC_AUXILIARY };

struct objclass {
	LDAPObjectClass		*def;
	const char		*name;
	const char		*oid;
	enum oc_kind		 kind;
	struct objclass		**sup;		/* NULL-terminated */
	struct attrtype		**must;		/* NULL-terminated, own only */
	struct attrtype		**may;
	char			*def_str;
};

struct schema {
	struct attrtype		**at;
	size_t			  nat;
	struct objclass		**oc;
	size_t			  noc;
	struct schema_hash	 *h_at;	/* lower-case names and OIDs */
	struct schema_hash	 *h_oc;
	/* well-known types used by the server */
	struct attrtype	*a_objectclass, *a_uid, *a_userpassword, *a_entryuuid,
			*a_createtimestamp, *a_modifytimestamp, *a_creatorsname,
			*a_modifiersname, *a_hassubordinates,
			*a_subschemasubentry, *a_structuraloc, *a_entrydn,
			*a_memberof, *a_cn;
	struct objclass	*o_top, *o_extensible, *o_alias, *o_subschema;
};

/* Load every *.schema file of dir (in a fixed order: core, cosine,
 * inetorgperson, nis, then the rest alphabetically).  Returns NULL with
 * a message in err. */
struct schema	*schema_load(const char *dir, char *err, size_t errlen);
void		 schema_free(struct schema *);
/* parse one schema file's text into s (exposed for the fuzzer) */
int		 schema_parse_text(struct schema *, const char *text, size_t len,
		    const char *fname, char *err, size_t errlen);
int		 schema_finish(struct schema *, char *err, size_t errlen);
struct schema	*schema_new(void);
struct attrtype	*schema_at(const struct schema *, const char *name, size_t len);
struct objclass	*schema_oc(const struct schema *, const char *name, size_t len);
/* is a the same type as, or a subtype of, b? */
int		 at_is_a(const struct attrtype *a, const struct attrtype *b);
int		 oc_is_a(const struct objclass *a, const struct objclass *b);
const struct mrule *at_eq(const struct attrtype *);	/* inherited */
const struct mrule *at_ord(const struct attrtype *);
const struct mrule *at_sub(const struct attrtype *);
const struct syntax *at_syntax(const struct attrtype *);

/* ------------------------------------------------------------------- dn.c */

/*
 * A normalised DN is the LDAPv3 string form with attribute types as
 * lower-case canonical names, values normalised by the type's equality
 * rule, and multi-valued RDNs sorted.  dn_normalize writes both the
 * pretty (user-supplied, re-encoded) and normalised forms to the arena.
 * Returns an LDAP result code (LDAP_SUCCESS or LDAP_INVALID_DN_SYNTAX).
 */
int	dn_normalize(const struct schema *, struct arena *,
	    const struct berval *in, struct berval *pretty, struct berval *ndn);
/* parent of a normalised or pretty DN (pointer into dn); empty for a root */
void	dn_parent(const struct berval *dn, struct berval *parent);
/* number of RDNs */
size_t	dn_count(const struct berval *dn);
/* first RDN of dn (pointer into dn) */
void	dn_rdn(const struct berval *dn, struct berval *rdn);
/* is ndn equal to or below base (both normalised)? */
int	dn_is_suffix(const struct berval *ndn, const struct berval *base);
/* the dn2id key: RDNs in reverse order separated by NUL bytes, written
 * to out (ndn->bv_len bytes); normalised DNs longer than DN_KEY_MAX
 * cannot be stored (LMDB's key size limit) */
#define DN_KEY_MAX	511
void	dn_key(const struct berval *ndn, char *out);
/* RDN AVAs of a DN (attribute type and value), for naming checks */
struct rdn_ava {
	struct attrtype	*at;
	struct berval	 val;	/* raw value */
};
int	dn_rdn_avas(const struct schema *, struct arena *,
	    const struct berval *dn, struct rdn_ava **avas, size_t *n);

/* ---------------------------------------------------------------- entry.c */

struct attr {
	struct attrtype	*at;
	struct berval	 desc;		/* type name with options as stored */
	struct berval	*vals;
	struct berval	*nvals;		/* normalised (== vals where equal) */
	size_t		 nv;
	size_t		 cap;
	int		 external;	/* multival: values in dbi_mv, not loaded */
	size_t		 ext_count;
};

struct entry {
	uint64_t	 id;
	struct berval	 dn;
	struct berval	 ndn;
	struct attr	*attrs;
	size_t		 na;
	size_t		 cap;
};

struct attr	*entry_find(const struct entry *, const struct attrtype *);
/* has e the object class whose lower-case name is lname? */
int		 entry_has_class(const struct schema *, const struct entry *,
		    const char *lname);
/* by description (type and options must match exactly) */
struct attr	*entry_find_desc(const struct entry *, const struct attrtype *,
		    const struct berval *desc);
struct attr	*entry_add_attr(struct arena *, struct entry *,
		    struct attrtype *, const struct berval *desc);
/* add value (copied to the arena) with its normalised form; 1 if it was
 * already there (same normalised value), 0 if added */
int		 attr_add_value(struct arena *, struct attr *,
		    const struct berval *v, const struct berval *nv);
int		 attr_find_value(const struct attr *, const struct berval *nv);
void		 attr_append_value(struct arena *, struct attr *,
		    const struct berval *v, const struct berval *nv);
int		 attr_find_duplicate(const struct attr *);
void		 attr_del_index(struct attr *, size_t i);
void		 entry_del_attr(struct entry *, struct attr *);
/* normalise v for storage in an attribute of type at */
int		 value_normalize(struct arena *, const struct attrtype *,
		    const struct berval *v, struct berval *nv);
/* serialise / deserialise (decoded values point into data) */
void		 entry_encode(const struct entry *, struct buf *);
int		 entry_decode(struct arena *, const struct schema *,
		    const void *data, size_t len, struct entry *);
struct entry	*entry_dup(struct arena *, const struct entry *);

struct idl;

/* ---------------------------------------------------------------- store.c */

struct store {
	MDB_env		*env;
	MDB_dbi		 id2entry;	/* u64 id -> encoded entry */
	MDB_dbi		 dn2id;		/* dn key -> u64 id */
	MDB_dbi		 children;	/* u64 parent id -> dup u64 child ids */
	MDB_dbi		 meta;		/* misc: "version", index state */
	const struct schema *schema;
	const struct config *cfg;
};

int	store_open(struct store *, const struct config *, const struct schema *,
	    int readonly, char *err, size_t errlen);
void	store_close(struct store *);
void	store_set_bulk(struct store *, int on);
int	store_sync(struct store *);
/* look an entry up by normalised DN; MDB_NOTFOUND if absent */
int	store_dn2id(struct store *, MDB_txn *, const struct berval *ndn,
	    uint64_t *id);
int	store_get(struct store *, MDB_txn *, struct arena *, uint64_t id,
	    struct entry *);
int	store_get_dn(struct store *, MDB_txn *, struct arena *,
	    const struct berval *ndn, struct entry *);
/* the same, copied to the arena (for write paths: see store.c) */
int	store_get_copy(struct store *, MDB_txn *, struct arena *, uint64_t id,
	    struct entry *);
int	store_get_dn_copy(struct store *, MDB_txn *, struct arena *,
	    const struct berval *ndn, struct entry *);
/* load every value of an external (multival) attribute into the arena */
int	store_load_external(struct store *, MDB_txn *, struct arena *,
	    const struct entry *, struct attr *);
/* does entry id have a value of the multival type with normalised nv? */
int	store_mv_has(struct store *, MDB_txn *, uint64_t id,
	    const struct attrtype *, const struct berval *nv);
int	store_has_children(struct store *, MDB_txn *, uint64_t id);
/*
 * Writes.  e has its id set by store_add.  old/new entries are complete
 * (external attributes loaded where they changed: the store diffs the
 * index keys of old and new).
 */
int	store_add(struct store *, MDB_txn *, struct entry *, uint64_t parent);
int	store_modify(struct store *, MDB_txn *, struct arena *,
	    const struct entry *old, const struct entry *new);
int	store_delete(struct store *, MDB_txn *, struct arena *,
	    const struct entry *, uint64_t parent);
/* rename: new has the new DN; children DNs are rewritten by the caller */
int	store_rename(struct store *, MDB_txn *, struct arena *,
	    const struct entry *old, const struct entry *new,
	    uint64_t oldparent, uint64_t newparent);
/* multival changes without rewriting the entry: add/remove one value */
int	store_mv_add(struct store *, MDB_txn *, struct arena *, uint64_t id,
	    const struct attrtype *, const struct berval *v,
	    const struct berval *nv);
int	store_mv_del(struct store *, MDB_txn *, struct arena *, uint64_t id,
	    const struct attrtype *, const struct berval *nv);
const char *store_strerror(int);
/* a read transaction for this thread (renewed, not re-created) */
int	store_read_begin(struct store *, MDB_txn **);
void	store_read_end(MDB_txn *);
void	store_read_thread_end(void);
int	store_mv_clear(struct store *, MDB_txn *, struct arena *,
	    const struct entry *, struct attr *);
/* ids of every entry in the subtree of ndn (base included), sorted */
int	store_subtree(struct store *, MDB_txn *, const struct berval *ndn,
	    struct idl *);
int	store_children(struct store *, MDB_txn *, uint64_t id, struct idl *);
/* write e as it is (no index changes): DN rewrites of a moved subtree */
int	store_put_dn(struct store *, MDB_txn *, const struct entry *old,
	    const struct entry *new);

/* ----------------------------------------------------------------- idl.c */

/* sorted unique array of entry ids; all == 1 means "every entry" */
struct idl {
	uint64_t	*ids;
	size_t		 n;
	size_t		 cap;
	int		 all;
};
void	idl_add(struct idl *, uint64_t);	/* append, caller keeps order */
void	idl_sort(struct idl *);			/* sort + dedupe */
void	idl_intersect(struct idl *a, const struct idl *b);	/* a &= b */
void	idl_union(struct idl *a, const struct idl *b);		/* a |= b */
void	idl_free(struct idl *);
size_t	idl_lower_bound(const struct idl *, uint64_t id);

/* --------------------------------------------------------------- index.c */

/* add (add = 1) or remove the index keys of values of attribute a */
int	index_values(struct store *, MDB_txn *, struct arena *, uint64_t id,
	    const struct attrtype *, const struct berval *nvals, size_t n,
	    int add);
int	index_presence(MDB_txn *, const struct attrtype *, uint64_t id, int add);
int	index_entry(struct store *, MDB_txn *, struct arena *,
	    const struct entry *, int add);
/* ids with a value equal to nv / present / matching substrings; -1 when the
 * attribute has no such index */
int	index_eq(struct store *, MDB_txn *, const struct attrtype *,
	    const struct berval *nv, struct idl *);
int	index_present(struct store *, MDB_txn *, const struct attrtype *,
	    struct idl *);
struct filter;
int	index_substr(struct store *, MDB_txn *, struct arena *,
	    const struct filter *, struct idl *);
/* build missing indexes at start-up; returns 0 or an LMDB error */
int	index_rebuild(struct store *, int force);

/* -------------------------------------------------------------- filter.c */

enum filter_type {
	F_AND, F_OR, F_NOT, F_EQ, F_SUB, F_GE, F_LE, F_PRESENT, F_APPROX,
	F_EXT, F_TRUE, F_FALSE, F_UNDEFINED
};
enum { FR_FALSE = 0, FR_TRUE = 1, FR_UNDEF = 2 };

struct filter {
	enum filter_type	 type;
	struct attrtype		*at;		/* NULL for undefined types */
	struct berval		 desc;		/* as sent */
	struct berval		 value;		/* assertion (normalised) */
	struct berval		 raw;		/* assertion as sent */
	/* substrings, normalised */
	struct berval		 initial, final;
	struct berval		*any;
	size_t			 nany;
	/* extensible */
	const struct mrule	*rule;
	int			 dnattrs;
	/* children of AND/OR/NOT */
	struct filter		*child;
	struct filter		*next;
};

/* decode an RFC 4511 Filter from ber; returns an LDAP result code */
int	filter_decode(const struct schema *, struct arena *, BerElement *,
	    struct filter **);
/* parse a string filter (RFC 4515), e.g. for tests and the CLI */
int	filter_from_string(const struct schema *, struct arena *,
	    const char *str, struct filter **);
int	filter_match(struct store *, MDB_txn *, struct arena *,
	    const struct filter *, const struct entry *);
void	filter_to_string(const struct filter *, struct buf *);
struct op;
/* as filter_match, with attributes op's requester may not read Undefined */
int	filter_match_acl(struct op *, MDB_txn *, struct arena *,
	    const struct filter *, const struct entry *);

/* ---------------------------------------------------------------- server */

struct conn;
struct op;

struct server {
	struct config	*cfg;
	struct schema	*schema;
	struct store	 store;
	struct berval	 suffix, nsuffix;
	struct berval	 rootdn, nrootdn;
	char		 rootdn_buf[1024];
	int		 epfd;
	volatile int	 stopping;
	int		 nworkers;
	pthread_t	*workers;
	pthread_t	 writer;
	/* writer queue */
	pthread_mutex_t	 wq_mu;
	pthread_cond_t	 wq_cv;
	struct op	*wq_head, *wq_tail;
	/* connections awaiting another go at their input */
	pthread_mutex_t	 rq_mu;
	struct conn	*rq_head;
	int		 rq_efd;
	/* accounting */
	pthread_mutex_t	 conn_mu;
	int		 nconns;
	uint64_t	 next_connid;
	struct conn	*conns;		/* list for idle sweeping */
	struct arena	 dse_arena;
	struct entry	*rootdse;
	struct entry	*subschema;
	struct arena	 schema_arena;
};

extern struct server *srv;

/* proto.c: the operation being answered */
struct control {
	const char	*oid;
	int		 critical;
	struct berval	 value;
};

struct op {
	struct conn	*conn;
	ber_int_t	 msgid;
	ber_tag_t	 tag;		/* request tag */
	BerElement	*ber;		/* request, positioned after the op tag */
	struct berval	 pdu;		/* owned copy for queued (write) ops */
	struct arena	 arena;
	struct control	*ctrls;
	size_t		 nctrls;
	int		 ppolicy_ctrl;	/* password policy control requested */
	int		 manage_dsait;
	struct control	*paged;		/* paged results request */
	struct op	*next;
	uint64_t	 start_ms;
	/* identity at the time the op was decoded */
	struct berval	 binddn, bindndn;
	int		 isroot;
	MDB_txn		*txn;		/* the write transaction (writer) */
	int		 import;	/* offline import: keep operational attrs */
	int		 restricted;	/* bound, but must change the password */
	struct berval	 target;	/* target DN, for the audit log */
	const char	*audit_op;	/* a finer operation name */
	int		 audit_write;	/* an extended op that writes */
	/* access control memos for this operation */
	int		 acl_host;	/* -1 unknown */
	uint64_t	 acl_orgadmin_id;
	int		 acl_orgadmin;
	struct note	*notes;		/* messages to send after commit */
};

/* extra fields of a result: SASL credentials, extended response, controls */
struct result_extra {
	struct berval	*sasl_creds;
	const char	*ext_oid;
	struct berval	*ext_value;
	struct control	*ctrls;
	size_t		 nctrls;
};
void	op_send_result(struct op *, const struct result_extra *, int code,
	    const char *matched, const char *text);
int	op_respond(struct op *, int code, const char *text);
int	op_respond_matched(struct op *, int code, const char *matched,
	    const char *text);
void	op_free(struct op *);
int	op_decode_controls(struct op *, BerElement *);
int	op_is_write(ber_tag_t);

/* handlers: return LDAP result code after responding, or OP_ASYNC when
 * the op has been queued or suspended and will respond later */
#define OP_ASYNC	(-2)
int	ldap_bind(struct op *);
int	ldap_search(struct op *);
int	ldap_compare(struct op *);
int	ldap_add(struct op *, MDB_txn *);
/* checks and store of a new entry (add and import) */
int	add_entry(struct op *, MDB_txn *, struct entry *, const char **text,
	    const char **matched);
int	ldap_modify(struct op *, MDB_txn *);
int	ldap_delete(struct op *, MDB_txn *);
int	ldap_modrdn(struct op *, MDB_txn *);
int	ldap_extended(struct op *);
int	ldap_extended_write(struct op *, MDB_txn *);
int	extended_is_write(struct op *);

/* search.c */
const char *matched_dn(struct op *, MDB_txn *, const struct berval *ndn);

/* rootdse.c */
void	rootdse_build(struct server *);
int	rootdse_is(const struct berval *ndn);
int	subschema_is(const struct berval *ndn);

/* conn.c */
void	conn_send(struct conn *, const void *, size_t);
int	conn_is_ldapi(const struct conn *);
uid_t	conn_peer_uid(const struct conn *);
gid_t	conn_peer_gid(const struct conn *);
const char *conn_peer(const struct conn *);
const char *conn_addr(const struct conn *);
uint64_t conn_id(const struct conn *);
void	conn_set_bind(struct conn *, const struct berval *dn,
	    const struct berval *ndn, int isroot);
void	conn_set_restricted(struct conn *, int);

/* ppolicy.c: draft-behera error codes */
enum {
	PP_OK = -1, PP_EXPIRED = 0, PP_LOCKED = 1, PP_CHANGE_AFTER_RESET = 2,
	PP_MOD_NOT_ALLOWED = 3, PP_MUST_SUPPLY_OLD = 4, PP_QUALITY = 5,
	PP_TOO_SHORT = 6, PP_TOO_YOUNG = 7, PP_IN_HISTORY = 8
};
struct ppstate {
	int		locked;
	int		lock_expired;
	int		expired;
	int		must_change;
	size_t		failures;
	long long	expire_in;	/* seconds, -1 = never */
};
int	ppolicy_quality(const struct berval *pw, const struct berval *uid,
	    const char **text);
int	ppolicy_in_history(const struct entry *, const struct berval *pw);
void	ppolicy_password_changed(struct arena *, const struct entry *old,
	    struct entry *new, int by_admin);
void	ppolicy_state(const struct entry *, struct ppstate *);
void	ppolicy_bind_failed(struct arena *, struct entry *);
void	ppolicy_bind_succeeded(struct arena *, struct entry *);
void	ppolicy_control(struct op *, struct result_extra *, int err,
	    long long warn_secs);

/* ratelimit.c */
enum { RL_BIND = 1, RL_APPLY, RL_RESET, RL_RECOVER, RL_APPEAL };
int	ratelimit_allow(int kind, const char *addr, double rate, double burst,
	    int take);
void	ratelimit_take(int kind, const char *addr, double rate, double burst);

/* anon.c: UnifiedID's anonymous extended operations */
int	anon_is(const struct berval *oid);
int	anon_run(struct op *, MDB_txn *, const struct berval *oid,
	    const struct berval *value);
void	anon_rootdse(void (*add)(const char *, void *), void *);

/* notify.c */
struct note;
void	notify_queue(struct op *, const char *kind, const struct berval *to,
	    const struct berval *dn, const char *text);
void	notify_flush(struct op *);
void	notify_reap(void);
void	notify_json(struct buf *, const char *key, const char *s);

/* verifier.c: automatic real-name verification (R7, R12).  A write asks
 * for it with verifier_queue in its own transaction; after the commit a
 * thread runs realname.verifier and applies the answer in a transaction
 * of its own, so the writer never waits for the command. */
int	verifier_configured(void);
int	verifier_queue(MDB_txn *, const struct berval *ndn);
void	verifier_wake(void);
void	verifier_start(void);
void	verifier_stop(void);

/* workflow.c */
int	workflow_person_modify(struct op *, const struct entry *old,
	    struct entry *e, const char **text);
int	workflow_person_after(struct op *, MDB_txn *, const struct entry *old,
	    const struct entry *e);
int	workflow_post_add(struct op *, MDB_txn *, struct entry *,
	    const char **text);
int	workflow_legacy(struct op *, MDB_txn *, const struct entry *old,
	    const struct entry *, const char **text);
int	workflow_validate(struct op *, const struct entry *old,
	    const struct entry *e, const char **text);
int	workflow_enterprise(struct op *, MDB_txn *, const struct entry *old,
	    struct entry *e, const char **text);
void	workflow_set_value(struct op *, struct entry *, const char *name,
	    const char *val);
struct entry *workflow_new_password(struct op *, const struct entry *,
	    const struct berval *pw, int by_admin);
/* a scan for a manual review or an appeal: JPEG or PNG, at most 1 MB */
int	workflow_scan_ok(const struct berval *);
int	workflow_post_modify(struct op *, MDB_txn *, const struct entry *old,
	    struct entry *e, const char **text);
int	workflow_post_after(struct op *, MDB_txn *, const struct entry *old,
	    const struct entry *e);
int	workflow_post_delete(struct op *, MDB_txn *, const struct entry *,
	    const char **text);
/* acl.c: is the requester an administrator of the post's organisation? */
int	workflow_is_org_admin(struct op *, MDB_txn *, const struct entry *);

/* derive.c */
int	derive_fill(struct op *, MDB_txn *, struct entry *, const char **text);
int	derive_person(struct op *, MDB_txn *, const struct berval *pndn);
int	derive_after_write(struct op *, MDB_txn *, const struct entry *);
int	derive_person_moved(struct op *, MDB_txn *, const struct entry *old,
	    const struct entry *new);
int	derive_role(struct op *, MDB_txn *, const struct berval *rndn);

/* acl.c */
enum { ACL_NONE = 0, ACL_READ = 1, ACL_WRITE = 2 };
int	acl_init(char *err, size_t errlen);
void	acl_free(void);
int	acl_access(struct op *, MDB_txn *, const struct entry *,
	    const struct attrtype *);
int	acl_can(struct op *, MDB_txn *, const struct entry *,
	    const struct attrtype *, int want);

/* audit.c */
int	audit_open(const char *path, char *err, size_t errlen);
void	audit_close(void);
void	audit_result(const struct op *, int code);

/* tls.c */
int	tls_init(const struct config *, char *err, size_t errlen);
void	tls_shutdown(void);
int	tls_configured(void);
char	*tls_peer_subject(struct conn *);
char	*tls_peer_cn(struct conn *);
/* conn.c: StartTLS bookkeeping */
int	conn_is_tls(const struct conn *);
int	conn_request_starttls(struct conn *);

/* server.c */
int	server_run(struct config *, struct schema *);
/* normalise suffix and rootdn into s */
int	server_init_names(struct server *, char *err, size_t errlen);
void	server_queue_write(struct op *);

/* write.c: shared helpers of add/modify/modrdn/delete/import */
int	write_values(struct arena *, struct attr *, const struct berval *vals,
	    size_t n, int user, struct berval *clear, const char **text);
int	write_password_policy(struct op *, const struct entry *old,
	    struct entry *e, struct berval *clear, int *pperr,
	    const char **text);
int	write_check_entry(struct arena *, const struct schema *, struct entry *,
	    const char **text);
int	write_check_rdn(struct arena *, const struct schema *,
	    const struct entry *, const char **text);
void	write_stamp(struct op *, struct entry *, int create);
/* commits txn (or not, if rc != 0: the caller aborts) and answers */
int	write_finish(struct op *, MDB_txn *, int rc);
const struct schema *srv_schema(void);

/* ldif.c */
int	ldif_import(struct config *, struct schema *, const char *file);
int	ldif_export(struct config *, struct schema *);

#endif
