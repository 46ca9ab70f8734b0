/*
 * agent_proto.h - the protocol between unifiedid-agent and its clients
 * (pam_unifiedid.so, libnss_unifiedid.so.2, `unifiedid-agent` admin
 * commands).  This header is the specification; agent_proto.c is the only
 * codec, shared by both sides and depending on libc only.
 *
 * Transport: AF_UNIX SOCK_STREAM, default /run/unifiedid/agent.sock
 * (agent.yaml `socket:`; clients honour UNIFIEDID_AGENT_SOCKET through
 * secure_getenv).  ONE request per connection: the client connects,
 * writes one request, reads the response until the terminating empty
 * record, and closes.  The agent learns the caller's uid, gid and pid
 * from SO_PEERCRED; nothing in the request claims an identity.
 *
 * All integers are unsigned and in network byte order.
 *
 *   message  = header record
 *   header   = u32 magic (UA_MAGIC, "UIDA") , u16 version (UA_VERSION) ,
 *              u16 code
 *   record   = u32 nfields , nfields * field
 *   field    = u32 length , length bytes (no NUL inside; the decoder
 *              NUL-terminates each field in its own buffer)
 *
 * Request: header with code = action (enum ua_action), then exactly one
 * record with the action's arguments.
 * Response: header with code = status (enum ua_status), then zero or more
 * result records, then an empty record (nfields = 0) that ends the
 * response.  Enumerations stream their records; every other action sends
 * at most one.  A response that is cut short (EOF or timeout before the
 * empty record) is an error, never a shorter list.
 *
 * Numbers inside fields (uid, gid, seconds) are decimal ASCII without
 * sign or leading zeros ("0" itself allowed); see ua_field_u32().
 *
 * Limits: a request has at most UA_REQ_MAX_FIELDS fields and
 * UA_REQ_MAX_BYTES bytes in all (the agent checks them before reading the
 * rest, so a hostile client cannot make it allocate); a response record
 * at most UA_RESP_MAX_FIELDS fields and UA_RESP_MAX_BYTES bytes (a group
 * of a million members fits).
 *
 * Timeouts: every client call has one deadline for the whole exchange:
 * UA_TIMEOUT_LOOKUP_MS for NSS lookups, UA_TIMEOUT_AUTH_MS for PAM
 * (the agent may have to try several LDAP servers).  The agent gives a
 * client UA_TIMEOUT_SERVER_MS to send its request.  Connecting to a
 * socket nobody listens on fails at once (ECONNREFUSED / ENOENT): the
 * modules then answer "unavailable" immediately.
 *
 * ACTIONS, their argument fields and the result records:
 *
 *   UA_PW_BYNAME   [name]            -> passwd record
 *   UA_PW_BYUID    [uid]             -> passwd record
 *   UA_PW_ENUM     []                -> passwd record *   (streamed)
 *       passwd record = [name, passwd ("x"), uid, gid, gecos, dir, shell]
 *   UA_GR_BYNAME   [name]            -> group record
 *   UA_GR_BYGID    [gid]             -> group record
 *   UA_GR_ENUM     []                -> group record *    (streamed)
 *       group record = [name, passwd ("x"), gid, member...]
 *   UA_INITGROUPS  [name]            -> [gid...]  every group of the
 *       person (primary organisation first, then the other active posts'
 *       organisations, then roles with a gidNumber); the NSS module skips
 *       the one it is given.
 *   UA_SP_BYNAME   [name]            -> shadow record        (root only)
 *   UA_SP_ENUM     []                -> shadow record *      (root only)
 *       shadow record = [name, "*" (never a hash), lastchg, min, max,
 *       warn, inact, expire] (days since the epoch; "" = not set)
 *   UA_AUTH        [login, password, service, rhost]
 *       -> UA_OK with [account, flags] where account is the canonical
 *          account name (login may be a mobile number, R3) and flags a
 *          comma-separated list: "offline" (checked against the local
 *          hash; the servers were unreachable), "must-change" (the server
 *          says the password must be changed now), "expires=SECONDS"
 *          (warning before expiry), "grace=N".
 *       -> UA_AUTH_FAILED (wrong password or unknown account: the same
 *          answer, optionally [message]), UA_UNAVAIL (servers unreachable
 *          and no usable offline hash), UA_BUSY (rate limit for the
 *          calling uid).
 *   UA_ACCOUNT     [account, service]
 *       -> UA_OK with [account, accountStatus, statusReason,
 *          realNameLevel, must_change ("0"/"1"), expires_in (seconds;
 *          "" = never), group...]  where group are the names of every
 *          group the person is in (organisations' cn, roles' cn);
 *          UA_NOTFOUND, UA_UNAVAIL.
 *   UA_PASSWD      [account, old password, new password]
 *       -> UA_OK, or UA_POLICY with [message] (the server's diagnostic,
 *          to be shown verbatim), UA_AUTH_FAILED (old password wrong),
 *          UA_UNAVAIL.
 *   UA_FLUSH       []                -> UA_OK        (root only)
 *       forget the cache (entries and offline hashes stay unless the
 *       record has the field "all").
 *   UA_STATUS      []                -> [key=value...]  (root only)
 *       "server=URI" (current server or "none"), "entries=N", ...
 *
 * Any action may also answer UA_DENIED (caller not root for a root-only
 * action), UA_BAD_REQUEST (malformed request or wrong field count) or
 * UA_ERROR (internal error; details in the agent's log, never secrets).
 *
 * Passwords travel only in UA_AUTH and UA_PASSWD requests over the local
 * socket; both ends wipe them (explicit_bzero) after use and never log
 * them.  ua_action_safe_name() gives a name for logs.
 */
