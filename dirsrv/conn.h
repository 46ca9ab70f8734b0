/* conn.h - the connection structure, shared by conn.c and server.c. */
#ifndef UNIFIEDID_CONN_H
#define UNIFIEDID_CONN_H

#include <sys/types.h>

struct conn {
	int		 fd;
	uint64_t	 id;
	int		 ldapi;
	uid_t		 peer_uid;
	gid_t		 peer_gid;
	char		 peer[80];
	char		 addr[64];	/* client address without port */
	struct buf	 in;
	pthread_mutex_t	 mu;		/* out, bind identity, refs */
	struct buf	 out;
	struct berval	 binddn, bindndn;
	int		 isroot;
	int		 restricted;	/* must change the password first */
	uint64_t	 last_ms;
	int		 closing;
	int		 refs;
	struct ssl_st	*ssl;		/* TLS (ldaps://, or after StartTLS) */
	int		 tls_want_write;
	int		 starttls;	/* switch to TLS once the answer is out */
	struct conn	*rq_next;	/* ready queue */
	struct conn	*next, *prev;	/* all connections */
};

struct conn	*conn_new(int fd, int ldapi, uid_t uid, const char *peer);
void		 conn_handle(struct conn *, uint32_t events);
void		 conn_unref(struct conn *);
ssize_t		 conn_frame(const unsigned char *, size_t, size_t max);
int		 op_decode(struct op *, struct berval *pdu);
/* server.c */
void		 conn_close(struct conn *);
void		 server_requeue(struct conn *);
/* tls.c */
int		 tls_start(struct conn *);
void		 tls_free(struct conn *);
ssize_t		 tls_read(struct conn *, void *, size_t);
ssize_t		 tls_write(struct conn *, const void *, size_t);

#endif
