/*
 * cli.h - private interfaces of the unifiedid command-line client
 * (contract section 6), grouped by file.
 *
 * Every command is an entry of the dispatch table in main.c: it gets its
 * parsed arguments, talks LDAP through conn.c and dir.c, prints through
 * output.c, and returns an exit status: CLI_OK, CLI_ERR (the server or the
 * data said no: the reason is on stderr) or CLI_USAGE (bad command line).
 */
#ifndef UNIFIEDID_CLI_H
#define UNIFIEDID_CLI_H

#include <stdarg.h>
#include <stddef.h>
#include <ldap.h>
#include <libintl.h>

#define _(s)		gettext(s)
#define N_(s)		(s)
/* a message with a context, for words that translate differently by use;
 * xgettext --keyword=C_:1c,2 */
#define C_(ctx, s)	out_pgettext(ctx "\004" s, s)
/* the same, for tables: xgettext --keyword=NC_:1c,2 */
#define NC_(ctx, s)	ctx "\004" s

enum { CLI_OK = 0, CLI_ERR = 1, CLI_USAGE = 2 };

/* OIDs under the project's arc (contract section 4) */
#define UNIFIEDID_ARC	"2.25.78097645300808997913674460929957841451"

struct strlist {
	char	**v;
	size_t	  n;
};

/*
 * The one global state of the program: the options that say where and as
 * whom to connect, and the connection once it is open.  Strings come from
 * argv or the environment unless marked owned.
 */
struct cli {
	const char	*uri;		/* -H, else UNIFIEDID_URI, else default */
	const char	*binddn;	/* -D */
	char		*bindpw;	/* -w, -y or -W (owned, wiped at exit) */
	const char	*pwfile;	/* -y */
	int		 pwprompt;	/* -W */
	const char	*mech;		/* -Y: only EXTERNAL */
	int		 starttls;	/* -Z */
	const char	*base_opt;	/* -b, else UNIFIEDID_BASE */
	int		 json;		/* --json */
	int		 help;		/* --help seen */
	int		 version;	/* --version seen */
	const char	*cmdname;	/* "user add": for messages and hints */

	LDAP		*ld;		/* open and bound connection */
	char		*base;		/* suffix in use (owned) */
	char		*people;	/* ou=people,<base> (owned) */
	char		*orgs;		/* ou=orgs,<base> (owned) */
	char		*self;		/* bound DN, "" when anonymous (owned) */
	char		*binddn_buf;	/* -D ACCOUNT made a DN (owned) */
	struct strlist	 exts;		/* root DSE supportedExtension */
	struct strlist	 contexts;	/* root DSE namingContexts */
	int		 dse_read;
};
extern struct cli cli;

/* main.c: the dispatch table */
struct optdef {
	const char	*name;		/* long name without "--" */
	int		 arg;		/* takes a value */
	int		 multi;		/* may be repeated */
	int		 secret;	/* a password: hidden from ps */
	const char	*metavar;	/* N_("CODE") */
	const char	*help;		/* N_("...") */
};

struct args;
struct cmd {
	const char		*group;		/* "user", "search" */
	const char		*name;		/* "add", NULL for one-word */
	const char		*synopsis;	/* positional part, N_() */
	const char		*summary;	/* one line, N_() */
	int			 min_pos;
	int			 max_pos;
	const struct optdef	*opts;		/* NULL-name terminated, or NULL */
	int			(*run)(struct args *);
	int			 nobind;	/* needs no bind (root DSE only) */
};

/* args.c: command line */
#define ARGS_MAX_OPTS	24
struct args {
	const struct cmd	*cmd;
	char			**pos;		/* positional arguments */
	size_t			 npos;
	struct strlist		 val[ARGS_MAX_OPTS];	/* per optdef */
};
int	 args_global(int argc, char **argv, int *next);
int	 args_parse(const struct cmd *, int argc, char **argv, int start,
	    struct args *);
const char *args_get(const struct args *, const char *name);
const struct strlist *args_list(const struct args *, const char *name);
const char *args_pos(const struct args *, size_t i);
void	 args_free(struct args *);

/* conn.c: global options, connection, bind, root DSE */
int	 conn_opt_kind(int c);
int	 conn_opt_set(int c, char *arg);
int	 conn_env(void);
int	 conn_open(int bind);
void	 conn_close(void);
int	 conn_fail(const char *what, int rc);
int	 conn_root_dse(void);
int	 conn_has_ext(const char *oid);
const char *conn_self(void);
char	*conn_self_account(void);
char	*conn_prompt_secret(const char *prompt);
char	*conn_read_secret_file(const char *path);
void	 conn_wipe(char *secret);
/* a new secret from file, or typed twice */
char	*conn_new_secret(const char *file, const char *prompt,
	    const char *again);

/* output.c: messages, tables, JSON */
void	 out_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 out_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int	 out_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 out_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *out_pgettext(const char *ctx_msgid, const char *msgid)
	    __attribute__((format_arg(2)));
size_t	 out_width(const char *utf8);
void	 out_pad(const char *s, size_t width);
void	 out_field(const char *label, const char *value);
int	 out_utf8_valid(const char *s, size_t len);
char	*out_time(const char *generalized);
const char *out_value(const char *attr, const char *value);

struct table;
struct table *table_new(size_t ncols, const char *const *keys,
	    const char *const *heads) __attribute__((warn_unused_result));
void	 table_row(struct table *);
void	 table_cell(struct table *, const char *value);
void	 table_cell_list(struct table *, const struct strlist *);
void	 table_set_list(struct table *, size_t col);
size_t	 table_rows(const struct table *);
void	 table_print(const struct table *);
void	 table_json(const struct table *);
void	 table_free(struct table *);
/* JSON, the table, or the line empty when it has no rows; then frees it */
void	 table_done(struct table *, const char *empty);

