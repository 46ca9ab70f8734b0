/*
 * fuzz_filter.c - libFuzzer target for search filters: the input is a
 * BER-encoded Filter (RFC 4511 4.5.1) as found inside a SearchRequest.
 * It is decoded with filter_decode, matched against fixed entries (every
 * matching rule, three-valued logic, :dn: matching), printed with
 * filter_to_string, and the printed form must parse again.
 */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init(1);
	log_verbosity = -1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = { 0 };
	struct filter *f = NULL;
	struct berval bv;
	BerElement *ber;
	int rc;

	if (size > 65536)
		return 0;
	/* one spare byte: liblber terminates strings in place */
	bv.bv_len = size;
	bv.bv_val = malloc(size + 1);
	if (size)
		memcpy(bv.bv_val, data, size);
	bv.bv_val[size] = 0;
	if ((ber = ber_alloc_t(0)) == NULL)
		abort();
	ber_init2(ber, &bv, LBER_USE_DER);
	rc = filter_decode(fz_schema, &a, ber, &f);
	if (rc == LDAP_SUCCESS) {
		if (f == NULL)
			abort();
		fz_use_filter(&a, f);
	} else if (rc != LDAP_PROTOCOL_ERROR &&
	    rc != LDAP_ADMINLIMIT_EXCEEDED && rc != LDAP_FILTER_ERROR &&
	    rc != LDAP_OTHER) {
		fprintf(stderr, "filter_decode returned %d\n", rc);
		abort();
	}
	ber_free(ber, 0);
	free(bv.bv_val);
	arena_free(&a);
	return 0;
}
