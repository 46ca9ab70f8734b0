/*
 * fuzz_schema.c - libFuzzer target for schema files: schema_parse_text and
 * schema_finish on arbitrary text, after a small built-in prelude with the
 * types and classes the server requires (so that schema_finish can get to
 * the end).  A schema that loads is then used the way the server uses it:
 * look-ups, inherited matching rules, at_is_a and oc_is_a.
 */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DS	"SYNTAX 1.3.6.1.4.1.1466.115.121.1.15"
#define OIDS	"SYNTAX 1.3.6.1.4.1.1466.115.121.1.38"
#define GT	"EQUALITY generalizedTimeMatch ORDERING " \
		"generalizedTimeOrderingMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.24"
#define DNS	"EQUALITY distinguishedNameMatch SYNTAX " \
		"1.3.6.1.4.1.1466.115.121.1.12"

static const char prelude[] =
    "attributetype ( 2.5.4.0 NAME 'objectClass' EQUALITY "
    "objectIdentifierMatch " OIDS " )\n"
    "attributetype ( 2.5.4.41 NAME 'name' EQUALITY caseIgnoreMatch SUBSTR "
    "caseIgnoreSubstringsMatch " DS " )\n"
    "attributetype ( 2.5.4.3 NAME ( 'cn' 'commonName' ) SUP name )\n"
    "attributetype ( 0.9.2342.19200300.100.1.1 NAME ( 'uid' 'userid' ) "
    "EQUALITY caseIgnoreMatch " DS " )\n"
    "attributetype ( 2.5.4.35 NAME 'userPassword' EQUALITY octetStringMatch "
    "SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 )\n"
    "attributetype ( 1.3.6.1.1.16.4 NAME 'entryUUID' EQUALITY UUIDMatch "
    "SYNTAX 1.3.6.1.1.16.1 SINGLE-VALUE NO-USER-MODIFICATION USAGE "
    "directoryOperation )\n"
    "attributetype ( 2.5.18.1 NAME 'createTimestamp' " GT " SINGLE-VALUE "
    "NO-USER-MODIFICATION USAGE directoryOperation )\n"
    "attributetype ( 2.5.18.2 NAME 'modifyTimestamp' " GT " SINGLE-VALUE "
    "NO-USER-MODIFICATION USAGE directoryOperation )\n"
    "attributetype ( 2.5.18.3 NAME 'creatorsName' " DNS " SINGLE-VALUE "
    "NO-USER-MODIFICATION USAGE directoryOperation )\n"
    "attributetype ( 2.5.18.4 NAME 'modifiersName' " DNS " SINGLE-VALUE "
    "NO-USER-MODIFICATION USAGE directoryOperation )\n"
    "attributetype ( 2.5.18.9 NAME 'hasSubordinates' EQUALITY booleanMatch "
    "SYNTAX 1.3.6.1.4.1.1466.115.121.1.7 SINGLE-VALUE NO-USER-MODIFICATION "
    "USAGE directoryOperation )\n"
    "attributetype ( 2.5.18.10 NAME 'subschemaSubentry' " DNS " SINGLE-VALUE "
    "NO-USER-MODIFICATION USAGE directoryOperation )\n"
    "attributetype ( 2.5.21.9 NAME 'structuralObjectClass' EQUALITY "
    "objectIdentifierMatch " OIDS " SINGLE-VALUE NO-USER-MODIFICATION USAGE "
    "directoryOperation )\n"
    "attributetype ( 1.3.6.1.1.20 NAME 'entryDN' " DNS " SINGLE-VALUE "
    "NO-USER-MODIFICATION USAGE directoryOperation )\n"
    "attributetype ( 1.2.840.113556.1.2.102 NAME 'memberOf' " DNS " "
    "NO-USER-MODIFICATION USAGE dSAOperation )\n"
    "attributetype ( 2.5.4.1 NAME 'aliasedObjectName' " DNS " SINGLE-VALUE )\n"
    "objectclass ( 2.5.6.0 NAME 'top' ABSTRACT MUST objectClass )\n"
    "objectclass ( 1.3.6.1.4.1.1466.101.120.111 NAME 'extensibleObject' "
    "SUP top AUXILIARY )\n"
    "objectclass ( 2.5.6.1 NAME 'alias' SUP top STRUCTURAL MUST "
    "aliasedObjectName )\n"
    "objectclass ( 2.5.20.1 NAME 'subschema' AUXILIARY )\n";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_verbosity = -1;
	return 0;
}

static void
use_schema(struct schema *s)
{
	size_t i, j, n;

	for (i = 0; i < s->nat; i++) {
		struct attrtype *at = s->at[i];

		(void)at_eq(at);
		(void)at_ord(at);
		(void)at_sub(at);
		if (at_syntax(at) == NULL)
			abort();	/* schema_finish promised a syntax */
		if (schema_at(s, at->oid, strlen(at->oid)) != at ||
		    schema_at(s, at->name, strlen(at->name)) != at)
			abort();	/* look-up by OID and by name */
		n = s->nat < 32 ? s->nat : 32;
		for (j = 0; j < n; j++)
			(void)at_is_a(at, s->at[j]);
	}
	for (i = 0; i < s->noc; i++) {
		struct objclass *oc = s->oc[i];

		if (schema_oc(s, oc->oid, strlen(oc->oid)) != oc)
			abort();
		for (j = 0; oc->must && oc->must[j]; j++)
			;
		n = s->noc < 32 ? s->noc : 32;
		for (j = 0; j < n; j++)
			(void)oc_is_a(oc, s->oc[j]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schema *s;
	char err[512];

	if (size > 65536)
		return 0;
	s = schema_new();
	if (schema_parse_text(s, prelude, sizeof(prelude) - 1, "prelude", err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "prelude: %s\n", err);
		abort();
	}
	/* the text is not NUL-terminated: an exact-size copy */
	{
		char *copy = fz_copy(data, size);
		int rc = schema_parse_text(s, copy, size, "fuzz.schema", err,
		    sizeof(err));

		if (rc == 0 && schema_finish(s, err, sizeof(err)) == 0)
			use_schema(s);
		free(copy);
	}
	schema_free(s);
	return 0;
}
