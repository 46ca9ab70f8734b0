/*
 * main.c - the unifiedid command-line client (contract section 6): the
 * messages' language, the dispatch table, help, and the run of one command.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/share/locale"
#endif

/* ---- options of the commands ---- */

static const struct optdef opts_org_add[] = {
	{ "parent", 1, 0, 0, "ORG", N_("parent organisation (code or DN); "
	    "without it, a top-level organisation") },
	{ "admin", 1, 1, 0, "ACCOUNT", N_("an administrator of the "
	    "organisation (repeatable)") },
	{ "type", 1, 0, 0, "TYPE", N_("organisation type") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

#define PERSON_OPTS \
	{ "surname", 1, 0, 0, "TEXT", N_("surname") }, \
	{ "given-name", 1, 0, 0, "TEXT", N_("given name") }, \
	{ "name", 1, 0, 0, "TEXT", N_("full name (default: surname and " \
	    "given name)") }, \
	{ "mobile", 1, 0, 0, "NUMBER", N_("mobile number") }, \
	{ "mail", 1, 0, 0, "ADDRESS", N_("e-mail address") }, \
	{ "work-phone", 1, 0, 0, "NUMBER", N_("work phone") }, \
	{ "short-number", 1, 0, 0, "NUMBER", N_("short number") }, \
	{ "office", 1, 0, 0, "TEXT", N_("office address") }, \
	{ "gender", 1, 0, 0, "male|female", N_("gender") }, \
	{ "id-type", 1, 0, 0, "TYPE", N_("ID document type (resident-id, " \
	    "hk-macao-permit, taiwan-permit, foreign-permanent-residence, " \
	    "passport, other)") }, \
	{ "id-number", 1, 0, 0, "NUMBER", N_("ID document number") }, \
	{ "title", 1, 0, 0, "TEXT", N_("job title") }

static const struct optdef opts_user_add[] = {
	PERSON_OPTS,
	{ "org", 1, 0, 0, "CODE", N_("organisation of the primary post") },
	{ "password", 1, 0, 1, "PASSWORD", N_("initial password (visible to "
	    "other local users: prefer --password-file)") },
	{ "password-file", 1, 0, 0, "FILE", N_("read the initial password "
	    "from FILE") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

static const struct optdef opts_user_modify[] = {
	PERSON_OPTS,
	{ "emergency-phone", 1, 0, 0, "NUMBER", N_("emergency phone") },
	{ "backup-mail", 1, 0, 0, "ADDRESS", N_("backup e-mail address") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

static const struct optdef opts_reason[] = {
	{ "reason", 1, 0, 0, "TEXT", N_("the reason, told to the person") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

static const struct optdef opts_passwd[] = {
	{ "old-file", 1, 0, 0, "FILE", N_("read the current password from "
	    "FILE") },
	{ "new-file", 1, 0, 0, "FILE", N_("read the new password from FILE") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

static const struct optdef opts_org_filter[] = {
	{ "org", 1, 0, 0, "CODE", N_("only this organisation and the ones "
	    "below it") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

static const struct optdef opts_post_transfer[] = {
	{ "from", 1, 0, 0, "ORG", N_("the post to move from (default: keep "
	    "all posts, i.e. a concurrent post)") },
	{ "title", 1, 0, 0, "TEXT", N_("job title in the new organisation") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

static const struct optdef opts_apply[] = {
	{ "surname", 1, 0, 0, "TEXT", N_("surname (required)") },
	{ "given-name", 1, 0, 0, "TEXT", N_("given name (required)") },
	{ "gender", 1, 0, 0, "male|female", N_("gender (required)") },
	{ "mobile", 1, 0, 0, "NUMBER", N_("mobile number (required)") },
	{ "id-number", 1, 0, 0, "NUMBER", N_("ID document number (required)") },
	{ "org", 1, 0, 0, "CODE", N_("code of your organisation (required)") },
	{ "id-type", 1, 0, 0, "TYPE", N_("ID document type (default: "
	    "resident-id)") },
	{ "work-phone", 1, 0, 0, "NUMBER", N_("work phone") },
	{ "short-number", 1, 0, 0, "NUMBER", N_("short number") },
	{ "emergency-phone", 1, 0, 0, "NUMBER", N_("emergency phone") },
	{ "backup-mail", 1, 0, 0, "ADDRESS", N_("backup e-mail address") },
	{ "office", 1, 0, 0, "TEXT", N_("office address") },
	{ "mail", 1, 0, 0, "ADDRESS", N_("e-mail address") },
	{ "password-file", 1, 0, 0, "FILE", N_("read the password from FILE "
	    "(default: ask twice)") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

static const struct optdef opts_forgot[] = {
	{ "code", 1, 0, 0, "CODE", N_("the verification code you received: "
	    "set the new password") },
	{ "new-file", 1, 0, 0, "FILE", N_("read the new password from FILE") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

static const struct optdef opts_migrate[] = {
	{ "csv", 0, 0, 0, NULL, N_("the file is CSV with a header row "
	    "(default for *.csv)") },
	{ "ldif", 0, 0, 0, NULL, N_("the file is LDIF (default for "
	    "*.ldif)") },
	{ "dry-run", 0, 0, 0, NULL, N_("check and report, change nothing") },
	{ "strict", 0, 0, 0, NULL, N_("import nothing when a record is bad") },
	{ "org", 1, 0, 0, "ORG", N_("organisation (code or DN) of the post "
	    "of records that name none") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

static const struct optdef opts_review[] = {
	{ "pass", 1, 0, 0, "LEVEL", N_("pass the review with this level "
	    "(basic, intermediate, advanced)") },
	{ "fail", 1, 0, 0, "REASON", N_("fail the review, telling the person "
	    "why") },
	{ "save-scans", 1, 0, 0, "DIR", N_("write the person's scans to DIR") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

static const struct optdef opts_appeal[] = {
	{ "scan", 1, 1, 0, "FILE", N_("a scan of your ID document, JPEG or "
	    "PNG, at most 1 MB (one to four times)") },
	{ "id-type", 1, 0, 0, "TYPE", N_("ID document type (default: "
	    "resident-id)") },
	{ "note", 1, 0, 0, "TEXT", N_("a note for the administrator") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

static const struct optdef opts_appeal_list[] = {
	{ "all", 0, 0, 0, NULL, N_("decided appeals too") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

static const struct optdef opts_save_scans[] = {
	{ "save-scans", 1, 0, 0, "DIR", N_("write the appeal's scans to DIR") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

static const struct optdef opts_members[] = {
	{ "add", 1, 1, 0, "ACCOUNT", N_("add this person (repeatable)") },
	{ "remove", 1, 1, 0, "ACCOUNT", N_("remove this person "
	    "(repeatable)") },
	{ NULL, 0, 0, 0, NULL, NULL }
};

/* ---- the dispatch table ---- */

static const struct cmd cmds[] = {
	{ "search", NULL, "TEXT", N_("address book: people by name, account "
	    "or mobile number"), 1, 1, NULL, cmd_search, 0 },
	{ "org", "tree", "[ORG]", N_("draw the organisation tree"), 0, 1,
	    NULL, cmd_org_tree, 0 },
	{ "org", "show", "ORG", N_("an organisation: name, code, group, "
	    "administrators, members"), 1, 1, NULL, cmd_org_show, 0 },
	{ "org", "admins", "ORG", N_("the administrators of an organisation "
	    "and of those above it"), 1, 1, NULL, cmd_org_admins, 0 },
	{ "org", "add", "CODE NAME", N_("add an organisation"), 2, 2,
	    opts_org_add, cmd_org_add, 0 },
	{ "user", "show", "[ACCOUNT]", N_("a person with their posts "
	    "(default: yourself)"), 0, 1, NULL, cmd_user_show, 0 },
	{ "user", "add", "ACCOUNT", N_("add a person (--surname, "
	    "--given-name and --mobile are required)"), 1, 1, opts_user_add,
	    cmd_user_add, 0 },
	{ "user", "modify", "ACCOUNT", N_("change a person's fields (an empty "
	    "value removes the field)"), 1, 1, opts_user_modify,
	    cmd_user_modify, 0 },
	{ "user", "disable", "ACCOUNT", N_("disable an account"), 1, 1,
	    opts_reason, cmd_user_disable, 0 },
	{ "user", "unlock", "ACCOUNT", N_("lift the lock of an account after "
	    "failed logins or an administrator's lock"), 1, 1, NULL,
	    cmd_user_unlock, 0 },
	{ "passwd", NULL, "[ACCOUNT]", N_("change your password, or reset "
	    "the password of ACCOUNT (administrators)"), 0, 1, opts_passwd,
	    cmd_passwd, 0 },
	{ "post", "list", "[ACCOUNT]", N_("posts in rank order, primary "
	    "first (default: yours)"), 0, 1, NULL, cmd_post_list, 0 },
	{ "post", "transfer", "ORG", N_("ask for a post in another "
	    "organisation (a transfer with --from)"), 1, 1,
	    opts_post_transfer, cmd_post_transfer, 0 },
	{ "post", "leave", "ORG", N_("ask to leave a concurrent post"), 1, 1,
	    NULL, cmd_post_leave, 0 },
	{ "post", "order", "ORG...", N_("reorder your posts: the first is "
	    "the primary organisation"), 1, -1, NULL, cmd_post_order, 0 },
	{ "transfer", "list", "", N_("transfer and leave requests awaiting "
	    "approval"), 0, 0, opts_org_filter, cmd_transfer_list, 0 },
	{ "transfer", "approve", "ACCOUNT ORG", N_("approve a transfer or "
	    "leave request"), 2, 2, NULL, cmd_transfer_approve, 0 },
	{ "transfer", "reject", "ACCOUNT ORG", N_("reject a transfer or leave "
	    "request"), 2, 2, NULL, cmd_transfer_reject, 0 },
	{ "application", "list", "", N_("account applications awaiting "
	    "approval"), 0, 0, opts_org_filter, cmd_app_list, 0 },
	{ "application", "approve", "ACCOUNT", N_("approve an account "
	    "application"), 1, 1, NULL, cmd_app_approve, 0 },
	{ "application", "reject", "ACCOUNT", N_("reject an account "
	    "application (--reason is required)"), 1, 1, opts_reason,
	    cmd_app_reject, 0 },
	{ "realname", "status", "[ACCOUNT]", N_("real-name verification "
	    "status (default: yours)"), 0, 1, NULL, cmd_realname_status, 0 },
	{ "realname", "review", "[ACCOUNT]", N_("manual real-name reviews "
	    "waiting (administrators); with ACCOUNT its identity and scans, "
	    "--pass LEVEL or --fail REASON decides"), 0, 1, opts_review,
	    cmd_realname_review, 0 },
	{ "realname", "verify", "ACCOUNT", N_("run the automatic real-name "
	    "verification again (administrators)"), 1, 1, NULL,
	    cmd_realname_verify, 0 },
	{ "apply", NULL, "ACCOUNT", N_("apply for an account (no login "
	    "needed); an administrator approves it"), 1, 1, opts_apply,
	    cmd_apply, 1 },
	{ "forgot", "password", "ACCOUNT|MOBILE|E-MAIL", N_("get a code by "
	    "SMS or e-mail, then set a new password with --code"), 1, 1,
	    opts_forgot, cmd_forgot_password, 1 },
	{ "forgot", "account", "ID-NUMBER MOBILE", N_("have your account name "
	    "sent to your mobile"), 2, 2, NULL, cmd_forgot_account, 1 },
	{ "forgot", "appeal", "NAME ID-NUMBER MOBILE", N_("no access to your "
	    "registered mobile: send your identity and ID scans for an "
	    "administrator's review; the answer comes to MOBILE"), 3, 3,
	    opts_appeal, cmd_forgot_appeal, 1 },
	{ "appeal", "list", "", N_("password appeals waiting for review "
	    "(administrators)"), 0, 0, opts_appeal_list, cmd_appeal_list, 0 },
	{ "appeal", "show", "ID", N_("a password appeal with the person's "
	    "identity; --save-scans DIR writes its scans"), 1, 1,
	    opts_save_scans, cmd_appeal_show, 0 },
	{ "appeal", "approve", "ID", N_("approve a password appeal: the "
	    "server sends a temporary password to the appeal's mobile"), 1, 1,
	    NULL, cmd_appeal_approve, 0 },
	{ "appeal", "reject", "ID", N_("reject a password appeal (--reason is "
	    "required)"), 1, 1, opts_reason, cmd_appeal_reject, 0 },
	{ "enterprise", "list", "", N_("legal persons, with your roles in "
	    "them"), 0, 0, NULL, cmd_enterprise_list, 0 },
	{ "enterprise", "show", "USCC", N_("a legal person: identity, "
	    "representative, administrators, handlers, authorisations"), 1, 1,
	    NULL, cmd_enterprise_show, 0 },
	{ "enterprise", "admins", "USCC", N_("show or change the "
	    "administrators (the legal representative)"), 1, 1, opts_members,
	    cmd_enterprise_admins, 0 },
	{ "enterprise", "handlers", "USCC", N_("show or change the handlers "
	    "(administrators)"), 1, 1, opts_members, cmd_enterprise_handlers,
	    0 },
	{ "enterprise", "license-admins", "USCC", N_("show or change the "
	    "licence administrators, at most five (the legal "
	    "representative)"), 1, 1, opts_members,
	    cmd_enterprise_license_admins, 0 },
	{ "migrate", NULL, "FILE", N_("import a legacy platform's accounts "
	    "(CSV or LDIF; docs/migration.md)"), 1, 1, opts_migrate,
	    cmd_migrate, 0 },
};

/* ---- help ---- */

static void
main_synopsis(const struct cmd *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", c->group, c->name ? " " : "",
	    c->name ? c->name : "", *c->synopsis ? " " : "", c->synopsis);
}

static void
main_help_globals(void)
{
	static const struct {
		const char *opt;
		const char *help;
	} g[] = {
		{ "-H URI", N_("server (default: $UNIFIEDID_URI, else "
		    "ldap://127.0.0.1:389)") },
		{ "-D BINDDN", N_("bind DN, or an account name") },
		{ "-w PW", N_("bind password") },
		{ "-y FILE", N_("read the bind password from FILE") },
		{ "-W", N_("prompt for the bind password") },
		{ "-Y EXTERNAL", N_("SASL EXTERNAL (e.g. as root over "
		    "ldapi://)") },
		{ "-Z", N_("StartTLS") },
		{ "-b BASE", N_("directory base (default: $UNIFIEDID_BASE, "
		    "else the server's naming context)") },
		{ "--json", N_("machine-readable output: one JSON document") },
		{ "--help", N_("help; after a command, that command's help") },
		{ "--version", N_("print the version") },
	};
	size_t i;

	printf("%s\n", _("Options:"));
	for (i = 0; i < NELEM(g); i++) {
		printf("  ");
		out_pad(g[i].opt, 14);
		printf("%s\n", _(g[i].help));
	}
}

static void
main_help(void)
{
	char syn[128];
	size_t i;

	printf(_("Usage: unifiedid [-H URI] [-D BINDDN] [-w PW | -y FILE | -W] "
	    "[-Y EXTERNAL] [-Z] [-b BASE] [--json] COMMAND ...\n"));
	printf("%s\n\n", _("UnifiedID unified identity: accounts, "
	    "organisations, posts and approvals."));
	printf("%s\n", _("Commands:"));
	for (i = 0; i < NELEM(cmds); i++) {
		main_synopsis(&cmds[i], syn, sizeof(syn));
		printf("  ");
		/* a long synopsis gets its own line, like getopt help */
		if (out_width(syn) >= 30)
			printf("%s\n%32s", syn, "");
		else
			out_pad(syn, 30);
		printf("%s\n", _(cmds[i].summary));
	}
	putchar('\n');
	main_help_globals();
	printf("\n%s\n", _("Exit status: 0 success, 1 failure (the reason is "
	    "on standard error), 2 usage error."));
}

static void
main_help_cmd(const struct cmd *c)
{
	char syn[128], opt[64];
	size_t i;

	main_synopsis(c, syn, sizeof(syn));
	printf(_("Usage: unifiedid [OPTIONS] %s%s\n"), syn,
	    c->opts ? _(" [--OPTION VALUE]...") : "");
	printf("%s\n", _(c->summary));
	if (c->opts != NULL) {
		printf("\n%s\n", _("Command options:"));
		for (i = 0; c->opts[i].name != NULL; i++) {
			snprintf(opt, sizeof(opt), "--%s%s%s", c->opts[i].name,
			    c->opts[i].arg ? " " : "", c->opts[i].arg ?
			    c->opts[i].metavar : "");
			printf("  ");
			out_pad(opt, 26);
			printf("%s\n", _(c->opts[i].help));
		}
	}
	putchar('\n');
	main_help_globals();
}

static void
main_help_group(const char *group)
{
	char syn[128];
	size_t i;

	printf(_("Usage: unifiedid [OPTIONS] %s SUBCOMMAND ...\n"), group);
	for (i = 0; i < NELEM(cmds); i++) {
		if (strcmp(cmds[i].group, group) != 0)
			continue;
		main_synopsis(&cmds[i], syn, sizeof(syn));
		printf("  ");
		/* a long synopsis gets its own line, like getopt help */
		if (out_width(syn) >= 30)
			printf("%s\n%32s", syn, "");
		else
			out_pad(syn, 30);
		printf("%s\n", _(cmds[i].summary));
	}
}

/* ---- dispatch ---- */

static int
main_has_help(int argc, char **argv, int from)
{
	int i;

	for (i = from; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

/* the command named by argv[at] (and argv[at + 1]); *words: how many */
static int
main_lookup(int argc, char **argv, int at, const struct cmd **out,
    int *words)
{
	const char *group = argv[at], *sub = at + 1 < argc ? argv[at + 1] :
	    NULL;
	int known = 0;
	size_t i;

	for (i = 0; i < NELEM(cmds); i++) {
		if (strcmp(cmds[i].group, group) != 0)
			continue;
		known = 1;
		if (cmds[i].name == NULL) {
			*out = &cmds[i];
			*words = 1;
			return CLI_OK;
		}
		if (sub != NULL && strcmp(cmds[i].name, sub) == 0) {
			*out = &cmds[i];
			*words = 2;
			return CLI_OK;
		}
	}
	if (!known) {
		if (strcmp(group, "help") == 0) {
			main_help();
			return -1;
		}
		return out_usage(_("unknown command '%s'"), group);
	}
	cli.cmdname = group;
	if (main_has_help(argc, argv, at + 1)) {
		main_help_group(group);
		return -1;
	}
	if (sub == NULL || sub[0] == '-')
		return out_usage(_("%s: missing subcommand"), group);
	return out_usage(_("%s: unknown subcommand '%s'"), group, sub);
}

static void
main_i18n(void)
{
	const char *dir = secure_getenv("UNIFIEDID_LOCALEDIR");
	const char *lang = NULL, *names[] = { "LC_ALL", "LC_MESSAGES",
	    "LANG" };
	char code[32];
	size_t i;

	if (setlocale(LC_ALL, "") == NULL) {
		/* the locale the environment names is not installed (a
		 * minimal system): still speak its language, in UTF-8 */
		for (i = 0; i < NELEM(names) && lang == NULL; i++)
			if ((lang = getenv(names[i])) != NULL && *lang == '\0')
				lang = NULL;
		if (setlocale(LC_ALL, "C.UTF-8") != NULL && lang != NULL &&
		    getenv("LANGUAGE") == NULL) {
			snprintf(code, sizeof(code), "%s", lang);
			code[strcspn(code, ".@")] = '\0';
			setenv("LANGUAGE", code, 0);
		}
	}
	bindtextdomain("unifiedid", dir != NULL && *dir != '\0' ? dir :
	    LOCALEDIR);
	bind_textdomain_codeset("unifiedid", "UTF-8");
	textdomain("unifiedid");
}

int
main(int argc, char **argv)
{
	const struct cmd *c = NULL;
	struct args a;
	char name[64];
	int next, words = 0, rc;

	main_i18n();
	conn_env();
	if ((rc = args_global(argc, argv, &next)) != CLI_OK)
		return rc;
	if (cli.version) {
		printf("unifiedid %s\n", UNIFIEDID_VERSION);
		return CLI_OK;
	}
	if (next >= argc) {
		if (cli.help) {
			main_help();
			return CLI_OK;
		}
		return out_usage(_("no command given"));
	}
	if ((rc = main_lookup(argc, argv, next, &c, &words)) != CLI_OK)
		return rc < 0 ? CLI_OK : rc;
	snprintf(name, sizeof(name), "%s%s%s", c->group, c->name ? " " : "",
	    c->name ? c->name : "");
	cli.cmdname = name;
	rc = args_parse(c, argc, argv, next + words, &a);
	if (rc == CLI_OK && cli.version)
		printf("unifiedid %s\n", UNIFIEDID_VERSION);
	else if (rc == CLI_OK && cli.help)
		main_help_cmd(c);
	else if (rc == CLI_OK && (rc = conn_open(!c->nobind)) == CLI_OK)
		rc = c->run(&a);
	args_free(&a);
	conn_close();
	fflush(stdout);
	if (ferror(stdout)) {
		out_err(_("cannot write the output"));
		return CLI_ERR;
	}
	return rc;
}
