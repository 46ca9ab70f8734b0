/*
 * util.h - small shared helpers: logging, growable byte buffers, an arena
 * allocator for per-request memory, and checked allocation.
 */
#ifndef UNIFIEDID_UTIL_H
#define UNIFIEDID_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* log.c */
enum log_level { LOG_L_ERROR = 0, LOG_L_WARN, LOG_L_INFO, LOG_L_DEBUG };
extern int log_verbosity;
void	log_msg(enum log_level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
#define log_err(...)	log_msg(LOG_L_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_L_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_L_INFO, __VA_ARGS__)
#define log_debug(...)	do { if (log_verbosity >= LOG_L_DEBUG) \
				log_msg(LOG_L_DEBUG, __VA_ARGS__); } while (0)

/* sdnotify.c: a state line ("READY=1") to systemd when $NOTIFY_SOCKET is set */
void	sd_notify_msg(const char *);

/* xmalloc.c: abort on allocation failure (the daemon cannot go on) */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

/* buf.c: growable byte buffer */
struct buf {
	unsigned char	*p;
	size_t		 len;
	size_t		 cap;
};
void	buf_reserve(struct buf *, size_t more);
void	buf_add(struct buf *, const void *, size_t);
void	buf_addc(struct buf *, int c);
void	buf_addstr(struct buf *, const char *);
void	buf_printf(struct buf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	buf_consume(struct buf *, size_t n);	/* drop n bytes from the front */
void	buf_free(struct buf *);
/* NUL-terminate without counting the NUL in len; returns p */
char	*buf_cstr(struct buf *);

/* arena.c: bump allocator; everything is freed at once */
struct arena_chunk;
struct arena {
	struct arena_chunk	*head;
	size_t			 used;	/* in head */
	size_t			 total;	/* bytes handed out, for limits */
};
void	*arena_alloc(struct arena *, size_t);
void	*arena_calloc(struct arena *, size_t n, size_t size);
char	*arena_strndup(struct arena *, const char *, size_t);
void	*arena_memdup(struct arena *, const void *, size_t);
void	 arena_reset(struct arena *);	/* free all but keep the first chunk */
void	 arena_free(struct arena *);
/* free the calling thread's cached chunks (at thread exit) */
void	 arena_thread_cleanup(void);

/* time helpers */
uint64_t now_ms_monotonic(void);
/* format t (UTC) as GeneralizedTime "YYYYMMDDHHMMSSZ" into out[16] */
void	 gentime_format(long long t, char out[16]);

#endif