#ifndef UNIFIEDID_AGENT_PROTO_H
#define UNIFIEDID_AGENT_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define UA_MAGIC		0x55494441u	/* "UIDA" */
#define UA_VERSION		1
#define UA_DEFAULT_SOCKET	"/run/unifiedid/agent.sock"
#define UA_SOCKET_ENV		"UNIFIEDID_AGENT_SOCKET"

#define UA_REQ_MAX_FIELDS	8
#define UA_REQ_MAX_BYTES	(16u * 1024)
#define UA_RESP_MAX_FIELDS	(4u * 1024 * 1024)
#define UA_RESP_MAX_BYTES	(64u * 1024 * 1024)

#define UA_TIMEOUT_LOOKUP_MS	5000
#define UA_TIMEOUT_AUTH_MS	20000
#define UA_TIMEOUT_SERVER_MS	2000

enum ua_action {
	UA_PW_BYNAME = 1,
	UA_PW_BYUID = 2,
	UA_PW_ENUM = 3,
	UA_GR_BYNAME = 4,
	UA_GR_BYGID = 5,
	UA_GR_ENUM = 6,
	UA_INITGROUPS = 7,
	UA_SP_BYNAME = 8,
	UA_SP_ENUM = 9,
	UA_AUTH = 20,
	UA_ACCOUNT = 21,
	UA_PASSWD = 22,
	UA_FLUSH = 40,
	UA_STATUS = 41,
};

enum ua_status {
	UA_OK = 0,
	UA_NOTFOUND = 1,
	UA_UNAVAIL = 2,
	UA_DENIED = 3,
	UA_AUTH_FAILED = 4,
	UA_POLICY = 5,
	UA_BUSY = 6,
	UA_BAD_REQUEST = 7,
	UA_ERROR = 8,
};

/* One decoded field: p is NUL-terminated inside the record's buffer. */
struct ua_field {
	const char	*p;
	uint32_t	 len;
};

/*
 * A decoded record.  Zero-initialise before first use; ua_rec_free()
 * releases it (and wipes the bytes: records may hold passwords).  The
 * fields point into buf and are valid until the next read into the same
 * record or ua_rec_free().
 */
struct ua_rec {
	uint32_t	 n;
	struct ua_field	*f;
	char		*buf;
	size_t		 cap;		/* bytes allocated in buf */
	uint32_t	 fcap;		/* entries allocated in f */
};

/* Limits for one read: callers pick the request or response limits. */
struct ua_limits {
	uint32_t	 max_fields;
	size_t		 max_bytes;
};
extern const struct ua_limits ua_req_limits, ua_resp_limits;

/*
 * Deadlines are absolute CLOCK_MONOTONIC milliseconds: ua_deadline(ms)
 * is "ms from now".  Every I/O function below returns 0, or -1 with errno
 * set: ETIMEDOUT when the deadline passed, EPROTO for a malformed message
 * (bad magic or version, a field over the limits, a NUL in a field),
 * EMSGSIZE when over the limits, ECONNRESET on EOF mid-message, or the
 * error of the failing system call.
 */
int64_t	ua_deadline(int timeout_ms);

/*
 * Connect to the agent's socket (path NULL = ua_socket_path()).  Never
 * blocks: returns a connected non-blocking, close-on-exec fd, or -1 with
 * errno (ENOENT, ECONNREFUSED, EACCES, ENAMETOOLONG, ...).
 */
int	ua_connect(const char *path);

/* The socket path: UNIFIEDID_AGENT_SOCKET (through secure_getenv) or
 * UA_DEFAULT_SOCKET. */
const char *ua_socket_path(void);

