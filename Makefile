# UnifiedID top-level Makefile.  `make` builds everything into build/.
# `make check` installs missing Debian dependencies, builds and runs all tests.
# `make asan` builds with ASan+UBSan into build-asan/ and runs the same suite.

VERSION := $(shell cat VERSION)
B ?= build
CC ?= cc
SAN ?=

WARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wvla -Wno-unused-parameter
HARDEN := -fstack-protector-strong -fPIE -D_FORTIFY_SOURCE=2
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE -DUNIFIEDID_VERSION='"$(VERSION)"' \
	$(WARN) $(HARDEN) $(CFLAGS) -Icommon -Idirsrv -MMD -MP
LDFLAGS_H := -pie -Wl,-z,relro,-z,now -Wl,--as-needed
LIBS_DIRSRV := -lldap -llber -llmdb -lssl -lcrypto -lyaml -lcrypt -lpthread

ifeq ($(SAN),1)
ALL_CFLAGS := $(filter-out -D_FORTIFY_SOURCE=2,$(ALL_CFLAGS)) -U_FORTIFY_SOURCE \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -O1
LDFLAGS_H += -fsanitize=address,undefined
endif

COMMON_SRC := $(wildcard common/*.c)
TOOLS_SRC := $(wildcard tools/*.c)
TOOLS_OBJ := $(TOOLS_SRC:%.c=$(B)/obj/%.o)
DIRSRV_SRC := $(filter-out dirsrv/main.c,$(wildcard dirsrv/*.c))
COMMON_OBJ := $(COMMON_SRC:%.c=$(B)/obj/%.o)
DIRSRV_OBJ := $(DIRSRV_SRC:%.c=$(B)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all deps check test asan demo clean fuzz bench install
all: $(B)/unifiedid-dirsrv $(B)/unifiedid $(UNIT_BIN)

# host side (contract section 5): the agent links the field's libraries;
# the NSS and PAM modules are libc (and libpam) only, position-independent,
# exporting only their entry points (version scripts)
AGENT_SRC := $(wildcard agent/*.c)
AGENT_OBJ := $(AGENT_SRC:%.c=$(B)/obj/%.o)
MOD_COMMON := common/agent_proto.c
NSS_SRC := $(wildcard nss_unifiedid/*.c) $(MOD_COMMON) common/nssmap.c
PAM_SRC := $(wildcard pam_unifiedid/*.c) $(MOD_COMMON)
NSS_OBJ := $(NSS_SRC:%.c=$(B)/pic/%.o)
PAM_OBJ := $(PAM_SRC:%.c=$(B)/pic/%.o)
PIC_CFLAGS = $(filter-out -fPIE,$(ALL_CFLAGS)) -fPIC -fvisibility=hidden \
	-DLOCALEDIR='"$(LOCALEDIR)"'
LDFLAGS_SO := -shared -Wl,-z,relro,-z,now -Wl,--as-needed
ifneq ($(SAN),1)
LDFLAGS_SO += -Wl,-z,defs
else
LDFLAGS_SO += -fsanitize=address,undefined
endif
ifneq ($(AGENT_SRC),)
all: $(B)/unifiedid-agent
endif
ifneq ($(wildcard nss_unifiedid/*.c),)
all: $(B)/libnss_unifiedid.so.2
endif
ifneq ($(wildcard pam_unifiedid/*.c),)
all: $(B)/pam_unifiedid.so
endif

$(B)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(PIC_CFLAGS) -c $< -o $@

$(B)/unifiedid-agent: $(AGENT_OBJ) $(COMMON_OBJ)
	$(CC) $(LDFLAGS_H) -o $@ $^ $(LIBS_DIRSRV)
$(AGENT_OBJ): ALL_CFLAGS += -Iagent

$(B)/libnss_unifiedid.so.2: $(NSS_OBJ) nss_unifiedid/exports.map
	$(CC) $(LDFLAGS_SO) -Wl,-soname,libnss_unifiedid.so.2 \
	    -Wl,--version-script=nss_unifiedid/exports.map -o $@ $(NSS_OBJ)

$(B)/pam_unifiedid.so: $(PAM_OBJ) pam_unifiedid/exports.map
	$(CC) $(LDFLAGS_SO) -Wl,--version-script=pam_unifiedid/exports.map \
	    -o $@ $(PAM_OBJ) -lpam

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/libcore.a: $(COMMON_OBJ) $(DIRSRV_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/unifiedid-dirsrv: $(B)/obj/dirsrv/main.o $(B)/libcore.a
	$(CC) $(LDFLAGS_H) -o $@ $^ $(LIBS_DIRSRV)

# the command-line client: libldap and the shared code, not the server
$(B)/unifiedid: $(TOOLS_OBJ) $(COMMON_OBJ)
	$(CC) $(LDFLAGS_H) -o $@ $^ -lldap -llber -lssl -lcrypto -lcrypt

# translations of the client's messages (po/): compiled into $(B)/locale,
# where an uninstalled build finds them; packagers set LOCALEDIR
LOCALEDIR ?= $(abspath $(B))/locale
# po/LANG.po holds the CLI's messages; po/LANG-COMPONENT.po (e.g.
# zh_CN-pam.po) those of another component; all go into one catalogue.
PO := $(filter-out $(wildcard po/*-*.po),$(wildcard po/*.po))
MO := $(PO:po/%.po=$(B)/locale/%/LC_MESSAGES/unifiedid.mo)
all: $(MO)
$(TOOLS_OBJ): ALL_CFLAGS += -DLOCALEDIR='"$(LOCALEDIR)"'
.SECONDEXPANSION:
$(B)/locale/%/LC_MESSAGES/unifiedid.mo: po/%.po $$(wildcard po/%-*.po)
	@mkdir -p $(dir $@)
	for p in $^; do msgfmt --check -o /dev/null $$p || exit 1; done
	msgcat --use-first -o $@.po $^ && msgfmt --check -o $@ $@.po && rm -f $@.po
# after changing messages: regenerate the template, merge into each .po
.PHONY: update-po
update-po:
	xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
	    --keyword=C_:1c,2 --keyword=NC_:1c,2 --add-comments=TRANSLATORS: \
	    --package-name=unifiedid --package-version=$(VERSION) \
	    --msgid-bugs-address= --sort-by-file -o po/unifiedid.pot $(sort $(TOOLS_SRC))
	for p in $(PO); do msgmerge --quiet --update --backup=none $$p po/unifiedid.pot; done
	xgettext --from-code=UTF-8 --language=C --keyword=msg_show:4 \
	    --keyword=msg_show_plural:4,5 --keyword=msg_prompt:1 --keyword=N_ \
	    --add-comments=TRANSLATORS: --package-name=unifiedid \
	    --package-version=$(VERSION) --msgid-bugs-address= --sort-by-file \
	    -o po/unifiedid-pam.pot $(sort $(wildcard pam_unifiedid/*.c))
	for p in $(wildcard po/*-pam.po); do msgmerge --quiet --update --backup=none $$p po/unifiedid-pam.pot; done

$(B)/tests/%: tests/unit/%.c $(B)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS_H) -o $@ $< $(B)/libcore.a $(LIBS_DIRSRV)

deps:
	@sh scripts/deps

check: deps
	$(MAKE) all
	B=$(B) sh tests/run

asan: deps
	$(MAKE) B=build-asan SAN=1 all
	B=build-asan UNIFIEDID_ASAN=1 sh tests/run

demo: deps
	$(MAKE) all
	sh scripts/demo

fuzz: deps
	sh tests/fuzz/build-and-run

bench: deps
	$(MAKE) all
	sh bench/run

# host lookups: our NSS module, nslcd and SSSD side by side (root, ~25 min;
# BENCH_QUICK=1 ~5 min); docs/performance.md, "Host lookups (NSS)"
.PHONY: bench-nss
bench-nss: deps
	$(MAKE) all
	bash bench/nss/run

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(B)/obj $(B)/pic -name '*.d' 2>/dev/null)

# make install DESTDIR=... PREFIX=/usr: FHS places (contract section 1).
# Packagers also set LOCALEDIR=$(PREFIX)/share/locale when building.
# Everything goes under $(DESTDIR); the host-side parts are installed when
# their sources exist (agent/, nss_unifiedid/, pam_unifiedid/).
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
MULTIARCH := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
LIBDIR ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
PAMDIR ?= $(LIBDIR)/security
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
PAMCONFIGDIR ?= $(PREFIX)/share/pam-configs
MAN := $(wildcard man/*.[158])
# the ldapi socket is /run/unifiedid/dirsrv/ldapi and the agent's cache
# /var/cache/unifiedid: /run/unifiedid itself (the agent's socket and NSS
# map) and the offline hashes stay root's (docs/packaging.md)
install: all
	install -D -m 0755 $(B)/unifiedid-dirsrv $(DESTDIR)$(PREFIX)/sbin/unifiedid-dirsrv
	install -D -m 0755 $(B)/unifiedid $(DESTDIR)$(PREFIX)/bin/unifiedid
	install -d $(DESTDIR)$(PREFIX)/share/unifiedid/schema
	install -m 0644 schema/*.schema $(DESTDIR)$(PREFIX)/share/unifiedid/schema/
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/unifiedid
	install -m 0640 etc/dirsrv.yaml $(DESTDIR)$(SYSCONFDIR)/unifiedid/dirsrv.yaml
	for mo in $(MO); do \
		l=$${mo#$(B)/locale/}; \
		install -D -m 0644 $$mo $(DESTDIR)$(PREFIX)/share/locale/$$l; \
	done
	install -D -m 0644 packaging/systemd/unifiedid-dirsrv.service $(DESTDIR)$(UNITDIR)/unifiedid-dirsrv.service
	install -D -m 0644 packaging/systemd/unifiedid.sysusers $(DESTDIR)$(SYSUSERSDIR)/unifiedid.conf
	for m in $(MAN); do \
		s=$${m##*.}; \
		install -d $(DESTDIR)$(MANDIR)/man$$s; \
		sed 's/@VERSION@/$(VERSION)/g' $$m > $(DESTDIR)$(MANDIR)/man$$s/$${m#man/}; \
		chmod 0644 $(DESTDIR)$(MANDIR)/man$$s/$${m#man/}; \
	done
ifneq ($(AGENT_SRC),)
	install -D -m 0755 $(B)/unifiedid-agent $(DESTDIR)$(PREFIX)/sbin/unifiedid-agent
	install -D -m 0644 packaging/systemd/unifiedid-agent.service $(DESTDIR)$(UNITDIR)/unifiedid-agent.service
	install -m 0644 etc/agent.yaml $(DESTDIR)$(SYSCONFDIR)/unifiedid/agent.yaml
endif
ifneq ($(wildcard nss_unifiedid/*.c),)
	install -D -m 0644 $(B)/libnss_unifiedid.so.2 $(DESTDIR)$(LIBDIR)/libnss_unifiedid.so.2
endif
ifneq ($(wildcard pam_unifiedid/*.c),)
	install -D -m 0644 $(B)/pam_unifiedid.so $(DESTDIR)$(PAMDIR)/pam_unifiedid.so
	install -D -m 0644 packaging/pam-configs/unifiedid $(DESTDIR)$(PAMCONFIGDIR)/unifiedid
endif

# Distribution packages (issue 6, docs/packaging.md).  Each target
# installs the tools it needs (packaging/deps); the tree stays clean.
PKGOUT ?= $(B)/packages
.PHONY: deb rpm deb-test
deb: deps
	sh packaging/deps deb
	sh packaging/build-deb.sh $(PKGOUT)
rpm: deps
	sh packaging/deps rpm
	sh packaging/build-rpm.sh $(PKGOUT)
deb-test: deb
	sh packaging/deps deb-test
	sh packaging/test-deb.sh $(PKGOUT)
