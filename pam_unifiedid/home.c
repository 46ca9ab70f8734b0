/*
 * home.c - create a missing home directory at the first login (module
 * argument mkhomedir): the directory the passwd entry names (getpwnam,
 * through NSS and so through nss_unifiedid), mode 0700, a copy of the skel
 * directory, everything owned by the person.
 *
 * The new directory stays root's and private until it is filled, and
 * every file is opened relative to a directory descriptor with O_NOFOLLOW,
 * so nothing in the skel or a racing user can redirect the copy.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modutil.h>

#include "pam_unifiedid.h"

#define HOME_MAX_DEPTH	16

struct home_owner {
	uid_t	uid;
	gid_t	gid;
};

static int
home_copy_file(int sfd, int dfd, const char *name, const struct stat *st,
    const struct home_owner *o)
{
	char	 buf[16384];
	ssize_t	 r;
	int	 in, out, rc = -1;

	if ((in = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (out == -1)
		goto done;
	while ((r = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)r) != r)
			goto done;
	if (r == 0 && fchown(out, o->uid, o->gid) == 0 &&
	    fchmod(out, st->st_mode & 0777) == 0)
		rc = 0;
done:
	if (out != -1)
		close(out);
	close(in);
	return rc;
}

static int home_copy_tree(int, int, const struct home_owner *, int);

static int
home_copy_dir(int sfd, int dfd, const char *name, const struct stat *st,
    const struct home_owner *o, int depth)
{
	int	s, d, rc = -1;

	if (mkdirat(dfd, name, 0700) == -1)
		return -1;
	if ((s = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return -1;
	if ((d = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) != -1) {
		if (home_copy_tree(s, d, o, depth + 1) == 0 &&
		    fchown(d, o->uid, o->gid) == 0 &&
		    fchmod(d, st->st_mode & 0777) == 0)
			rc = 0;
		close(d);
	}
	close(s);
	return rc;
}

static int
home_copy_link(int sfd, int dfd, const char *name, const struct home_owner *o)
{
	char	target[PATH_MAX];
	ssize_t	len;

	if ((len = readlinkat(sfd, name, target, sizeof(target) - 1)) == -1)
		return -1;
	target[len] = '\0';
	if (symlinkat(target, dfd, name) == -1)
		return -1;
	return fchownat(dfd, name, o->uid, o->gid, AT_SYMLINK_NOFOLLOW);
}

/* Copy what the directory sfd holds into dfd (both open). */
static int
home_copy_tree(int sfd, int dfd, const struct home_owner *o, int depth)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*dir;
	int		 fd, rc = 0;

	if (depth > HOME_MAX_DEPTH || (fd = dup(sfd)) == -1)
		return -1;
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while (rc == 0 && (de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(sfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			rc = -1;
		else if (S_ISDIR(st.st_mode))
			rc = home_copy_dir(sfd, dfd, de->d_name, &st, o, depth);
		else if (S_ISREG(st.st_mode))
			rc = home_copy_file(sfd, dfd, de->d_name, &st, o);
		else if (S_ISLNK(st.st_mode))
			rc = home_copy_link(sfd, dfd, de->d_name, o);
		/* devices, fifos and sockets are not copied */
	}
	closedir(dir);
	return rc;
}

/* mkdir -p of the parents of path (root's, 0755), as pam_mkhomedir. */
static int
home_parents(const char *path)
{
	char	buf[PATH_MAX], *p;

	if (strlen(path) >= sizeof(buf))
		return -1;
	memcpy(buf, path, strlen(path) + 1);
	for (p = buf + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

int
home_make(pam_handle_t *pamh, int flags, const struct pu_args *a,
    const char *user)
{
	const struct passwd	*pw;
	struct home_owner	 o;
	struct stat		 st;
	int			 hfd = -1, sfd = -1, rc = PAM_SESSION_ERR;

	if ((pw = pam_modutil_getpwnam(pamh, user)) == NULL) {
		pam_syslog(pamh, LOG_ERR, "mkhomedir: no passwd entry for %s",
		    user);
		return PAM_USER_UNKNOWN;
	}
	if (pw->pw_dir == NULL || pw->pw_dir[0] != '/' ||
	    strcmp(pw->pw_dir, "/") == 0) {
		pam_syslog(pamh, LOG_ERR, "mkhomedir: %s has no usable home",
		    user);
		return PAM_SESSION_ERR;
	}
	if (lstat(pw->pw_dir, &st) == 0)
		return PAM_SUCCESS;
	o.uid = pw->pw_uid;
	o.gid = pw->pw_gid;
	if (errno != ENOENT || home_parents(pw->pw_dir) == -1 ||
	    mkdir(pw->pw_dir, 0700) == -1)
		goto fail;
	if ((hfd = open(pw->pw_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		goto fail;
	if ((sfd = open(a->skel, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1 &&
	    home_copy_tree(sfd, hfd, &o, 0) == -1)
		goto fail;
	if (fchmod(hfd, 0700) == -1 || fchown(hfd, o.uid, o.gid) == -1)
		goto fail;
	msg_show(pamh, flags, PAM_TEXT_INFO, "Created the home directory %s.",
	    pw->pw_dir);
	pam_syslog(pamh, LOG_INFO, "created home directory %s for %s",
	    pw->pw_dir, user);
	rc = PAM_SUCCESS;
	goto done;
fail:
	pam_syslog(pamh, LOG_ERR, "mkhomedir: %s for %s: %m", pw->pw_dir,
	    user);
done:
	if (sfd != -1)
		close(sfd);
	if (hfd != -1)
		close(hfd);
	return rc;
}