void	 json_obj(void);
void	 json_end_obj(void);
void	 json_arr(void);
void	 json_end_arr(void);
void	 json_key(const char *);
void	 json_str(const char *);
void	 json_strn(const char *, size_t);
void	 json_int(long long);
void	 json_bool(int);
void	 json_null(void);
void	 json_kv(const char *key, const char *value);
void	 json_kv_list(const char *key, const struct strlist *);
void	 json_done(void);

/* strlist.c */
void	 strlist_add(struct strlist *, const char *);
void	 strlist_addn(struct strlist *, const char *, size_t);
void	 strlist_free(struct strlist *);
char	*strlist_join(const struct strlist *, const char *sep);

/* dir.c: the directory as the commands see it */
struct dattr {
	char		*name;
	struct berval	*vals;		/* NUL-terminated copies */
	size_t		 n;
};
struct dentry {
	char		*dn;
	struct dattr	*attrs;
	size_t		 nattrs;
};
struct dlist {
	struct dentry	*v;
	size_t		 n;
};
struct org {
	char		*dn;
	char		*ndn;		/* normalised, for comparisons */
	char		*name;		/* ou */
	char		*code;		/* orgCode */
	char		*gid;
	char		*type;
	long		 order;
	size_t		 members;
	struct strlist	 admins;	/* orgAdmin DNs */
	struct org	*parent;
	struct org	**kids;
	size_t		 nkids;
};

char	*dir_dn_escape(const char *value);
char	*dir_filter_escape(const char *value);
char	*dir_ndn(const char *dn);
int	 dir_dn_equal(const char *a, const char *b);
int	 dir_dn_under(const char *dn, const char *ancestor);
char	*dir_dn_parent(const char *dn);
char	*dir_rdn_value(const char *dn, const char *type);
char	*dir_person_dn(const char *account);
char	*dir_account(const char *dn);
int	 dir_search(const char *base, int scope, const char *filter,
	    char **attrs, struct dlist *out);
int	 dir_read(const char *dn, char **attrs, struct dentry *out);
const char *dentry_get(const struct dentry *, const char *name);
const struct dattr *dentry_attr(const struct dentry *, const char *name);
void	 dentry_free(struct dentry *);
void	 dlist_free(struct dlist *);
int	 dir_orgs_load(int with_members);
struct org *dir_org_by_dn(const char *dn);
struct org *dir_org_by_code(const char *code);
int	 dir_org_find(const char *arg, struct org **out);
size_t	 dir_orgs(struct org ***all);
int	 dir_person(const char *account, char **attrs, struct dentry *out);
int	 dir_posts(const char *person_dn, struct dlist *out);
long	 dir_rank(const struct dentry *post);
/* modifications and new entries for ldap_add_ext_s/ldap_modify_ext_s */
struct mods {
	LDAPMod		**v;		/* NULL-terminated */
	size_t		  n;
};
void	 mods_add(struct mods *, int op, const char *type, const char *value);
void	 mods_addv(struct mods *, int op, const char *type,
	    const struct strlist *values);
void	 mods_free(struct mods *);
const char *dir_org_label(const char *postorg_dn, const char *code);

/* cmd_ext.c: UnifiedID's extended operations */
int	 ext_require(const char *oid, const char *oid2);
int	 ext_call(const char *oid, BerElement *req, struct berval **resp);

/* cmd_realname.c: the scans of an entry written as DIR/PREFIX-N.jpg|png;
 * how many, or -1 with the reason said */
int	 realname_save_scans(const struct dentry *, const char *dir,
	    const char *prefix);

/* cmd_post.c: a person's posts as a table or JSON array */
void	 post_table(const struct dlist *posts);
void	 post_json(const struct dlist *posts);

/* the commands (cmd_*.c) */
int	 cmd_search(struct args *);
int	 cmd_org_tree(struct args *);
int	 cmd_org_show(struct args *);
int	 cmd_org_admins(struct args *);
int	 cmd_org_add(struct args *);
int	 cmd_user_show(struct args *);
int	 cmd_user_add(struct args *);
int	 cmd_user_modify(struct args *);
int	 cmd_user_disable(struct args *);
int	 cmd_user_unlock(struct args *);
int	 cmd_passwd(struct args *);
int	 cmd_post_list(struct args *);
int	 cmd_post_transfer(struct args *);
int	 cmd_post_leave(struct args *);
int	 cmd_post_order(struct args *);
int	 cmd_transfer_list(struct args *);
int	 cmd_transfer_approve(struct args *);
int	 cmd_transfer_reject(struct args *);
int	 cmd_app_list(struct args *);
int	 cmd_app_approve(struct args *);
int	 cmd_app_reject(struct args *);
int	 cmd_realname_status(struct args *);
int	 cmd_apply(struct args *);
int	 cmd_forgot_password(struct args *);
int	 cmd_forgot_account(struct args *);
int	 cmd_forgot_appeal(struct args *);
int	 cmd_appeal_list(struct args *);
int	 cmd_appeal_show(struct args *);
int	 cmd_appeal_approve(struct args *);
int	 cmd_appeal_reject(struct args *);
int	 cmd_realname_review(struct args *);
int	 cmd_realname_verify(struct args *);
int	 cmd_enterprise_list(struct args *);
int	 cmd_enterprise_show(struct args *);
int	 cmd_enterprise_admins(struct args *);
int	 cmd_enterprise_handlers(struct args *);
int	 cmd_enterprise_license_admins(struct args *);
int	 cmd_migrate(struct args *);

#endif
