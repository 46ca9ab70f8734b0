/*
 * nssmap.h - the agent's read-only memory-mapped NSS cache: format and
 * reader API.  The agent (agent/) writes it; libnss_unifiedid.so.2 maps it
 * and answers hot lookups with no system call (SSSD's "memcache" idea).
 * The reader (nssmap.c) depends on libc only.
 *
 * File: "nss.map" next to the agent's socket (/run/unifiedid/nss.map, or
 * dirname($UNIFIEDID_AGENT_SOCKET)/nss.map).  Owned by root (or by the
 * euid of the reading process, for tests), mode 0644, never writable by
 * group or others: the reader refuses anything else.
 *
 * Publication: the agent builds a complete new file under a temporary
 * name in the same directory, renames it over nss.map, and only then
 * stores 1 in the OLD file's `invalid` word.  Apart from `invalid` and
 * `heartbeat` (naturally aligned 32/64-bit words written atomically), a
 * published file is never modified, so a reader can never see a torn
 * record.  The agent stores the current time in `heartbeat` every
 * NSSMAP_HEARTBEAT seconds; a reader ignores a map whose heartbeat is
 * older than NSSMAP_STALE seconds (agent killed) or whose `invalid` is
 * set, and goes to the socket instead (which reports "unavailable" at once
 * when the agent is gone).  On a clean stop the agent sets `invalid`.
 *
 * Layout: all integers little-endian host order (the file never leaves
 * the host), every offset relative to the start of the file, records
 * 4-byte aligned.
 *
 *   struct nssmap_header   at offset 0
 *   hash tables            u32 slots: the offset of the first record of
 *                          the bucket, 0 = empty; nslots a power of two
 *   records                passwd and group records, each chained to the
 *                          next record of the same bucket by the next_*
 *                          fields (0 = end)
 *
 * Hashes: names by nssmap_hash_name (FNV-1a 32), ids by nssmap_hash_id;
 * bucket = hash & (nslots - 1).
 *
 * A reader trusts nothing: every offset and length is checked against the
 * file size before use, strings must end with NUL exactly where their
 * length says, chains are followed at most `count` steps (no cycles),
 * counts times sizes may not overflow.  Anything wrong = "not in the map"
 * (the lookup goes to the socket).
 */
#ifndef UNIFIEDID_NSSMAP_H
#define UNIFIEDID_NSSMAP_H

#include <stddef.h>
#include <stdint.h>

#define NSSMAP_MAGIC		"UIDNSS1"	/* 8 bytes with the NUL */
#define NSSMAP_VERSION		1
#define NSSMAP_FILE		"nss.map"
#define NSSMAP_HEARTBEAT	5		/* seconds */
#define NSSMAP_STALE		20		/* seconds */
#define NSSMAP_MAX_SIZE		(2u * 1024 * 1024 * 1024 - 1)

struct nssmap_table {
	uint32_t	offset;		/* of the u32 slot array */
	uint32_t	nslots;		/* power of two, >= 1 */
};

struct nssmap_header {
	char		magic[8];	/* NSSMAP_MAGIC */
	uint32_t	version;	/* NSSMAP_VERSION */
	uint32_t	header_size;	/* sizeof(struct nssmap_header) */
	uint32_t	file_size;	/* must equal the file's size */
	uint32_t	invalid;	/* 0, or 1: superseded or agent stopped */
	int64_t		heartbeat;	/* time(NULL) of the agent's last beat */
	uint64_t	generation;	/* increases with every publication */
	uint32_t	pw_count;	/* passwd records */
	uint32_t	gr_count;	/* group records */
	struct nssmap_table pw_name;	/* chained by next_name */
	struct nssmap_table pw_uid;	/* chained by next_id */
	struct nssmap_table gr_name;	/* chained by next_name */
	struct nssmap_table gr_gid;	/* chained by next_id */
	uint32_t	reserved[8];	/* 0 */
};

/*
 * A passwd record, followed by
 *   uint32_t gids[ngroups]   every group for initgroups (UA_INITGROUPS
 *                            order: primary organisation first)
 *   char     name[name_len + 1], gecos[gecos_len + 1], dir[dir_len + 1],
 *            shell[shell_len + 1]      each NUL-terminated, in this order
 * rec_size counts the whole record (header, gids, strings), rounded up to
 * a multiple of 4.  passwd is always "x".
 */
struct nssmap_pw {
	uint32_t	rec_size;
	uint32_t	next_name;
	uint32_t	next_id;
	uint32_t	uid;
	uint32_t	gid;
	uint32_t	ngroups;
	uint16_t	name_len;
	uint16_t	gecos_len;
	uint16_t	dir_len;
	uint16_t	shell_len;
};

