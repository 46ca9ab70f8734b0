/*
 * check.h - minimal unit-test helpers.  Each test binary prints one line
 * per check ("ok N - what" / "not ok N - what (file:line)") and ends with
 * "N passed, N failed"; it exits 1 when anything failed.
 */
#ifndef UNIFIEDID_CHECK_H
#define UNIFIEDID_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static int check_passed, check_failed;

#define CHECK(cond, ...) do {						\
	int check_ok_ = !!(cond);					\
	printf("%s %d - ", check_ok_ ? "ok" : "not ok",			\
	    check_passed + check_failed + 1);				\
	printf(__VA_ARGS__);						\
	if (!check_ok_)							\
		printf(" (%s:%d: %s)", __FILE__, __LINE__, #cond);	\
	printf("\n");							\
	if (check_ok_) check_passed++; else check_failed++;		\
} while (0)

static inline int
check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
