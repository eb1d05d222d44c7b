#!/bin/sh
# What perftop says about a program's agent and its last figures, on real
# small targets built here: a static program (no PT_INTERP) and a setuid
# copy owned by nobody (when run as root) are named as such in `run
# --batch`'s header and in record's summary; a program that sleeps is
# "idle (no CPU used)", not "0 Hz achieved", and record says its agent
# connected with 0 samples; a program that exits 3 ends with "exited with
# status 3" and its last figures ("CPU last", "Threads last"). (File
# capabilities: tests/unit/test_execcheck.c, as they only matter for a user
# other than root.)
. tests/lib.sh

if [ ! -x "$PERFTOP" ]; then
	fail agent_status "$PERFTOP not built"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
PERFTOP_SOCKET=$tmp/perftop.sock
export PERFTOP_SOCKET

# Waits for a signal (perftop ends it), or with an argument burns CPU for a
# fixed amount of work and exits with that status.
cat >"$tmp/prog.c" <<'C'
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	volatile unsigned long x = 0;

	if (argc < 2) {
		pause();
		return 0;
	}
	for (unsigned long i = 0; i < 200000000UL; i++)
		x += i;
	return atoi(argv[1]);
}
C
printf '#include <unistd.h>\nint main(void) { sleep(3); return 0; }\n' >"$tmp/sleeper.c"
if ! cc -O1 -static -o "$tmp/static" "$tmp/prog.c" 2>"$tmp/cc.err" ||
	! cc -O1 -o "$tmp/dynamic" "$tmp/prog.c" 2>>"$tmp/cc.err" ||
	! cc -O1 -o "$tmp/sleeper" "$tmp/sleeper.c" 2>>"$tmp/cc.err"; then
	fail "agent_status: build the targets" "$(head -n 3 "$tmp/cc.err")"
	exit 0
fi

STATIC_WHY="static executable (no PT_INTERP): LD_PRELOAD cannot load the agent"
timeout 60 "$PERFTOP" run --batch -n 4 -- "$tmp/static" >"$tmp/st.txt" 2>&1
check "agent_status: run --batch says why a static program has no agent" \
	grep -qF "agent: not connected ($STATIC_WHY)" "$tmp/st.txt"
timeout 60 "$PERFTOP" record -o "$tmp/st.ptsnap" --duration 4 -- "$tmp/static" >"$tmp/rec.txt" 2>&1
check "agent_status: record says why a static program has no agent" \
	grep -qF "0 samples: agent cannot load: $STATIC_WHY" "$tmp/rec.txt"

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	mkdir "$tmp/suid" && chmod 755 "$tmp/suid"
	cp "$tmp/dynamic" "$tmp/suid/prog" && chown nobody "$tmp/suid/prog" &&
		chmod 4755 "$tmp/suid/prog"
	timeout 60 "$PERFTOP" run --batch -n 4 -- "$tmp/suid/prog" >"$tmp/su.txt" 2>&1
	check "agent_status: run --batch says a setuid program has no agent" \
		grep -qE "agent: not connected \(setuid executable \(runs as uid [0-9]+\): the loader ignores LD_PRELOAD" "$tmp/su.txt"
	timeout 60 "$PERFTOP" record -o "$tmp/su.ptsnap" --duration 4 -- "$tmp/suid/prog" >"$tmp/rec.txt" 2>&1
	check "agent_status: record says a setuid program has no agent" \
		grep -qF "0 samples: agent cannot load: setuid executable" "$tmp/rec.txt"
else
	skip "agent_status: setuid copy" "needs root (to give the copy to nobody)"
fi

timeout 60 "$PERFTOP" record -o "$tmp/idle.ptsnap" -- "$tmp/sleeper" >"$tmp/rec.txt" 2>&1
check "agent_status: record of an idle program: agent connected, 0 samples" \
	grep -qF "(0 samples: agent connected, 0 samples: the program used no CPU time" "$tmp/rec.txt"
timeout 60 "$PERFTOP" run --batch -- "$tmp/sleeper" >"$tmp/idle.txt" 2>&1
# The last refresh, once it has slept and exited (the Functions: table
# heading keeps its number for scripts).
awk '/^ PID / { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$tmp/idle.txt" >"$tmp/idle.last"
check "agent_status: an idle program reads idle, not 0 Hz achieved" \
	sh -c "grep -q '^ Agent .*idle (no CPU used)' '$tmp/idle.last' &&
		! grep -q '^ Agent .* 0 Hz achieved' '$tmp/idle.last'"

timeout 120 "$PERFTOP" run --batch -- "$tmp/dynamic" 3 >"$tmp/ex.txt" 2>&1
# The last refresh: from its title line to the end.
last=$(awk '/^ PID / { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$tmp/ex.txt")
check "agent_status: the last refresh says exited with status 3" \
	sh -c "printf '%s' \"\$1\" | grep -q 'exited with status 3'" sh "$last"
check "agent_status: the last refresh shows last figures, not now" \
	sh -c "printf '%s' \"\$1\" | grep -q 'CPU last ' && printf '%s' \"\$1\" | grep -q 'Threads last ' &&
		! printf '%s' \"\$1\" | grep -q 'CPU now'" sh "$last"
