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

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# make install DESTDIR=... PREFIX=/usr: FHS places (contract section 1).
# Packagers also set LOCALEDIR=$(PREFIX)/share/locale when building.
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
install: all
	install -D -m 0755 $(B)/unifiedid-dirsrv $(DESTDIR)$(PREFIX)/sbin/unifiedid-dirsrv
	install -D -m 0755 $(B)/unifiedid $(DESTDIR)$(PREFIX)/bin/unifiedid
	install -d $(DESTDIR)$(PREFIX)/share/unifiedid/schema
	install -m 0644 schema/*.schema $(DESTDIR)$(PREFIX)/share/unifiedid/schema/
	install -D -m 0640 etc/dirsrv.yaml $(DESTDIR)$(SYSCONFDIR)/unifiedid/dirsrv.yaml
	for mo in $(MO); do \
		l=$${mo#$(B)/locale/}; \
		install -D -m 0644 $$mo $(DESTDIR)$(PREFIX)/share/locale/$$l; \
	done
