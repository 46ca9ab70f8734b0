/* main.c - the unifiedid command-line client (placeholder until the CLI
 * lands: prints its version so that packaging and tests can find it). */
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("unifiedid %s\n", UNIFIEDID_VERSION);
		return 0;
	}
	fprintf(stderr, "unifiedid: no commands yet (see issue 4)\n");
	return 2;
}