/* Write a header and one record of n fields (lengths in f[i].len; p need
 * not be NUL-terminated). */
int	ua_write_msg(int fd, uint16_t code, const struct ua_field *f,
	    uint32_t n, int64_t deadline);
/* Write one record (after a header written with ua_write_header). */
int	ua_write_header(int fd, uint16_t code, int64_t deadline);
int	ua_write_rec(int fd, const struct ua_field *f, uint32_t n,
	    int64_t deadline);
/* Write the empty record that ends a response. */
int	ua_write_end(int fd, int64_t deadline);

/*
 * A buffered writer for responses (the agent's replies and streamed
 * enumerations): the header and records are encoded into the caller's
 * buffer (cap bytes) and sent when the next one would not fit, and by
 * ua_wbuf_flush(); ua_wbuf_end() appends the empty record and flushes.  A
 * record larger than the buffer is sent on its own (ua_write_rec).  The
 * bytes on the wire are exactly those of ua_write_header, ua_write_rec
 * and ua_write_end; only the number of system calls changes.  Each call
 * that sends waits until its deadline; every flush wipes what it sent
 * (records may carry a password).  0, or -1 with errno as ua_write_rec;
 * after -1 the response is broken (close the connection).  Unflushed
 * bytes stay in the caller's buffer: wipe it when abandoning a response.
 */
struct ua_wbuf {
	int		 fd;
	unsigned char	*b;
	size_t		 len, cap;
};
void	ua_wbuf_init(struct ua_wbuf *w, int fd, void *buf, size_t cap);
int	ua_wbuf_header(struct ua_wbuf *w, uint16_t code, int64_t deadline);
int	ua_wbuf_rec(struct ua_wbuf *w, const struct ua_field *f, uint32_t n,
	    int64_t deadline);
int	ua_wbuf_end(struct ua_wbuf *w, int64_t deadline);
int	ua_wbuf_flush(struct ua_wbuf *w, int64_t deadline);

/* Read a header; *code gets the action or status. */
int	ua_read_header(int fd, uint16_t *code, int64_t deadline);
/* Read one record within lim; r->n == 0 is the end of a response. */
int	ua_read_rec(int fd, struct ua_rec *r, const struct ua_limits *lim,
	    int64_t deadline);
void	ua_rec_free(struct ua_rec *r);

/*
 * A buffered reader for long responses (enumerations): reads ahead as
 * much as the socket holds, so that a stream of small records costs a
 * system call per buffer, not per record.  Zero-initialise, set fd; the
 * reader owns everything read from fd after that (do not mix with
 * ua_read_rec on the same fd).  Records are decoded under lim as with
 * ua_read_rec; the buffer grows for a record larger than it, within lim.
 * ua_reader_header() reads a header the same way.  ua_reader_free()
 * wipes (requests carry passwords) and frees the buffer; it does not
 * close fd.
 */
struct ua_reader {
	int	 fd;
	char	*buf;
	size_t	 cap, len, off;
	size_t	 initial;	/* first buffer size; 0: 64 KiB */
	size_t	 used;		/* bytes ever filled (wiped when freed) */
};
int	ua_reader_header(struct ua_reader *rd, uint16_t *code,
	    int64_t deadline);
int	ua_reader_rec(struct ua_reader *rd, struct ua_rec *r,
	    const struct ua_limits *lim, int64_t deadline);
void	ua_reader_free(struct ua_reader *rd);

/*
 * Client convenience: connect, send action with its fields, read the
 * status header.  Returns the fd positioned at the first result record
 * with *status set, or -1 with errno (the caller treats any -1 as
 * "agent unavailable").  The caller reads records with ua_read_rec until
 * n == 0 and closes the fd.
 */
int	ua_call(const char *path, uint16_t action, const struct ua_field *f,
	    uint32_t n, uint16_t *status, int64_t deadline);
/* The same with the response read through rd (zero-initialised, initial
 * may be set): 0 with rd->fd open and the header consumed, or -1 (rd->fd
 * -1, rd freed).  Fewer system calls than ua_call + ua_read_rec. */
int	ua_call_rd(const char *path, uint16_t action,
	    const struct ua_field *f, uint32_t n, uint16_t *status,
	    int64_t deadline, struct ua_reader *rd);

/* Parse a decimal uid/gid/number field: 0, or -1 if not a number that
 * fits in 32 bits (no sign, no leading zeros, no spaces). */
int	ua_field_u32(const struct ua_field *f, uint32_t *out);
/* A field from a C string. */
struct ua_field ua_str(const char *s);

/* Names for logs (never the fields). */
const char *ua_action_name(uint16_t action);
const char *ua_status_name(uint16_t status);

#endif
