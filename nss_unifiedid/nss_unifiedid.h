/*
 * nss_unifiedid.h - libnss_unifiedid.so.2: the NSS entry points (passwd,
 * group, initgroups, shadow) and the module's private helpers.
 *
 * Every lookup tries the agent's memory-mapped cache first (nssmap.h: no
 * system call), then asks the agent over its socket (agent_proto.h) with
 * one UA_TIMEOUT_LOOKUP_MS deadline.  Status mapping (glibc conventions):
 *   found                      NSS_STATUS_SUCCESS
 *   caller's buffer too small  NSS_STATUS_TRYAGAIN, *errnop = ERANGE
 *   UA_NOTFOUND, bad name      NSS_STATUS_NOTFOUND, *errnop = ENOENT
 *   agent unreachable, timed out, malformed answer, UA_UNAVAIL or any
 *   other status               NSS_STATUS_UNAVAIL, *errnop = ENOENT
 *                              (EACCES for UA_DENIED)
 * Enumerations stream one record per call over one connection per
 * database, kept with a mutex between setXXent and endXXent; a record
 * that did not fit the caller's buffer is returned by the next call.
 */
#ifndef UNIFIEDID_NSS_H
#define UNIFIEDID_NSS_H

#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <shadow.h>
#include <stddef.h>
#include <stdint.h>

#include "agent_proto.h"

#define NU_EXPORT	__attribute__((visibility("default")))
#define NU_NAME_MAX	255	/* longer names are never looked up */

/* the caller's buffer, filled from the front */
struct nu_buf {
	char	*p;
	size_t	 left;
};

/* one enumeration (passwd, group or shadow) */
struct nu_enum {
	pthread_mutex_t	 lock;
	uint16_t	 action;
	struct ua_reader rd;		/* rd.fd -1: not streaming */
	int		 done;		/* the end was reached (or an error) */
	int		 pending;	/* rec holds a record not yet returned */
	struct ua_rec	 rec;
};

#define NU_ENUM_INIT(act) { PTHREAD_MUTEX_INITIALIZER, (act), \
	{ -1, NULL, 0, 0, 0, 0, 0 }, 0, 0, { 0, NULL, NULL, 0, 0 } }

/* nss_common.c */
int		 nu_name_ok(const char *);
char		*nu_put(struct nu_buf *, const char *, size_t);
void		*nu_alloc(struct nu_buf *, size_t, size_t);
enum nss_status	 nu_query(uint16_t, const char *, struct ua_rec *, int *);
enum nss_status	 nu_query_id(uint16_t, uint32_t, struct ua_rec *, int *);
void		 nu_enum_set(struct nu_enum *);
void		 nu_enum_end(struct nu_enum *);
enum nss_status	 nu_enum_next(struct nu_enum *, int *);
void		 nu_enum_taken(struct nu_enum *, enum nss_status);
enum nss_status	 nu_erange(int *);
enum nss_status	 nu_unavail(int *);
enum nss_status	 nu_notfound(int *);

/* nss_passwd.c */
NU_EXPORT enum nss_status _nss_unifiedid_getpwnam_r(const char *,
	    struct passwd *, char *, size_t, int *);
NU_EXPORT enum nss_status _nss_unifiedid_getpwuid_r(uid_t, struct passwd *,
	    char *, size_t, int *);
NU_EXPORT enum nss_status _nss_unifiedid_setpwent(int);
NU_EXPORT enum nss_status _nss_unifiedid_getpwent_r(struct passwd *, char *,
	    size_t, int *);
NU_EXPORT enum nss_status _nss_unifiedid_endpwent(void);

/* nss_group.c */
NU_EXPORT enum nss_status _nss_unifiedid_getgrnam_r(const char *,
	    struct group *, char *, size_t, int *);
NU_EXPORT enum nss_status _nss_unifiedid_getgrgid_r(gid_t, struct group *,
	    char *, size_t, int *);
NU_EXPORT enum nss_status _nss_unifiedid_setgrent(int);
NU_EXPORT enum nss_status _nss_unifiedid_getgrent_r(struct group *, char *,
	    size_t, int *);
NU_EXPORT enum nss_status _nss_unifiedid_endgrent(void);

/* nss_initgroups.c */
NU_EXPORT enum nss_status _nss_unifiedid_initgroups_dyn(const char *, gid_t,
	    long *, long *, gid_t **, long, int *);

/* nss_shadow.c */
NU_EXPORT enum nss_status _nss_unifiedid_getspnam_r(const char *,
	    struct spwd *, char *, size_t, int *);
NU_EXPORT enum nss_status _nss_unifiedid_setspent(int);
NU_EXPORT enum nss_status _nss_unifiedid_getspent_r(struct spwd *, char *,
	    size_t, int *);
NU_EXPORT enum nss_status _nss_unifiedid_endspent(void);

#endif
