# failoverdns: POSIX make.  PREFIX, MANPREFIX and DESTDIR as usual.
# CPPFLAGS, CFLAGS and LDFLAGS are the builder's (dpkg-buildflags, say):
# they come after the language standard and warnings of WARNFLAGS, which
# stay whatever CFLAGS says.
PREFIX = /usr/local
SBINDIR = $(PREFIX)/sbin
MANPREFIX = $(PREFIX)/share/man
CC = cc
WARNFLAGS = -std=c99 -Wall -Wextra -Wpedantic -Wshadow
CPPFLAGS =
CFLAGS = -O2
LDFLAGS =
MUSLCC = musl-gcc

all: failoverdns

failoverdns: failoverdns.c
	$(CC) $(WARNFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ failoverdns.c

failoverdns-static: failoverdns.c
	$(MUSLCC) $(WARNFLAGS) $(CPPFLAGS) $(CFLAGS) -static -s \
	    -Wl,-z,noseparate-code -o $@ failoverdns.c

static: failoverdns-static

# The demo: build, start failoverdns on a local port, ask it with dig.
demo: failoverdns
	sh contrib/demo.sh

check: failoverdns
	sh test.sh

# Root: the failover lab with four resolvers in network namespaces
# (about 17 minutes), the benchmark (under 10 minutes).
lab: failoverdns
	sh tests/lab/run.sh

bench: failoverdns
	sh bench/run.sh

# Fuzz for FUZZ_SECONDS each with libFuzzer and AFL++; static analysis
# and mandoc -Tlint; test.sh with ASan/UBSan and valgrind.
FUZZ_SECONDS = 600
fuzz:
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

lint:
	sh tests/lint.sh

sanitize:
	sh tests/sanitize.sh

install: failoverdns
	mkdir -p $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANPREFIX)/man8
	cp failoverdns $(DESTDIR)$(SBINDIR)/failoverdns
	chmod 755 $(DESTDIR)$(SBINDIR)/failoverdns
	cp failoverdns.8 $(DESTDIR)$(MANPREFIX)/man8/failoverdns.8
	chmod 644 $(DESTDIR)$(MANPREFIX)/man8/failoverdns.8
	cp health/failoverdns-health $(DESTDIR)$(SBINDIR)/failoverdns-health
	chmod 755 $(DESTDIR)$(SBINDIR)/failoverdns-health
	cp health/failoverdns-health.8 \
	    $(DESTDIR)$(MANPREFIX)/man8/failoverdns-health.8
	chmod 644 $(DESTDIR)$(MANPREFIX)/man8/failoverdns-health.8
	cp health/failoverdns-drain $(DESTDIR)$(SBINDIR)/failoverdns-drain
	chmod 755 $(DESTDIR)$(SBINDIR)/failoverdns-drain
	cp health/failoverdns-drain.8 \
	    $(DESTDIR)$(MANPREFIX)/man8/failoverdns-drain.8
	chmod 644 $(DESTDIR)$(MANPREFIX)/man8/failoverdns-drain.8

# The systemd units (contrib/systemd) with ExecStart= pointing at $(SBINDIR),
# and the operator's arguments, $(SYSCONFDIR)/default/failoverdns, unless
# that file exists already.  Then: systemctl enable --now failoverdns.socket
# failoverdns-tcp.socket.  The same for the health program:
# failoverdns-health.service and $(SYSCONFDIR)/default/failoverdns-health;
# systemctl enable --now failoverdns-health.service.
SYSCONFDIR = /etc
SYSTEMDUNITDIR = $(PREFIX)/lib/systemd/system
UNITS = failoverdns.socket failoverdns.service failoverdns-tcp.socket \
	failoverdns-tcp@.service failoverdns-health.service

install-systemd:
	mkdir -p $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSCONFDIR)/default
	for u in $(UNITS); do \
		sed -e 's|/usr/local/sbin/failoverdns|$(SBINDIR)/failoverdns|' \
		    -e 's|/etc/default/failoverdns|$(SYSCONFDIR)/default/failoverdns|' \
		    contrib/systemd/$$u >$(DESTDIR)$(SYSTEMDUNITDIR)/$$u && \
		chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; \
	done
	test -e $(DESTDIR)$(SYSCONFDIR)/default/failoverdns || \
	    cp contrib/default/failoverdns $(DESTDIR)$(SYSCONFDIR)/default/failoverdns
	test -e $(DESTDIR)$(SYSCONFDIR)/default/failoverdns-health || \
	    cp contrib/default/failoverdns-health \
	    $(DESTDIR)$(SYSCONFDIR)/default/failoverdns-health

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/failoverdns \
	    $(DESTDIR)$(MANPREFIX)/man8/failoverdns.8
	rm -f $(DESTDIR)$(SBINDIR)/failoverdns-health \
	    $(DESTDIR)$(MANPREFIX)/man8/failoverdns-health.8 \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/failoverdns-health.service
	rm -f $(DESTDIR)$(SBINDIR)/failoverdns-drain \
	    $(DESTDIR)$(MANPREFIX)/man8/failoverdns-drain.8

clean:
	rm -f failoverdns failoverdns-static failoverdns-asan

.PHONY: all static demo check lab bench fuzz lint sanitize install \
    install-systemd uninstall clean
