/*
 * main.c - unifiedid-agent's command line (contract section 5,
 * docs/agent.md): serve (the default) and check read the configuration;
 * the other commands are clients of a running agent (client.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

struct agent ag;

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: unifiedid-agent [-d] [-f CONFIG] [serve|check]\n"
	    "       unifiedid-agent [-s SOCKET] lookup passwd|group|initgroups|"
	    "shadow NAME|ID\n"
	    "       unifiedid-agent [-s SOCKET] enum passwd|group|shadow\n"
	    "       unifiedid-agent [-s SOCKET] status\n"
	    "       unifiedid-agent [-s SOCKET] flush [all]\n"
	    "       unifiedid-agent [-s SOCKET] auth LOGIN [SERVICE]    "
	    "(password on stdin)\n"
	    "       unifiedid-agent [-s SOCKET] account NAME\n"
	    "       unifiedid-agent [-s SOCKET] passwd NAME             "
	    "(old and new password on stdin)\n"
	    "       unifiedid-agent --version\n"
	    "Default CONFIG: " AGENT_DEFAULT_CONFIG "; default SOCKET: $"
	    UA_SOCKET_ENV ", else " UA_DEFAULT_SOCKET "\n"
	    "Exit status: 0 ok, 1 refused or failed, 2 usage.\n");
}

int
main(int argc, char **argv)
{
	const char	*conf = AGENT_DEFAULT_CONFIG, *cmd = "serve";
	const char	*sock = NULL;
	char		 err[1024];
	int		 ch, debug = 0, rc;

	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("unifiedid-agent %s\n", UNIFIEDID_VERSION);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	while ((ch = getopt(argc, argv, "+f:ds:h")) != -1) {
		switch (ch) {
		case 'f':
			conf = optarg;
			break;
		case 'd':
			debug = 1;
			log_verbosity = LOG_L_DEBUG;
			break;
		case 's':
			sock = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "unifiedid-agent: bad option (see "
			    "unifiedid-agent --help)\n");
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0)
		cmd = argv[0];
	if (strcmp(cmd, "serve") != 0 && strcmp(cmd, "check") != 0)
		return client_main(sock, argc, argv);
	if (argc > 1) {
		fprintf(stderr, "unifiedid-agent: %s takes no arguments\n",
		    cmd);
		return 2;
	}
	if (config_load(conf, &ag.cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "unifiedid-agent: %s\n", err);
		return 1;
	}
	if (strcmp(cmd, "check") == 0) {
		printf("%s: configuration is valid (%zu server%s, socket %s, "
		    "map %s)\n", conf, ag.cfg.nuri, ag.cfg.nuri == 1 ? "" : "s",
		    ag.cfg.socket, ag.cfg.map);
		config_free(&ag.cfg);
		return 0;
	}
	rc = server_run(debug);
	config_free(&ag.cfg);
	arena_thread_cleanup();
	return rc;
}
