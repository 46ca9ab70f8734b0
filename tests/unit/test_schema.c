/*
 * test_schema.c - schema loading: the shipped schema/ directory resolves
 * (inheritance of matching rules through SUP, at_is_a, AUXILIARY POSIX
 * classes, the project's names and OIDs of contract section 4), and
 * schema_parse_text / schema_finish reject bad input with the file name
 * and line.  Run from the repository root; under ASan/LSan it also shows
 * that the error paths do not leak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "dirsrv.h"
#include "check.h"

static struct schema *s;

static struct attrtype *
AT(const char *name)
{
	return schema_at(s, name, strlen(name));
}

static struct objclass *
OC(const char *name)
{
	return schema_oc(s, name, strlen(name));
}

static const char *
mrname(const struct mrule *m)
{
	return m ? m->name : "(none)";
}

static void
test_shipped(void)
{
	struct attrtype *cn = AT("cn"), *name = AT("name"), *uidn, *mu;
	struct objclass *oc;
	size_t i;

	CHECK(cn != NULL && name != NULL, "cn and name are defined");
	if (cn == NULL || name == NULL)
		return;
	CHECK(cn->sup == name, "cn's SUP resolves to name");
	CHECK(cn->eq == NULL, "cn has no EQUALITY of its own");
	CHECK(at_eq(cn) != NULL && strcmp(at_eq(cn)->name,
	    "caseIgnoreMatch") == 0, "cn's equality is inherited from name "
	    "(%s)", mrname(at_eq(cn)));
	CHECK(at_sub(cn) != NULL && strcmp(at_sub(cn)->name,
	    "caseIgnoreSubstringsMatch") == 0, "cn's substrings rule is "
	    "inherited (%s)", mrname(at_sub(cn)));
	CHECK(at_syntax(cn) != NULL && strcmp(at_syntax(cn)->oid,
	    "1.3.6.1.4.1.1466.115.121.1.15") == 0, "cn's syntax is inherited "
	    "(Directory String)");
	CHECK(at_is_a(cn, name), "at_is_a(cn, name)");
	CHECK(at_is_a(cn, cn), "at_is_a(cn, cn)");
	CHECK(!at_is_a(name, cn), "not at_is_a(name, cn)");
	CHECK(!at_is_a(cn, AT("sn")), "not at_is_a(cn, sn)");
	CHECK(at_is_a(AT("member"), AT("distinguishedName")),
	    "member is a distinguishedName");
	CHECK(at_eq(AT("member")) != NULL &&
	    strcmp(at_eq(AT("member"))->name, "distinguishedNameMatch") == 0,
	    "member compares as a DN");
	/* look-ups: case, aliases, OIDs, and the length argument */
	CHECK(AT("CN") == cn && AT("commonName") == cn && AT("2.5.4.3") == cn &&
	    AT("COMMONNAME") == cn, "cn by name, alias, OID and any case");
	CHECK(schema_at(s, "cnx", 2) == cn, "schema_at honours the length");
	CHECK(schema_at(s, "c", 1) != cn, "schema_at does not match a prefix");
	CHECK(AT("noSuchAttribute") == NULL, "unknown type is NULL");
	/* a name with a NUL byte is no name (found by fuzz_filter: the
	 * look-up compared up to the NUL, then read past the key) */
	CHECK(schema_at(s, "o\0\0\0\0\0\0\0`\xd0", 11) == NULL,
	    "\"o\\0...\" is not the type o");
	{
		size_t bad = 0;
		char k[300];

		for (i = 0; i < s->nat; i++) {
			size_t l = strlen(s->at[i]->name);
			if (l + 9 > sizeof(k))
				continue;
			memcpy(k, s->at[i]->name, l);
			memcpy(k + l, "\0zzzzzzz", 9);
			if (schema_at(s, k, l + 9) != NULL)
				bad++;
		}
		CHECK(bad == 0, "no type is found by its name followed by a NUL "
		    "and more bytes (%zu were)", bad);
	}
	CHECK(schema_at(s, "", 0) == NULL, "empty name is NULL");
	CHECK(OC("inetorgperson") == OC("inetOrgPerson") &&
	    OC("2.16.840.1.113730.3.2.2") == OC("inetOrgPerson"),
	    "object classes by name, case and OID");
	/* integer types */
	uidn = AT("uidNumber");
	CHECK(uidn != NULL && strcmp(mrname(at_eq(uidn)), "integerMatch") == 0 &&
	    strcmp(mrname(at_ord(uidn)), "integerOrderingMatch") == 0 &&
	    uidn->single, "uidNumber: integerMatch, integerOrderingMatch, "
	    "SINGLE-VALUE");
	mu = AT("memberUid");
	CHECK(mu != NULL && strcmp(mrname(at_eq(mu)), "caseExactMatch") == 0 &&
	    at_sub(mu) != NULL, "memberUid: caseExactMatch with a SUBSTR rule");
	CHECK(AT("createTimestamp") != NULL &&
	    AT("createTimestamp")->usage == AT_DIRECTORY_OP &&
	    AT("createTimestamp")->nousermod, "createTimestamp is an "
	    "operational NO-USER-MODIFICATION type");
	CHECK(strcmp(mrname(at_eq(AT("telephoneNumber"))),
	    "telephoneNumberMatch") == 0 && strcmp(mrname(at_eq(AT("mobile"))),
	    "telephoneNumberMatch") == 0, "telephoneNumber and mobile use "
	    "telephoneNumberMatch");
	/* object classes (contract section 4) */
	CHECK(OC("posixAccount") && OC("posixAccount")->kind == OC_AUXILIARY,
	    "posixAccount is AUXILIARY");
	CHECK(OC("shadowAccount") && OC("shadowAccount")->kind == OC_AUXILIARY,
	    "shadowAccount is AUXILIARY");
	CHECK(OC("posixGroup") && OC("posixGroup")->kind == OC_AUXILIARY,
	    "posixGroup is AUXILIARY");
	CHECK(OC("inetOrgPerson") && OC("inetOrgPerson")->kind == OC_STRUCTURAL,
	    "inetOrgPerson is STRUCTURAL");
	CHECK(OC("organizationalUnit") &&
	    OC("organizationalUnit")->kind == OC_STRUCTURAL,
	    "organizationalUnit is STRUCTURAL");
	CHECK(OC("top") && OC("top")->kind == OC_ABSTRACT, "top is ABSTRACT");
	CHECK(oc_is_a(OC("inetOrgPerson"), OC("person")) &&
	    oc_is_a(OC("inetOrgPerson"), OC("organizationalPerson")) &&
	    oc_is_a(OC("inetOrgPerson"), OC("top")),
	    "inetOrgPerson is an organizationalPerson, a person and top");
	CHECK(!oc_is_a(OC("person"), OC("inetOrgPerson")),
	    "a person is not an inetOrgPerson");
	{
		static const char *ocs[] = { "unifiedIdPerson", "unifiedIdOrg",
		    "unifiedIdPost", "unifiedIdRole", "unifiedIdEnterprise" };
		for (i = 0; i < NELEM(ocs); i++) {
			oc = OC(ocs[i]);
			CHECK(oc != NULL && strncmp(oc->oid, UID_ARC ".2.",
			    strlen(UID_ARC ".2.")) == 0, "%s is defined under "
			    "the arc .2.N (%s)", ocs[i], oc ? oc->oid : "-");
		}
	}
	{
		static const char *ats[] = { "gender", "idType", "idNumber",
		    "idValidFrom", "idValidTo", "shortNumber", "emergencyPhone",
		    "backupMail", "officeAddress", "accountStatus",
		    "statusReason", "realNameLevel", "realNameStatus",
		    "legacyUid", "orgCode", "orgAdmin", "postOrg", "postRank",
		    "postStatus", "transferFrom", "keepOrigin", "uscc",
		    "enterpriseType", "regionType", "legalRepresentative",
		    "enterpriseAdmin", "enterpriseHandler", "licenseAdmin",
		    "mainAgent" };
		for (i = 0; i < NELEM(ats); i++) {
			struct attrtype *at = AT(ats[i]);
			CHECK(at != NULL && strncmp(at->oid, UID_ARC ".1.",
			    strlen(UID_ARC ".1.")) == 0, "%s is defined under "
			    "the arc .1.N (%s)", ats[i], at ? at->oid : "-");
		}
	}
	oc = OC("unifiedIdPost");
	if (oc != NULL) {
		int has_code = 0, has_org = 0;
		for (i = 0; oc->must && oc->must[i]; i++) {
			has_code |= oc->must[i] == AT("orgCode");
			has_org |= oc->must[i] == AT("postOrg");
		}
		CHECK(has_code && has_org, "unifiedIdPost MUST orgCode, postOrg");
	}
	/* every definition resolved, every type has a syntax */
	{
		int ok = 1;
		for (i = 0; i < s->nat; i++)
			if (at_syntax(s->at[i]) == NULL ||
			    (s->at[i]->def->at_sup_oid && !s->at[i]->sup))
				ok = 0;
		CHECK(ok, "every attribute type has a syntax and a resolved SUP "
		    "(%zu types)", s->nat);
		ok = 1;
		for (i = 0; i < s->noc; i++)
			if (s->oc[i]->sup == NULL || s->oc[i]->must == NULL ||
			    s->oc[i]->may == NULL)
				ok = 0;
		CHECK(ok, "every object class is resolved (%zu classes)",
		    s->noc);
	}
	CHECK(s->a_objectclass && s->a_uid && s->a_userpassword &&
	    s->a_entryuuid && s->a_memberof && s->a_cn && s->o_top &&
	    s->o_extensible && s->o_subschema, "well-known types are set");
}

