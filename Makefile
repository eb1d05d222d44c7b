# perftop — one GNU Makefile for the program, the agent library, the tests
# and the benchmarks. `make V=1` prints full commands.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR  ?= $(DATADIR)/man
DESTDIR ?=
# Where `make install` puts the Python module (python/perftop/): the first
# directory under $(PREFIX)/lib that the system's python3 searches (Debian:
# /usr/local/lib/python3.X/dist-packages for /usr/local, /usr/lib/python3/
# dist-packages for /usr), else $(PREFIX)/lib/python3/dist-packages.
PYTHON  ?= $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || echo python3)
ifeq ($(origin PYTHONDIR),undefined)
PYTHONDIR := $(shell $(PYTHON) -c 'import sys; d = [p for p in sys.path if p.startswith("$(PREFIX)/lib/") and p.endswith("-packages")]; print(d[0] if d else "")' 2>/dev/null)
PYTHONDIR := $(or $(PYTHONDIR),$(PREFIX)/lib/python3/dist-packages)
endif

BUILD   ?= build
CC      ?= cc
PKG_CONFIG ?= pkg-config
SECS    ?= 60

# Sanitizer build: `make asan` re-runs the whole suite with SAN=1 in build-asan.
ifeq ($(SAN),1)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT      = -O1
else
SANFLAGS =
OPT      = -O2
endif

PERFTOP_PKGS := ncursesw libproc2 libdw libelf zlib
AGENT_PKGS   := libunwind msgpack

WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE -DPERFTOP_DATADIR='"$(DATADIR)"' -DPERFTOP_LIBDIR='"$(LIBDIR)"' -DPERFTOP_PYTHONDIR='"$(PYTHONDIR)"' $(OPT) -g $(WARN) $(SANFLAGS) -Iinclude -Isrc -MMD -MP
CFLAGS  ?=
LDFLAGS ?=

ifeq ($(V),1)
Q =
say =
else
Q = @
say = @printf '  %-7s %s\n' $(1) $(2);
endif

pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
pkg_libs   = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null)

