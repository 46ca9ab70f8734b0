/*
 * msg.c - messages to the person, in their language (po/zh_CN-pam.po).
 *
 * A PAM module runs inside someone else's program.  When that program
 * chose a message locale (setlocale), the module follows it.  Many do not
 * (sshd, pamtester, small daemons): their LC_MESSAGES stays "C", which
 * would make every message English.  Then the module takes the language
 * from the environment for the length of one lookup, through a
 * thread-local locale (uselocale), never touching the program's global
 * one.  If the named locale is not installed, C.UTF-8 is used so that
 * LANGUAGE (e.g. LANGUAGE=zh_CN) still chooses the catalogue.
 */
#include <libintl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "pam_unifiedid.h"

#ifndef LOCALEDIR
#error "LOCALEDIR must be defined (the Makefile does)"
#endif

struct msg_loc {
	locale_t	 loc;
	locale_t	 old;
};

static int
msg_is_c(const char *s)
{
	return s == NULL || *s == '\0' || strcmp(s, "C") == 0 ||
	    strcmp(s, "POSIX") == 0;
}

static void
msg_enter(struct msg_loc *m)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char	*name = NULL;
	size_t		 i;

	m->loc = (locale_t)0;
	bindtextdomain(PU_DOMAIN, LOCALEDIR);
	bind_textdomain_codeset(PU_DOMAIN, "UTF-8");
	if (!msg_is_c(setlocale(LC_MESSAGES, NULL)))
		return;		/* the program chose: follow it */
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]) && name == NULL; i++)
		if ((name = getenv(vars[i])) != NULL && *name == '\0')
			name = NULL;
	if (!msg_is_c(name))
		m->loc = newlocale(LC_MESSAGES_MASK, name, (locale_t)0);
	if (m->loc == (locale_t)0 && getenv("LANGUAGE") != NULL)
		m->loc = newlocale(LC_MESSAGES_MASK, "C.UTF-8", (locale_t)0);
	if (m->loc != (locale_t)0)
		m->old = uselocale(m->loc);
}

static void
msg_leave(struct msg_loc *m)
{
	if (m->loc == (locale_t)0)
		return;
	uselocale(m->old);
	freelocale(m->loc);
}

static void
msg_send(pam_handle_t *pamh, int flags, int style, const char *text)
{
	if (flags & PAM_SILENT)
		return;
	(void)pam_prompt(pamh, style, NULL, "%s", text);
}

/* Show a translated, formatted message (style PAM_TEXT_INFO or
 * PAM_ERROR_MSG) unless the application asked for silence. */
void
msg_show(pam_handle_t *pamh, int flags, int style, const char *fmt, ...)
{
	struct msg_loc	 m;
	va_list		 ap;
	char		 buf[1024];

	msg_enter(&m);
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), dgettext(PU_DOMAIN, fmt), ap);
	va_end(ap);
	msg_leave(&m);
	msg_send(pamh, flags, style, buf);
}

/* The same with a plural form chosen by n (the catalogue's rule). */
void
msg_show_plural(pam_handle_t *pamh, int flags, int style, const char *one,
    const char *many, unsigned long n, ...)
{
	struct msg_loc	 m;
	va_list		 ap;
	char		 buf[1024];

	msg_enter(&m);
	va_start(ap, n);
	vsnprintf(buf, sizeof(buf), dngettext(PU_DOMAIN, one, many, n), ap);
	va_end(ap);
	msg_leave(&m);
	msg_send(pamh, flags, style, buf);
}

/* Text from the server (a policy diagnostic), shown as it came. */
void
msg_verbatim(pam_handle_t *pamh, int flags, int style, const char *text)
{
	msg_send(pamh, flags, style, text);
}

/* A translated prompt; the string lives in the loaded catalogue. */
const char *
msg_prompt(const char *msgid)
{
	struct msg_loc	 m;
	const char	*s;

	msg_enter(&m);
	s = dgettext(PU_DOMAIN, msgid);
	msg_leave(&m);
	return s;
}
