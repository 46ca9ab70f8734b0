/*
 * main.c - unifiedid-dirsrv command line (contract section 2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "dirsrv.h"
#include "password.h"

#define DEFAULT_CONFIG	"/etc/unifiedid/dirsrv.yaml"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: unifiedid-dirsrv [-d] [-f CONFIG] [serve]\n"
	    "       unifiedid-dirsrv [-f CONFIG] import FILE|-\n"
	    "       unifiedid-dirsrv [-f CONFIG] export\n"
	    "       unifiedid-dirsrv [-f CONFIG] check\n"
	    "       unifiedid-dirsrv hash-password [PASSWORD]\n"
	    "       unifiedid-dirsrv --version\n"
	    "Default CONFIG: " DEFAULT_CONFIG "\n");
}

static int
hash_password(const char *arg)
{
	char pw[1024], hash[PW_HASH_MAX];
	size_t n;
	int rc;

	if (arg != NULL) {
		n = strlen(arg);
		if (n >= sizeof(pw)) {
			fprintf(stderr, "unifiedid-dirsrv: password too long\n");
			return 1;
		}
		memcpy(pw, arg, n + 1);
	} else {
		struct termios t, old;
		int tty = isatty(STDIN_FILENO);

		if (tty) {
			fprintf(stderr, "New password: ");
			tcgetattr(STDIN_FILENO, &old);
			t = old;
			t.c_lflag &= ~(tcflag_t)ECHO;
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
		}
		if (fgets(pw, sizeof(pw), stdin) == NULL)
			pw[0] = '\0';
		if (tty) {
			tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
			fputc('\n', stderr);
		}
		pw[strcspn(pw, "\r\n")] = '\0';
		n = strlen(pw);
	}
	if (n == 0) {
		fprintf(stderr, "unifiedid-dirsrv: empty password\n");
		return 1;
	}
	rc = pw_hash(pw, n, hash, sizeof(hash));
	explicit_bzero(pw, sizeof(pw));
	if (rc != 0) {
		fprintf(stderr, "unifiedid-dirsrv: cannot hash this password\n");
		return 1;
	}
	printf("%s\n", hash);
	explicit_bzero(hash, sizeof(hash));
	return 0;
}

int
main(int argc, char **argv)
{
	const char *conf = DEFAULT_CONFIG, *cmd = "serve";
	struct config cfg;
	struct schema *schema;
	char err[1024];
	int ch, rc;

	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("unifiedid-dirsrv %s\n", UNIFIEDID_VERSION);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	while ((ch = getopt(argc, argv, "+f:dh")) != -1) {
		switch (ch) {
		case 'f':
			conf = optarg;
			break;
		case 'd':
			log_verbosity = LOG_L_DEBUG;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "unifiedid-dirsrv: bad option (see "
			    "unifiedid-dirsrv --help)\n");
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0)
		cmd = argv[0];
	if (strcmp(cmd, "hash-password") == 0) {
		if (argc > 2) {
			fprintf(stderr, "unifiedid-dirsrv: hash-password takes at "
			    "most one argument\n");
			return 1;
		}
		return hash_password(argc == 2 ? argv[1] : NULL);
	}
	if ((strcmp(cmd, "import") == 0 && argc != 2) ||
	    (strcmp(cmd, "import") != 0 && argc > 1)) {
		fprintf(stderr, "unifiedid-dirsrv: %s: wrong number of arguments "
		    "(see unifiedid-dirsrv --help)\n", cmd);
		return 1;
	}
	if (strcmp(cmd, "serve") != 0 && strcmp(cmd, "import") != 0 &&
	    strcmp(cmd, "export") != 0 && strcmp(cmd, "check") != 0) {
		fprintf(stderr, "unifiedid-dirsrv: unknown command \"%s\" (see "
		    "unifiedid-dirsrv --help)\n", cmd);
		return 1;
	}
	if (config_load(conf, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "unifiedid-dirsrv: %s\n", err);
		return 1;
	}
	if ((schema = schema_load(cfg.schema_dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "unifiedid-dirsrv: schema: %s\n", err);
		config_free(&cfg);
		return 1;
	}
	if (strcmp(cmd, "check") == 0) {
		struct server tmp;

		memset(&tmp, 0, sizeof(tmp));
		tmp.cfg = &cfg;
		tmp.schema = schema;
		srv = &tmp;
		rc = server_init_names(&tmp, err, sizeof(err));
		if (rc == 0)
			rc = acl_init(err, sizeof(err));
		acl_free();
		if (rc == 0) {
			/* every configured attribute must exist in the schema */
			struct store st;
			size_t i;
			struct strlist *lists[3] = { &cfg.index, &cfg.substr_index,
			    &cfg.multival };
			for (i = 0; i < 3 && rc == 0; i++) {
				size_t k;
				for (k = 0; k < lists[i]->n; k++)
					if (schema_at(schema, lists[i]->v[k],
					    strlen(lists[i]->v[k])) == NULL) {
						snprintf(err, sizeof(err), "%s: "
						    "unknown attribute type %s",
						    i == 0 ? "index" : i == 1 ?
						    "substr_index" : "multival",
						    lists[i]->v[k]);
						rc = -1;
						break;
					}
			}
			(void)st;
		}
		arena_free(&tmp.dse_arena);
		srv = NULL;
		if (rc != 0) {
			fprintf(stderr, "unifiedid-dirsrv: %s\n", err);
			rc = 1;
		} else {
			printf("%s: configuration and schema are valid (%zu "
			    "attribute types, %zu object classes)\n", conf,
			    schema->nat, schema->noc);
		}
	} else if (strcmp(cmd, "import") == 0) {
		rc = ldif_import(&cfg, schema, argv[1]);
	} else if (strcmp(cmd, "export") == 0) {
		rc = ldif_export(&cfg, schema);
	} else {
		rc = server_run(&cfg, schema);
	}
	schema_free(schema);
	config_free(&cfg);
	arena_thread_cleanup();
	return rc;
}