# ---- sources, by layer ------------------------------------------------------
# perftop itself: every layer but the agent. New files are picked up by wildcard.
PERFTOP_LAYERS := util pyrt model wire symbols collect snapshot report ui cli
PERFTOP_SRCS   := $(sort $(foreach d,$(PERFTOP_LAYERS),$(wildcard src/$(d)/*.c)))
PERFTOP_OBJS   := $(PERFTOP_SRCS:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ       := $(BUILD)/obj/src/main.o

# The in-process agent: its own folder plus the wire code, built position-independent.
# It is never built with sanitizers: it is preloaded into uninstrumented programs,
# where an ASan runtime cannot come first (SAN=1 still checks perftop and tests).
# util pieces that allocate through xalloc (which exits) stay out of the agent;
# -z defs below catches any that slip in. Of the wire code the agent takes the
# tables, the encoder, and the decoder (for the control frames perftop sends),
# not the text description of messages (wire_format.c).
AGENT_WIRE := src/wire/wire.c src/wire/wire_encode.c src/wire/wire_decode.c src/wire/sockpath.c
AGENT_SRCS := $(wildcard src/agent/*.c) $(AGENT_WIRE) $(wildcard src/pyrt/*.c) src/util/mpread.c
AGENT_OBJS := $(AGENT_SRCS:%.c=$(BUILD)/pic/%.o)

WORKLOAD_SRCS := $(wildcard tests/workloads/*.c)
WORKLOADS     := $(WORKLOAD_SRCS:tests/workloads/%.c=$(BUILD)/workloads/%)

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_TESTS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

PERFTOP_CFLAGS := $(BASE_CFLAGS) $(call pkg_cflags,$(PERFTOP_PKGS) $(AGENT_PKGS)) $(CFLAGS)
PERFTOP_LIBS   := $(call pkg_libs,$(PERFTOP_PKGS)) $(call pkg_libs,msgpack) -liberty -lpthread -lm

# ---- are the libraries there? -------------------------------------------------
# The flags above come from pkg-config when make reads this file, so a build
# must not start before the packages are installed. The targets that install
# them (run, test, asan, bench, fuzz) run scripts/deps.sh and then build in a
# second $(MAKE), which reads this file again after the install. Every other
# goal that builds (`make` alone, install, a file) checks here that pkg-config
# finds each library and stops with one message naming the Debian packages
# that are missing, instead of a page of compile and link errors.
NOLIB_GOALS := deps test-deps run test check check-layers asan bench fuzz fuzz-deps fresh-check clean format uninstall
PKG_DEBS    := ncursesw=libncurses-dev libproc2=libproc2-dev libdw=libdw-dev libelf=libelf-dev \
	       zlib=zlib1g-dev libunwind=libunwind-dev msgpack=libmsgpack-dev criterion=libcriterion-dev \
	       libiberty=libiberty-dev
# libiberty (the demangler) has no pkg-config file: its header says it is there.
LIBIBERTY_HEADER ?= /usr/include/libiberty/demangle.h
NEED_PKGS   := $(PERFTOP_PKGS) $(AGENT_PKGS) $(if $(filter test-progs,$(MAKECMDGOALS)),criterion)
ifneq ($(filter-out $(NOLIB_GOALS),$(or $(MAKECMDGOALS),all)),)
MISSING := $(shell command -v $(firstword $(CC)) >/dev/null 2>&1 || echo gcc; \
	if command -v $(PKG_CONFIG) >/dev/null 2>&1; then \
	for m in $(NEED_PKGS); do $(PKG_CONFIG) --exists $$m || echo $$m; done; \
	else echo pkg-config $(NEED_PKGS); fi; \
	test -f $(LIBIBERTY_HEADER) || echo libiberty)
ifneq ($(MISSING),)
MISSING_DEBS := $(foreach m,$(MISSING),$(or $(patsubst $(m)=%,%,$(filter $(m)=%,$(PKG_DEBS))),$(m)))
define nl


endef
$(error cannot build, missing Debian packages: $(MISSING_DEBS)$(nl)\
  install them with `make deps` (as root) or `sudo apt-get install $(MISSING_DEBS)`;$(nl)\
  `make run` and `make test` install what they need by themselves)
endif
endif

TARGETS := $(BUILD)/perftop $(WORKLOADS)
ifneq ($(wildcard src/agent/*.c),)
TARGETS += $(BUILD)/libperftop.so $(BUILD)/perftop-demo $(BUILD)/python/perftop/__init__.py
endif

.PHONY: all deps test-deps run test check check-layers test-progs asan install uninstall clean bench fuzz format fresh-check
all: $(TARGETS)
	@:

deps:
	@scripts/deps.sh build
test-deps:
	@scripts/deps.sh test

$(BUILD)/obj/%.o: %.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(PERFTOP_CFLAGS) -c -o $@ $<

$(BUILD)/pic/%.o: %.c
	$(call say,CC-PIC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(filter-out $(SANFLAGS),$(BASE_CFLAGS)) -fPIC -fvisibility=hidden $(call pkg_cflags,$(AGENT_PKGS)) $(CFLAGS) -c -o $@ $<

$(BUILD)/perftop: $(MAIN_OBJ) $(PERFTOP_OBJS)
	$(call say,LINK,$@)
	$(Q)$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(PERFTOP_LIBS)

$(BUILD)/libperftop.so: $(AGENT_OBJS)
	$(call say,LINK,$@)
	$(Q)$(CC) -shared -Wl,-soname,libperftop.so -Wl,-z,defs $(LDFLAGS) -o $@ $^ $(call pkg_libs,$(AGENT_PKGS)) -lpthread -lrt -ldl

$(BUILD)/workloads/%: tests/workloads/%.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -fno-inline -Wall -Wextra -Iinclude $(LDFLAGS) -o $@ $< -lpthread -lm

# Workloads named pt_* use include/perftop.h and link the agent library
# (found at run time next to them through the rpath).
AGENT_PROG_CFLAGS = -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -Wall -Wextra -Iinclude
$(BUILD)/workloads/pt_%: tests/workloads/pt_%.c $(BUILD)/libperftop.so
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(AGENT_PROG_CFLAGS) $(LDFLAGS) -o $@ $< -L$(BUILD) -lperftop -Wl,-rpath,'$$ORIGIN/..' -lpthread -lm

# The Python module beside the agent, where `perftop run` finds it in the
# build tree (launch_find_python).
$(BUILD)/python/perftop/__init__.py: python/perftop/__init__.py
	$(call say,CP,$<)
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(BUILD)/perftop-demo: demo/perftop-demo.c $(BUILD)/libperftop.so
	$(call say,CC,$<)
	$(Q)$(CC) $(AGENT_PROG_CFLAGS) $(LDFLAGS) -o $@ $< -L$(BUILD) -lperftop -Wl,-rpath,'$$ORIGIN' -lpthread -lm

# What several unit tests share (tests/unit/support/) is linked into each.
UNIT_SUPPORT := $(wildcard tests/unit/support/*.c)
$(BUILD)/tests/%: tests/unit/%.c $(UNIT_SUPPORT) $(PERFTOP_OBJS)
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(PERFTOP_CFLAGS) $(call pkg_cflags,criterion) -o $@ $< $(UNIT_SUPPORT) $(PERFTOP_OBJS) $(PERFTOP_LIBS) $(call pkg_libs,criterion)

# Benchmark programs that drive perftop's own code (bench/*.c).
$(BUILD)/bench/%: bench/%.c $(PERFTOP_OBJS)
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(PERFTOP_CFLAGS) -o $@ $< $(PERFTOP_OBJS) $(PERFTOP_LIBS)

# The zone-cost benchmark is an instrumented program: it links the agent.
$(BUILD)/bench/zone_cost: bench/zone_cost.c $(BUILD)/libperftop.so
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Iinclude $(LDFLAGS) -o $@ $< -L$(BUILD) -lperftop -Wl,-rpath,'$$ORIGIN/..'

# The agent bench's timer: static, so LD_PRELOAD passes through it untouched.
$(BUILD)/bench/timeit: bench/timeit.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -static $(LDFLAGS) -o $@ $<

# The agent's test sink: a stand-in for perftop's socket, on the wire decoder.
AGENT_SINK_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,src/wire/wire.c src/wire/wire_encode.c src/wire/wire_decode.c) \
		   $(BUILD)/obj/src/util/mpread.o
$(BUILD)/tests/agent-sink: tests/agent/sink.c $(AGENT_SINK_OBJS)
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(PERFTOP_CFLAGS) -o $@ $< $(AGENT_SINK_OBJS) $(call pkg_libs,msgpack)

# The outside reader of Python frames, for tests/python/remote.test.sh and bench/.
$(BUILD)/tests/pyremote-tool: tests/python/pyremote_tool.c $(PERFTOP_OBJS)
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(PERFTOP_CFLAGS) -o $@ $< $(PERFTOP_OBJS) $(PERFTOP_LIBS)

# Fixture writers the shell suites run (tests/report/*.c, e.g. mksnap).
REPORT_HELPERS := $(patsubst tests/report/%.c,$(BUILD)/helpers/%,$(wildcard tests/report/*.c))

$(BUILD)/helpers/%: tests/report/%.c $(PERFTOP_OBJS)
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(PERFTOP_CFLAGS) -o $@ $< $(PERFTOP_OBJS) $(PERFTOP_LIBS)

# The public targets below install what they need (scripts/deps.sh, a no-op
# when all is there), then build in a second $(MAKE): it reads the libraries'
# flags after the install, so the first run on a new machine links.

# The main job: profile the demo program live. RUNFLAGS go to `perftop run`,
# e.g. `make run RUNFLAGS='-F 200'`, or `RUNFLAGS='--batch -n 5'` for five
# refreshes as plain text, with no screen.
RUNFLAGS ?=
run:
	@scripts/deps.sh build
	$(Q)$(MAKE) --no-print-directory all
	$(BUILD)/perftop run $(RUNFLAGS) -- $(BUILD)/perftop-demo

# The whole suite: unit tests (Criterion), then the shell suites under tests/.
# tests/run.sh prints the total as its last line: "N passed, N failed".
test check:
	@scripts/deps.sh test
	$(Q)$(MAKE) --no-print-directory test-progs
	@BUILD=$(BUILD) SAN=$(SAN) tests/run.sh

# The include graph against the layers in docs/styleguide.md (Layout); the
# suite runs it too (tests/build/layers.test.sh). Needs only sh and awk.
check-layers:
	@scripts/check-layers.sh && echo 'check-layers: src/ keeps the graph in docs/styleguide.md'

# What the suite runs (built by `make test` after the install).
test-progs: all $(UNIT_TESTS) $(REPORT_HELPERS) $(BUILD)/tests/agent-sink $(BUILD)/tests/pyremote-tool
	@:

asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan SAN=1 test

bench:
	@scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory all
	bench/run.sh

# A new Debian 12 root (debootstrap) runs the README's quick start from a
# clean copy of the committed tree; root only (tests/install/fresh_root.sh).
fresh-check:
	@tests/install/fresh_root.sh

VERSION = 0.1.0

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/perftop/themes $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BUILD)/perftop $(DESTDIR)$(BINDIR)/perftop
	install -m 0644 themes/*.theme $(DESTDIR)$(DATADIR)/perftop/themes/
	install -m 0755 $(BUILD)/libperftop.so $(DESTDIR)$(LIBDIR)/libperftop.so
	install -m 0644 include/perftop.h $(DESTDIR)$(INCDIR)/perftop.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCDIR@|$(INCDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' perftop.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/perftop.pc
	install -m 0644 docs/perftop.1 $(DESTDIR)$(MANDIR)/man1/perftop.1
	install -d $(DESTDIR)$(PYTHONDIR)/perftop
	install -m 0644 python/perftop/__init__.py $(DESTDIR)$(PYTHONDIR)/perftop/__init__.py

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/perftop $(DESTDIR)$(LIBDIR)/libperftop.so \
		$(DESTDIR)$(INCDIR)/perftop.h $(DESTDIR)$(LIBDIR)/pkgconfig/perftop.pc \
		$(DESTDIR)$(MANDIR)/man1/perftop.1
	rm -rf $(DESTDIR)$(DATADIR)/perftop $(DESTDIR)$(PYTHONDIR)/perftop

clean:
	rm -rf build build-asan build-fuzz

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- fuzzing ------------------------------------------------------------------
# Each tests/fuzz/fuzz_NAME.c is a libFuzzer target with its corpus in
# tests/fuzz/corpus/NAME/. `make fuzz [SECS=N]` builds every target with clang,
# libFuzzer, ASan and UBSan into build-fuzz/ and runs each for N seconds,
# new inputs going to build-fuzz/new/NAME/; then the ones that reach new
# code (-merge=1 -use_counters=0) join the corpus. Crashers land in
# build-fuzz/crash/NAME/: fix, then copy them into the corpus (docs/fuzzing.md). `make test` replays every corpus
# through tests/fuzz/replay.c built with the normal compiler, so libFuzzer is
# not needed at run time (tests/fuzz/replay.test.sh). tests/fuzz/NAME.dict,
# when there is one, is the target's libFuzzer dictionary. FUZZ_BUILD=DIR
# builds elsewhere than build-fuzz/.
FUZZ_CC      ?= clang
FUZZ_BUILD   ?= build-fuzz
FUZZ_SRCS    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES   := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
FUZZ_REPLAYS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/replay_%)
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_OBJS    := $(PERFTOP_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -O1 -g $(FUZZ_SAN) -Iinclude -Isrc \
		$(call pkg_cflags,$(PERFTOP_PKGS) $(AGENT_PKGS))

test-progs: $(FUZZ_REPLAYS)

$(BUILD)/fuzz/replay_%: tests/fuzz/replay.c tests/fuzz/fuzz_%.c $(PERFTOP_OBJS)
	$(call say,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(PERFTOP_CFLAGS) -o $@ tests/fuzz/replay.c tests/fuzz/fuzz_$*.c $(PERFTOP_OBJS) $(PERFTOP_LIBS)

$(BUILD)/fuzz/seed_%: tests/fuzz/seed_%.c $(PERFTOP_OBJS)
	$(call say,LINK,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(PERFTOP_CFLAGS) -o $@ $< $(PERFTOP_OBJS) $(PERFTOP_LIBS)

$(FUZZ_BUILD)/obj/%.o: %.c
	$(call say,CC-FUZZ,$<)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/libperftop-fuzz.a: $(FUZZ_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libperftop-fuzz.a
	$(call say,LINK,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(PERFTOP_LIBS)

fuzz: fuzz-deps
	$(MAKE) $(FUZZ_BINS)
	@for n in $(FUZZ_NAMES); do \
		mkdir -p tests/fuzz/corpus/$$n $(FUZZ_BUILD)/new/$$n $(FUZZ_BUILD)/crash/$$n || exit 1; \
		echo "fuzz $$n for $(SECS)s"; \
		dict=; [ -f tests/fuzz/$$n.dict ] && dict=-dict=tests/fuzz/$$n.dict; \
		$(FUZZ_BUILD)/fuzz_$$n -max_total_time=$(SECS) -print_final_stats=1 $$dict \
			-artifact_prefix=$(FUZZ_BUILD)/crash/$$n/ \
			$(FUZZ_BUILD)/new/$$n tests/fuzz/corpus/$$n || exit 1; \
		$(FUZZ_BUILD)/fuzz_$$n -merge=1 -use_counters=0 tests/fuzz/corpus/$$n \
			$(FUZZ_BUILD)/new/$$n 2>&1 | grep 'MERGE-OUTER: [0-9]* new files' || exit 1; \
	done

.PHONY: fuzz-deps fuzz-seed
# clang and its libFuzzer runtime come with the test packages.
fuzz-deps:
	@scripts/deps.sh test

# Rewrites the encoder-made seed inputs of each corpus (tests/fuzz/seed_NAME.c).
fuzz-seed: $(FUZZ_NAMES:%=$(BUILD)/fuzz/seed_%)
	@for n in $(FUZZ_NAMES); do \
		[ -x $(BUILD)/fuzz/seed_$$n ] && $(BUILD)/fuzz/seed_$$n tests/fuzz/corpus/$$n; \
	done; true

# ---- hostile targets ----------------------------------------------------------
# Small programs that do what real programs do to the agent's descriptors,
# signals and stacks (tests/hostile/, run by tests/hostile/hostile.test.sh
# with and without the agent). Plain C, never sanitized, fortified like a
# distribution's build; status-static is static (no preloaded library can
# run in it) and libdlmod.so is the module dlopen loads and unloads.
HOSTILE_SRCS    := $(filter-out tests/hostile/dlmod.c,$(wildcard tests/hostile/*.c))
HOSTILE_TARGETS := $(HOSTILE_SRCS:tests/hostile/%.c=$(BUILD)/hostile/%) \
		   $(BUILD)/hostile/status-static $(BUILD)/hostile/libdlmod.so
HOSTILE_CFLAGS  := -std=c11 -D_GNU_SOURCE -O1 -D_FORTIFY_SOURCE=2 -g -fno-omit-frame-pointer -Wall -Wextra

$(BUILD)/hostile/%: tests/hostile/%.c tests/hostile/hostile.h
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOSTILE_CFLAGS) $(LDFLAGS) -o $@ $< -lpthread -ldl

$(BUILD)/hostile/status-static: tests/hostile/status.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOSTILE_CFLAGS) -static $(LDFLAGS) -o $@ $<

$(BUILD)/hostile/libdlmod.so: tests/hostile/dlmod.c tests/hostile/hostile.h
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOSTILE_CFLAGS) -shared -fPIC $(LDFLAGS) -o $@ $<

.PHONY: hostile
hostile: $(HOSTILE_TARGETS)
test-progs: $(HOSTILE_TARGETS)
