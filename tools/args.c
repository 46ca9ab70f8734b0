/*
 * args.c - the command line: global options (ldap-utils letters, which
 * may be clustered as in "-xW" and come anywhere), --json, --help,
 * --version, and each command's --long options and positional arguments.
 * Every mistake is a usage error: one line, a hint, exit status 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

static int
args_long_global(const char *name)
{
	if (strcmp(name, "json") == 0)
		cli.json = 1;
	else if (strcmp(name, "help") == 0)
		cli.help = 1;
	else if (strcmp(name, "version") == 0)
		cli.version = 1;
	else
		return 0;
	return 1;
}

/* "-xWD dn": flags, then at most one option taking the rest or the next */
static int
args_short(int argc, char **argv, int *i)
{
	char *p, *arg;
	int kind;

	for (p = argv[*i] + 1; *p != '\0'; p++) {
		kind = conn_opt_kind(*p);
		if (kind < 0)
			return out_usage(_("unknown option -%c"), *p);
		if (kind == 0) {
			conn_opt_set(*p, NULL);
			continue;
		}
		if (p[1] != '\0')
			arg = p + 1;
		else if (*i + 1 < argc)
			arg = argv[++*i];
		else
			return out_usage(_("option -%c needs a value"), *p);
		return conn_opt_set(*p, arg);
	}
	return CLI_OK;
}

/* the options before the command; *next is the command's first word */
int
args_global(int argc, char **argv, int *next)
{
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			break;
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (argv[i][1] == '-') {
			if (!args_long_global(argv[i] + 2))
				return out_usage(_("unknown option %s"),
				    argv[i]);
			continue;
		}
		if ((rc = args_short(argc, argv, &i)) != CLI_OK)
			return rc;
	}
	*next = i;
	return CLI_OK;
}

static const struct optdef *
args_def(const struct cmd *c, const char *name, size_t len, size_t *idx)
{
	size_t i;

	for (i = 0; c->opts != NULL && c->opts[i].name != NULL; i++)
		if (strlen(c->opts[i].name) == len &&
		    strncmp(c->opts[i].name, name, len) == 0) {
			*idx = i;
			return &c->opts[i];
		}
	return NULL;
}

static int
args_long(const struct cmd *c, int argc, char **argv, int *i,
    struct args *a)
{
	char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name), idx;
	const struct optdef *d;
	char *val;

	if (eq == NULL && args_long_global(name))
		return CLI_OK;
	if ((d = args_def(c, name, len, &idx)) == NULL || idx >= ARGS_MAX_OPTS)
		return out_usage(_("unknown option --%.*s"), (int)len, name);
	if (!d->arg) {
		if (eq != NULL)
			return out_usage(_("option --%s takes no value"),
			    d->name);
		val = "1";
	} else if (eq != NULL)
		val = eq + 1;
	else if (*i + 1 < argc)
		val = argv[++*i];
	else
		return out_usage(_("option --%s needs a value"), d->name);
	if (!d->multi && a->val[idx].n > 0)
		return out_usage(_("option --%s given twice"), d->name);
	strlist_add(&a->val[idx], val);
	if (d->secret)
		memset(val, '*', strlen(val));
	return CLI_OK;
}

/*
 * The command's arguments from argv[start]: its options, global options
 * and positional arguments in any order ("--" ends the options).  The
 * number of positional arguments is checked unless --help was given.
 */
int
args_parse(const struct cmd *c, int argc, char **argv, int start,
    struct args *a)
{
	int i, rc, only_pos = 0;

	memset(a, 0, sizeof(*a));
	a->cmd = c;
	a->pos = xcalloc((size_t)argc + 1, sizeof(*a->pos));
	for (i = start; i < argc; i++) {
		if (only_pos || argv[i][0] != '-' || argv[i][1] == '\0') {
			a->pos[a->npos++] = argv[i];
			continue;
		}
		rc = CLI_OK;
		if (strcmp(argv[i], "--") == 0)
			only_pos = 1;
		else if (argv[i][1] == '-')
			rc = args_long(c, argc, argv, &i, a);
		else
			rc = args_short(argc, argv, &i);
		if (rc != CLI_OK)
			return rc;
	}
	if (cli.help || cli.version)
		return CLI_OK;
	if ((int)a->npos < c->min_pos)
		return out_usage(_("missing argument: %s"), c->synopsis);
	if (c->max_pos >= 0 && (int)a->npos > c->max_pos)
		return out_usage(_("unexpected argument '%s'"),
		    a->pos[c->max_pos]);
	return CLI_OK;
}

static int
args_index(const struct args *a, const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; a->cmd->opts != NULL && a->cmd->opts[i].name != NULL; i++)
		if (strcmp(a->cmd->opts[i].name, name) == 0) {
			*idx = i;
			return 1;
		}
	return 0;
}

/* the value of --name, NULL when not given */
const char *
args_get(const struct args *a, const char *name)
{
	size_t i;

	if (!args_index(a, name, &i) || a->val[i].n == 0)
		return NULL;
	return a->val[i].v[a->val[i].n - 1];
}

/* every value of a repeatable --name (an empty list when not given) */
const struct strlist *
args_list(const struct args *a, const char *name)
{
	static const struct strlist none = { NULL, 0 };
	size_t i;

	if (!args_index(a, name, &i))
		return &none;
	return &a->val[i];
}

const char *
args_pos(const struct args *a, size_t i)
{
	return i < a->npos ? a->pos[i] : NULL;
}

void
args_free(struct args *a)
{
	size_t i;

	for (i = 0; i < ARGS_MAX_OPTS; i++) {
		/* val[i] is used only for an existing optdef i */
		if (a->val[i].n > 0 && a->cmd->opts[i].secret) {
			size_t j;

			for (j = 0; j < a->val[i].n; j++)
				explicit_bzero(a->val[i].v[j],
				    strlen(a->val[i].v[j]));
		}
		strlist_free(&a->val[i]);
	}
	free(a->pos);
}