/* parse text into a fresh schema; returns rc and the message */
static int
parse(const char *text, size_t len, char *err, size_t errlen, int finish)
{
	struct schema *x = schema_new();
	int rc;

	err[0] = '\0';
	rc = schema_parse_text(x, text, len, "t.schema", err, errlen);
	if (rc == 0 && finish)
		rc = schema_finish(x, err, errlen);
	schema_free(x);
	return rc;
}

static void
expect_err(const char *what, const char *text, const char *want, int finish)
{
	char err[512];
	int rc = parse(text, strlen(text), err, sizeof(err), finish);

	CHECK(rc != 0 && strstr(err, want) != NULL,
	    "%s: error contains \"%s\" (rc %d, \"%s\")", what, want, rc, err);
}

/* expect_err in a child process: a crash is reported, not fatal */
static void
expect_err_child(const char *what, const char *text, const char *want)
{
	char err[512];
	pid_t pid;
	int status = 0;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		int rc = parse(text, strlen(text), err, sizeof(err), 0);
		_exit(rc != 0 && strstr(err, want) != NULL ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		CHECK(0, "%s: fork", what);
		return;
	}
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "%s: refused with \"%s\" (%s %d)", what, want,
	    WIFSIGNALED(status) ? "crashed with signal" : "exit status",
	    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

#define DS "SYNTAX 1.3.6.1.4.1.1466.115.121.1.15"

static void
test_errors(void)
{
	char err[512];
	int rc;

	/* good text */
	{
		static const char t[] = "# comment\n\nattributetype ( 1.2.3.4 "
		    "NAME 'x'\n\t" DS " )\n";
		rc = parse(t, strlen(t), err, sizeof(err), 0);
	}
	CHECK(rc == 0, "a comment, a blank line and a continued definition "
	    "parse (%s)", err);
	rc = parse("attributetype ( 1.2.3.4 NAME 'x' " DS " )\r\n"
	    "objectclass ( 1.2.3.5 NAME 'y' SUP top AUXILIARY MAY x )\r\n",
	    strlen("attributetype ( 1.2.3.4 NAME 'x' " DS " )\r\n"
	    "objectclass ( 1.2.3.5 NAME 'y' SUP top AUXILIARY MAY x )\r\n"),
	    err, sizeof(err), 0);
	CHECK(rc == 0, "CRLF line ends parse (%s)", err);
	rc = parse("attributetypes ( 1.2.3.4 NAME 'x' " DS " )\n"
	    "objectclasses ( 1.2.3.5 NAME 'y' MAY x )\n",
	    strlen("attributetypes ( 1.2.3.4 NAME 'x' " DS " )\n"
	    "objectclasses ( 1.2.3.5 NAME 'y' MAY x )\n"), err, sizeof(err), 0);
	CHECK(rc == 0, "plural keywords parse (%s)", err);
	rc = parse("", 0, err, sizeof(err), 0);
	CHECK(rc == 0, "empty text parses");
	rc = parse("attributetype ( 1.2.3.4 NAME 'x' " DS " )",
	    strlen("attributetype ( 1.2.3.4 NAME 'x' " DS " )"), err,
	    sizeof(err), 0);
	CHECK(rc == 0, "a definition without a final newline parses (%s)", err);

	/* errors, with line numbers */
	expect_err("unknown statement", "\n\nfoo ( 1.2.3 )\n",
	    "t.schema:3: unknown statement", 0);
	expect_err("unknown statement after a definition",
	    "attributetype ( 1.2.3.4 NAME 'x' " DS " )\nobjectidentifier x 1.2\n",
	    "t.schema:2: unknown statement", 0);
	expect_err("continuation without a statement",
	    "# x\n  ( 1.2.3 NAME 'x' )\n",
	    "t.schema:2: continuation line without a statement", 0);
	expect_err("bad attributetype definition",
	    "# a\n# b\nattributetype ( 1.2.3.4 NAME 'x'\n  BOGUS )\n",
	    "t.schema:3: attributetype", 0);
	expect_err("unterminated definition",
	    "attributetype ( 1.2.3.4 NAME 'x' " DS "\n", "t.schema:1:", 0);
	expect_err("bad objectclass definition",
	    "\nobjectclass ( 1.2.3.4 NAME )\n", "t.schema:2: objectclass", 0);
	/* libldap accepts OID-less definitions with LDAP_SCHEMA_ALLOW_ALL;
	 * run these in a child so that a crash is one failed check */
	expect_err_child("attributetype without an OID",
	    "attributetype ( NAME 'x' " DS " )\n", "t.schema:1:");
	expect_err_child("objectclass without an OID",
	    "\nobjectclass ( NAME 'x' SUP top AUXILIARY )\n", "t.schema:2:");
	expect_err("duplicate attribute OID",
	    "attributetype ( 1.2.3.4 NAME 'x' " DS " )\n"
	    "attributetype ( 1.2.3.4 NAME 'y' " DS " )\n",
	    "t.schema:2: attributetype 1.2.3.4 defined twice", 0);
	expect_err("duplicate attribute name",
	    "attributetype ( 1.2.3.4 NAME 'x' " DS " )\n"
	    "attributetype ( 1.2.3.5 NAME 'X' " DS " )\n",
	    "t.schema:2: attribute name X defined twice", 0);
	expect_err("duplicate objectclass OID",
	    "objectclass ( 1.2.3.4 NAME 'x' )\n"
	    "objectclass ( 1.2.3.4 NAME 'y' )\n",
	    "t.schema:2: objectclass 1.2.3.4 defined twice", 0);
	expect_err("duplicate objectclass name",
	    "objectclass ( 1.2.3.4 NAME 'x' )\n\n"
	    "objectclass ( 1.2.3.5 NAME ( 'z' 'x' ) )\n",
	    "t.schema:3: objectclass name x defined twice", 0);
	{
		static const char t[] = "attributetype ( 1.2.3.4 NAME 'x' "
		    DS " )\nattributetype ( 1.2.3.5 NA\0ME 'y' " DS " )\n";
		rc = parse(t, sizeof(t) - 1, err, sizeof(err), 0);
		CHECK(rc != 0 && strstr(err, "t.schema:2: NUL byte") != NULL,
		    "NUL byte reported with its line (%s)", err);
	}

	/* schema_finish */
	expect_err("unknown attribute SUP",
	    "attributetype ( 1.2.3.4 NAME 'x' SUP nosuch )\n",
	    "unknown SUP nosuch", 1);
	expect_err("unknown objectclass SUP",
	    "objectclass ( 1.2.3.4 NAME 'x' SUP nosuch )\n",
	    "unknown SUP nosuch", 1);
	expect_err("unknown MUST attribute",
	    "objectclass ( 1.2.3.4 NAME 'x' MUST nosuch )\n",
	    "unknown attribute type nosuch", 1);
	expect_err("unknown MAY attribute",
	    "objectclass ( 1.2.3.4 NAME 'x' MAY ( cn $ nosuch ) )\n",
	    "unknown attribute type", 1);
	expect_err("attribute SUP loop",
	    "attributetype ( 1.2.3.4 NAME 'x' SUP y )\n"
	    "attributetype ( 1.2.3.5 NAME 'y' SUP x )\n", "SUP loop", 1);
	expect_err("attribute without a syntax",
	    "attributetype ( 1.2.3.4 NAME 'x' EQUALITY caseIgnoreMatch )\n",
	    "no SYNTAX", 1);
	expect_err("equality rule of the wrong kind",
	    "attributetype ( 1.2.3.4 NAME 'x' EQUALITY caseIgnoreSubstringsMatch "
	    DS " )\n", "not an equality rule", 1);
	expect_err("no core schema",
	    "attributetype ( 1.2.3.4 NAME 'x' " DS " )\n",
	    "required attribute type", 1);
}

/* schema_load on a copy of schema/ with one extra file */
static void
test_load_dir(void)
{
	char dir[] = "/tmp/unifiedid-schema.XXXXXX", path[256], err[512];
	static const char *files[] = { "core.schema", "cosine.schema",
	    "inetorgperson.schema", "nis.schema", "unifiedid.schema" };
	struct schema *x;
	size_t i;
	FILE *fp;

	if (mkdtemp(dir) == NULL) {
		CHECK(0, "mkdtemp");
		return;
	}
	x = schema_load(dir, err, sizeof(err));
	CHECK(x == NULL && strstr(err, "no *.schema files") != NULL,
	    "an empty schema_dir is refused (%s)", err);
	x = schema_load("/nonexistent-unifiedid", err, sizeof(err));
	CHECK(x == NULL && strstr(err, "/nonexistent-unifiedid") != NULL,
	    "a missing schema_dir is refused (%s)", err);
	for (i = 0; i < NELEM(files); i++) {
		char src[256], buf[65536];
		FILE *in;
		size_t n;

		snprintf(src, sizeof(src), "schema/%s", files[i]);
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		in = fopen(src, "r");
		fp = fopen(path, "w");
		while (in && fp && (n = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, n, fp);
		if (in)
			fclose(in);
		if (fp)
			fclose(fp);
	}
	x = schema_load(dir, err, sizeof(err));
	CHECK(x != NULL, "a copy of the core files loads (%s)", x ? "" : err);
	/* schema_load sets the global schema used by matching rules; put the
	 * main one back */
	schema_free(x);
	snprintf(path, sizeof(path), "%s/zz-local.schema", dir);
	fp = fopen(path, "w");
	fputs("# local additions\n\nattributetype ( 1.2.3.4.5 NAME 'localAttr'\n"
	    "  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )\n"
	    "attributetype ( 1.2.3.4.6 NAME 'cn' "
	    "SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )\n", fp);
	fclose(fp);
	x = schema_load(dir, err, sizeof(err));
	CHECK(x == NULL && strstr(err, "zz-local.schema:5:") != NULL &&
	    strstr(err, "cn") != NULL, "an error in an extra file names the "
	    "file and line (%s)", err);
	schema_free(x);
	/* an object class SUP loop must be refused at load time: oc_is_a()
	 * would recurse for ever on it */
	fp = fopen(path, "w");
	fputs("objectclass ( 1.2.3.4.8 NAME 'loopA' SUP loopB AUXILIARY )\n"
	    "objectclass ( 1.2.3.4.9 NAME 'loopB' SUP loopA AUXILIARY )\n", fp);
	fclose(fp);
	x = schema_load(dir, err, sizeof(err));
	CHECK(x == NULL, "an object class SUP loop is refused (%s)",
	    x ? "loaded" : err);
	schema_free(x);
	/* an OID-less definition (libldap accepts it with ALLOW_ALL) */
	fp = fopen(path, "w");
	fputs("attributetype ( NAME 'noOid' SUP name )\n", fp);
	fclose(fp);
	fflush(stdout);
	{
		pid_t pid;
		int status = 0;

		if ((pid = fork()) == 0) {
			x = schema_load(dir, err, sizeof(err));
			_exit(x == NULL && strstr(err, "zz-local.schema:1") !=
			    NULL ? 0 : 1);
		}
		CHECK(pid > 0 && waitpid(pid, &status, 0) == pid &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "schema_load refuses an attribute type without an OID "
		    "(%s %d)", WIFSIGNALED(status) ? "crashed with signal" :
		    "exit status", WIFSIGNALED(status) ? WTERMSIG(status) :
		    WEXITSTATUS(status));
	}
	/* the extra file is loaded after the core ones */
	fp = fopen(path, "w");
	fputs("attributetype ( 1.2.3.4.5 NAME 'localAttr' SUP name )\n"
	    "objectclass ( 1.2.3.4.7 NAME 'localClass' SUP inetOrgPerson "
	    "MAY localAttr )\n", fp);
	fclose(fp);
	x = schema_load(dir, err, sizeof(err));
	CHECK(x != NULL && schema_at(x, "localAttr", 9) != NULL &&
	    schema_at(x, "localAttr", 9)->sup == schema_at(x, "name", 4),
	    "an extra file can build on core types (%s)", x ? "" : err);
	if (x != NULL)
		CHECK(oc_is_a(schema_oc(x, "localClass", 10),
		    schema_oc(x, "person", 6)), "and on core classes");
	schema_free(x);
	for (i = 0; i < NELEM(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/zz-local.schema", dir);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	char err[512];

	setvbuf(stdout, NULL, _IOLBF, 0);
	test_errors();
	test_load_dir();
	s = schema_load("schema", err, sizeof(err));
	CHECK(s != NULL, "schema/ loads (%s)", s ? "ok" : err);
	if (s == NULL)
		return check_done();
	test_shipped();
	schema_free(s);
	return check_done();
}
