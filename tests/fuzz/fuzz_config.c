/*
 * fuzz_config.c - libFuzzer target for the YAML configuration: the input
 * is written to a temporary file and read with config_load; a loaded
 * configuration is checked for the invariants the server relies on and
 * freed (LeakSanitizer checks every error path).
 */
#include <unistd.h>

#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
cleanup(void)
{
	unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "/tmp/unifiedid-fuzz-config.XXXXXX");
	if ((fd = mkstemp(path)) < 0) {
		perror("mkstemp");
		exit(1);
	}
	close(fd);
	atexit(cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char err[512];
	FILE *fp;
	size_t i;

	if (size > 65536)
		return 0;
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	if (size && fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);
	memset(&cfg, 0xa5, sizeof(cfg));
	err[0] = '\0';
	if (config_load(path, &cfg, err, sizeof(err)) == 0) {
		/* required keys are there, lists are NULL-terminated */
		if (cfg.suffix == NULL || cfg.data_dir == NULL ||
		    cfg.listen.n == 0 || cfg.schema_dir == NULL)
			abort();
		for (i = 0; i < cfg.listen.n; i++)
			if (cfg.listen.v[i] == NULL)
				abort();
		if (cfg.listen.v[cfg.listen.n] != NULL ||
		    cfg.index.v[cfg.index.n] != NULL)
			abort();
		if (cfg.max_pdu < 1024 || cfg.max_connections < 1)
			abort();
		config_free(&cfg);
	} else {
		/* one non-empty line */
		if (err[0] == '\0' || strchr(err, '\n') != NULL) {
			fprintf(stderr, "config error message: \"%s\"\n", err);
			abort();
		}
	}
	return 0;
}