/*
 * A group record, followed by
 *   char name[name_len + 1]
 *   char members[members_len]   nmem NUL-terminated names back to back
 *                               (members_len counts their NULs)
 * rec_size rounded up to a multiple of 4.  passwd is always "x".
 */
struct nssmap_gr {
	uint32_t	rec_size;
	uint32_t	next_name;
	uint32_t	next_id;
	uint32_t	gid;
	uint32_t	nmem;
	uint32_t	members_len;
	uint16_t	name_len;
	uint16_t	pad;
};

static inline uint32_t
nssmap_hash_name(const char *s, size_t len)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static inline uint32_t
nssmap_hash_id(uint32_t id)
{
	id ^= id >> 16;
	id *= 0x7feb352du;
	id ^= id >> 15;
	id *= 0x846ca68bu;
	id ^= id >> 16;
	return id;
}

/*
 * Reader API (nssmap.c, libc only, thread-safe).  Results point into the
 * mapping and are copied out by the caller (the NSS module packs them
 * into the caller's buffer) while the caller holds the read reference:
 *
 *	struct nssmap_ref ref;
 *	const struct nssmap_pw *pw;
 *	if (nssmap_acquire(&ref) == 0) {
 *		if ((pw = nssmap_pw_byname(&ref, name)) != NULL)
 *			... nssmap_pw_name(pw) etc. ...
 *		nssmap_release(&ref);
 *	}
 *
 * nssmap_acquire() maps (or re-maps, when superseded or stale) the file
 * and returns 0, or -1 when there is no usable map (then ask the socket).
 */
struct nssmap_ref {
	const void	*base;
	uint32_t	 size;
};

int	nssmap_acquire(struct nssmap_ref *ref);
void	nssmap_release(struct nssmap_ref *ref);

const struct nssmap_pw *nssmap_pw_byname(const struct nssmap_ref *,
	    const char *name);
const struct nssmap_pw *nssmap_pw_byuid(const struct nssmap_ref *, uint32_t);
const struct nssmap_gr *nssmap_gr_byname(const struct nssmap_ref *,
	    const char *name);
const struct nssmap_gr *nssmap_gr_bygid(const struct nssmap_ref *, uint32_t);

/* Parts of a record returned above (already validated). */
const uint32_t *nssmap_pw_gids(const struct nssmap_pw *);
const char *nssmap_pw_name(const struct nssmap_pw *);
const char *nssmap_pw_gecos(const struct nssmap_pw *);
const char *nssmap_pw_dir(const struct nssmap_pw *);
const char *nssmap_pw_shell(const struct nssmap_pw *);
const char *nssmap_gr_name(const struct nssmap_gr *);
const char *nssmap_gr_members(const struct nssmap_gr *);	/* first */

/* For tests and the fuzz target: validate and look up in a buffer that
 * is not the published file (no ownership checks, no heartbeat). */
int	nssmap_ref_from_buffer(struct nssmap_ref *ref, const void *p,
	    size_t len);

/* The map path for a socket path (dirname + "/" NSSMAP_FILE) into buf;
 * 0, or -1 if it does not fit. */
int	nssmap_path(const char *socket_path, char *buf, size_t len);

/*
 * Writer API (nssmap_write.c; used by the agent only).  The agent hands
 * over everything it knows; nssmap_publish() builds the new file under a
 * temporary name, renames it over the map and then invalidates the file
 * it published before.  Strings are copied; the inputs may be freed after
 * the call.  Entries with a name over 65535 bytes or duplicate keys are
 * skipped (first one wins) and counted in *skipped when not NULL.
 */
struct nssmap_pw_in {
	const char	*name, *gecos, *dir, *shell;
	uint32_t	 uid, gid;
	const uint32_t	*gids;		/* every group, primary first */
	uint32_t	 ngroups;
};

struct nssmap_gr_in {
	const char	*name;
	uint32_t	 gid;
	const char *const *members;
	uint32_t	 nmem;
};

struct nssmap_writer;

/* path: the map file (e.g. /run/unifiedid/nss.map).  NULL on error. */
struct nssmap_writer *nssmap_writer_open(const char *path);
/* 0, or -1 with errno (the previous map stays published). */
int	nssmap_publish(struct nssmap_writer *, const struct nssmap_pw_in *,
	    size_t npw, const struct nssmap_gr_in *, size_t ngr,
	    size_t *skipped);
/* Store time(NULL) in the current map's heartbeat (call every
 * NSSMAP_HEARTBEAT seconds). */
void	nssmap_heartbeat(struct nssmap_writer *);
/* Invalidate the current map (clean stop), unlink it and free. */
void	nssmap_writer_close(struct nssmap_writer *);

#endif
