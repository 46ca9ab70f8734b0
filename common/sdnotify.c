/*
 * sdnotify.c - tell systemd about the service's state (sd_notify(3)'s
 * protocol: one datagram to $NOTIFY_SOCKET), without linking libsystemd.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

void
sd_notify_msg(const char *msg)
{
	const char		*path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un	 sun = { .sun_family = AF_UNIX };
	socklen_t		 sl;
	int			 fd;

	if (path == NULL || *path == '\0' ||
	    strlen(path) >= sizeof(sun.sun_path))
		return;
	memcpy(sun.sun_path, path, strlen(path));
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';	/* abstract namespace */
	sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sun, sl) < 0)
		log_warn("sd_notify: %s", strerror(errno));
	close(fd);
}
