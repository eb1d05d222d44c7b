#!/bin/sh
# tests/hostile/hostile.test.sh — the agent inside programs that do what real
# programs do to descriptors, signals, stacks and images (one small target per
# case, tests/hostile/*.c): each target runs once without the agent (the
# reference, which must pass its own checks) and HOSTILE_RUNS times (3) with
# it, connected to a listener so that sampling is armed. Every agent run must
# give the reference's stdout, stderr (less the agent's own "perftop: "
# notes) and exit status byte for byte, including the descriptors the target
# prints as its own; and the agent must really have sampled it (samples > 0),
# or the comparison proves nothing.
#
# Most cases run under the test sink (tests/agent/sink.c, one per run); the
# cases that judge the profile itself (exec chain, dlopen/dlclose, 2,000
# threads) run under `perftop record` and read `perftop report --format json`
# (RECORD_RUNS, 2). AGENT=PATH runs another build of libperftop.so;
# HOSTILE_ONLY="NAME..." runs only those cases.
#
# Counts are scaled from the issue's to keep the suite under four minutes on
# a loaded 2-core machine (about 3.5 min measured at a load average of 60-80
# when every case passes; a case stops at its first failing run): 1,000 1-ms
# sleeps and 300 of each 1-ms wait (not 3,000), 50 exec images and 50
# dlopen rounds of 20 and 10 ms of CPU time, 2,000 threads of 2 x 0.5 ms.
# Nothing here judges time: deadlines only bound waits for events (60 s a
# run, 15 s for the socket target's peer).
# One line per case: PASS hostile_NAME, or FAIL hostile_NAME: what differed.
. tests/lib.sh

HB=$(cd "$BUILD" 2>/dev/null && pwd)/hostile
SRC=$PWD/tests/hostile
AGENT=${AGENT:-$(cd "$BUILD" 2>/dev/null && pwd)/libperftop.so}
SINK=$BUILD/tests/agent-sink
RUNS=${HOSTILE_RUNS:-3}
RECORD_RUNS=${RECORD_RUNS:-2}
TIMEOUT=60
ONLY=${HOSTILE_ONLY:-} # a space-separated list of case names, for debugging

for f in "$AGENT" "$SINK" "$PERFTOP" "$HB/fdreuse" "$HB/status-static" "$HB/libdlmod.so"; do
	if [ ! -e "$f" ]; then
		fail hostile_build "$f is missing (make all hostile $SINK)"
		exit 0
	fi
done
case $AGENT in
/*) ;;
*) AGENT=$PWD/$AGENT ;;
esac
case $PERFTOP in
/*) ;;
*) PERFTOP=$PWD/$PERFTOP ;;
esac

T=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXXXX")
sink_pid=
cleanup() {
	[ -n "$sink_pid" ] && kill -KILL "$sink_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ---- running a target ---------------------------------------------------------------

# launch DIR LIB NOFILE CMD...: runs CMD in DIR (stdin /dev/null, output in
# DIR/out and DIR/err, status in $rc), with LD_PRELOAD=LIB when LIB is not
# empty (only CMD loads it: not timeout, not sh) and `ulimit -n NOFILE` when
# NOFILE is not empty. @DIR@ at the start of an argument becomes DIR.
launch() {
	dir=$1 lib=$2 nofile=$3
	shift 3
	for a; do
		shift
		case $a in @DIR@*) a=$dir${a#@DIR@} ;; esac
		set -- "$@" "$a"
	done
	(cd "$dir" && exec timeout -k 5 "$TIMEOUT" sh -c '
		lib=$1 nofile=$2
		shift 2
		if [ -n "$nofile" ]; then ulimit -n "$nofile" || exit 125; fi
		if [ -n "$lib" ]; then export LD_PRELOAD="$lib"; else unset LD_PRELOAD; fi
		exec "$@"' sh "$lib" "$nofile" "$@") </dev/null >"$dir/out" 2>"$dir/err" &
	# (the shell's "Segmentation fault" notice for it goes to /dev/null)
	{ wait $!; } 2>/dev/null
	rc=$?
}

# sink_start DIR: a sink on DIR/s.sock ($sink_pid), its report in DIR/sink.
sink_start() { sink_run "$1/s.sock" "$1/sink" -t 600; }

# sink_stop: once the sink has read every agent connection to its end (it
# holds only its listening socket; 30 s at most), stops it for its report.
sink_stop() {
	i=0
	while [ $i -lt 300 ]; do
		n=0
		for f in "/proc/$sink_pid/fd"/*; do
			case $(readlink "$f" 2>/dev/null) in socket:*) n=$((n + 1)) ;; esac
		done
		[ "$n" -le 1 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	kill -TERM "$sink_pid" 2>/dev/null
	wait "$sink_pid" 2>/dev/null
	sink_pid=
}

# value FILE KEY: the rest of the first line "KEY ...".
value() { sed -n "s/^$2 //p" "$1" | head -n 1; }

# status_text RC: "exit N" or "killed by SIGNAME".
status_text() {
	if [ "$1" -eq 124 ] || [ "$1" -eq 137 ]; then
		echo "hung (killed after ${TIMEOUT}s)"
	elif [ "$1" -gt 128 ]; then
		echo "killed by SIG$(kill -l "$(($1 - 128))" 2>/dev/null || echo "$(($1 - 128))")"
	else
		echo "exit $1"
	fi
}

# first_diff A B: the first differing line of two files, "-A / +B".
first_diff() {
	diff "$1" "$2" | grep '^[<>]' | head -n 2 | sed 's/^< /-/; s/^> /+/' |
		tr '\n' ' ' | cut -c1-240
}

# compare REF RUN: appends to $why how RUN's output and status differ from
# REF's (the agent's own "perftop: " notes left out of RUN's stderr). The
# descriptors' numbers are compared too: the agent takes none the program
# could be opening at the same moment.
compare() {
	grep -v '^perftop: ' "$2/err" >"$2/err.own"
	cp "$1/out" "$2/ref.cmp"
	cp "$2/out" "$2/out.cmp"
	if ! cmp -s "$2/ref.cmp" "$2/out.cmp"; then
		why="$why stdout differs: $(first_diff "$2/ref.cmp" "$2/out.cmp");"
	fi
	if ! cmp -s "$1/err" "$2/err.own"; then
		why="$why stderr differs: $(first_diff "$1/err" "$2/err.own");"
	fi
	if [ "$ref_rc" -ne "$rc" ]; then
		why="$why $(status_text "$rc") instead of $(status_text "$ref_rc");"
	fi
}

# hook NAME WHAT DIR: runs case_WHAT_NAME DIR when the case defines it.
hook() {
	if command -v "case_$2_$1" >/dev/null 2>&1; then
		"case_$2_$1" "$3"
	fi
}

wanted() {
	[ -z "$ONLY" ] && return 0
	case " $ONLY " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# reference NAME NOFILE CMD...: the run without the agent in $T/NAME/ref; it
# must pass the target's own checks, or the case cannot judge the agent.
reference() {
	name=$1 nofile=$2
	shift 2
	mkdir -p "$T/$name/ref"
	hook "$name" prepare "$T/$name/ref"
	launch "$T/$name/ref" "" "$nofile" "$@"
	ref_rc=$rc
	why=
	hook "$name" check "$T/$name/ref"
	if [ "$ref_rc" -ne 0 ] || [ -n "$why" ]; then
		fail "hostile_$name" "the target fails without the agent ($(status_text "$ref_rc")):$why $(head -c 300 "$T/$name/ref/err")"
		return 1
	fi
	return 0
}

# sink_case NAME NOFILE CMD...: the reference, then RUNS runs with the agent
# under a sink, each compared with it.
sink_case() {
	name=$1 nofile=$2
	shift 2
	wanted "$name" || return 0
	reference "$name" "$nofile" "$@" || return 0
	runs=$RUNS
	k=1
	while [ "$k" -le "$runs" ]; do
		d=$T/$name/run$k
		mkdir -p "$d"
		hook "$name" prepare "$d"
		sink_start "$d"
		PERFTOP_SOCKET=$d/s.sock launch "$d" "$AGENT" "$nofile" "$@"
		sink_stop
		why=
		compare "$T/$name/ref" "$d"
		hook "$name" check "$d"
		samples=$(value "$d/sink" samples)
		errors=$(value "$d/sink" errors)
		if [ "${samples:-0}" -eq 0 ]; then
			why="$why the agent took no sample (connections: $(value "$d/sink" connections));"
		fi
		if [ "${errors:-0}" -ne 0 ]; then
			why="$why the sink could not decode the agent's stream: $(head -n 1 "$d/sink.err");"
		fi
		[ -n "$why" ] && break
		k=$((k + 1))
	done
	if [ -z "$why" ]; then
		pass "hostile_$name"
	else
		fail "hostile_$name" "$(echo "run $k of $runs:$why" | cut -c1-900)"
	fi
}

# record_case NAME NOFILE CMD...: the reference, then RECORD_RUNS runs under
# `perftop record`, the command's output (stdout and stderr in one file)
# compared with the reference's, then case_profile_NAME judges the report.
record_case() {
	name=$1 nofile=$2
	shift 2
	wanted "$name" || return 0
	reference "$name" "$nofile" "$@" || return 0
	cat "$T/$name/ref/out" "$T/$name/ref/err" >"$T/$name/ref/all"
	runs=$RECORD_RUNS
	k=1
	while [ "$k" -le "$runs" ]; do
		d=$T/$name/run$k
		mkdir -p "$d"
		hook "$name" prepare "$d"
		(
			for a; do
				shift
				case $a in @DIR@*) a=$d${a#@DIR@} ;; esac
				set -- "$@" "$a"
			done
			cd "$d" || exit 125
			if [ -n "$nofile" ]; then ulimit -n "$nofile" || exit 125; fi
			TMPDIR=$d PERFTOP_AGENT=$AGENT exec timeout -k 5 180 \
				"$PERFTOP" record -o "$d/p.ptsnap" -F 1000 -- "$@"
		) </dev/null >"$d/rec.out" 2>"$d/rec.err"
		rrc=$?
		why=
		# record passes the command's stdout and stderr through, as time does.
		if [ "$rrc" -ne 0 ]; then
			why="$why perftop record failed ($(status_text "$rrc")): $(head -c 200 "$d/rec.err");"
		else
			grep -v '^perftop: ' "$d/rec.err" | cat "$d/rec.out" - >"$d/all"
			if ! cmp -s "$T/$name/ref/all" "$d/all"; then
				why="$why output differs: $(first_diff "$T/$name/ref/all" "$d/all");"
			fi
			"$PERFTOP" report "$d/p.ptsnap" --format json --top 100000 >"$d/report.json" 2>"$d/report.err" ||
				why="$why perftop report failed: $(head -c 200 "$d/report.err");"
			samples=$(sed -n 's/^ *"samples": \([0-9]*\),*$/\1/p' "$d/report.json" | head -n 1)
			if [ "${samples:-0}" -eq 0 ]; then
				why="$why the profile holds no sample;"
			else
				hook "$name" profile "$d"
			fi
		fi
		[ -n "$why" ] && break
		k=$((k + 1))
	done
	if [ -z "$why" ]; then
		pass "hostile_$name"
	else
		fail "hostile_$name" "$(echo "run $k of $runs:$why" | cut -c1-900)"
	fi
}

# json_num FILE KEY: the first number-or-null value of "KEY": in the report.
json_num() { sed -n "s/^ *\"$2\": \([-0-9.e+]*\|null\),*$/\1/p" "$1" | head -n 1; }

# module_self FILE: "MODULE SELF" for each entry of functions_by_self.
module_self() {
	awk '/"functions_by_self"/ { on = 1 } /"functions_by_total"/ { on = 0 }
		on && /"self":/ { s = $2; sub(/,$/, "", s) }
		on && /"module":/ { m = $0; sub(/^ *"module": "/, "", m); sub(/",?$/, "", m); print m, s }' "$1"
}

# ---- descriptors -------------------------------------------------------------------

# The program's files at 3 and 4 (close-all, or dup2 over whatever was
# there), copied while sampled.
case_check_fdreuse_closeall() {
	cmp -s "$1/in.dat" "$1/out.dat" || why="$why out.dat differs from in.dat;"
}
case_check_fdreuse_dup2() { case_check_fdreuse_closeall "$1"; }
sink_case fdreuse_closeall "" "$HB/fdreuse" @DIR@ closeall
sink_case fdreuse_dup2 "" "$HB/fdreuse" @DIR@ dup2

# bash `exec 3<in 4>out`, line by line.
case_prepare_bashcopy() {
	awk 'BEGIN { for (i = 1; i <= 10000; i++) printf "line %05d of the input\n", i }' >"$1/in.txt"
}
case_check_bashcopy() {
	cmp -s "$1/in.txt" "$1/out.txt" ||
		why="$why the copy differs: $(cmp "$1/in.txt" "$1/out.txt" 2>&1 | head -n 1);"
}
if command -v bash >/dev/null 2>&1; then
	sink_case bashcopy "" bash "$SRC/bashcopy.sh" in.txt out.txt
else
	skip hostile_bashcopy "bash is not installed"
fi

# The program's own socketpair at the agent's old number.
sink_case socket "" "$HB/socket"

# eventfd, epoll, timerfd, signalfd, inotify while threads come and go.
sink_case anonfd "" "$HB/anonfd" 10

# A forked child's log files, opened after a close-all.
sink_case forklog "" "$HB/forklog" @DIR@

# 1,100 threads under a limit of 1,024 descriptors: open() must work.
sink_case threads_open 1024 "$HB/threads_open" 1100

# A limit of 16 descriptors and 8 threads: as many files as without the agent.
sink_case nofile 16 "$HB/nofile" 8

# A raised limit, 1,100 threads, >1,024 descriptors: select() on its pipe.
if [ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 4096 ]; then
	sink_case select 4096 "$HB/select" 1100 1100
else
	skip hostile_select "the hard descriptor limit ($(ulimit -Hn)) is below 4096"
fi

# ---- credentials ---------------------------------------------------------------------
# glibc runs each set*id call in every thread and aborts when one fails: the
# agent's writer must hold the caller's capabilities and secure bits.
if [ "$(id -u)" -eq 0 ]; then
	sink_case setxid_daemon "" "$HB/setxid" daemon
	sink_case setxid_keepcaps "" "$HB/setxid" keepcaps
	sink_case setxid_uidfirst "" "$HB/setxid" uidfirst
	sink_case setxid_vfork "" "$HB/setxid" vfork
else
	skip hostile_setxid "not root: there is nothing to drop"
fi

# ---- signals ------------------------------------------------------------------------

sink_case sigdfl "" "$HB/sigdfl" 10
sink_case ownprof "" "$HB/ownprof"
sink_case itimer "" "$HB/itimer" 400
sink_case sigwait "" "$HB/sigwait" 3 150
sink_case eintr "" "$HB/eintr" 1000 300

# ---- stacks -------------------------------------------------------------------------

sink_case altstack "" "$HB/altstack" 15 20
sink_case smallstack "" "$HB/smallstack" 150 8192 4096

# ---- exec and unloading --------------------------------------------------------------

sink_case exec_static "" "$HB/execer" static "$HB"
sink_case exec_cleanenv "" "$HB/execer" cleanenv "$HB"

# 50 images, each a copy of chain under its own name: each must be in the
# profile.
CHAIN=50
case_prepare_chain() {
	i=0
	while [ $i -lt $CHAIN ]; do
		cp "$HB/chain" "$1/chain_$(printf %02d $i)"
		i=$((i + 1))
	done
}
case_profile_chain() {
	module_self "$1/report.json" >"$1/modules"
	missing=
	nmiss=0
	i=0
	while [ $i -lt $CHAIN ]; do
		m=chain_$(printf %02d $i)
		if ! grep -q "^$m " "$1/modules"; then
			missing="$missing $m"
			nmiss=$((nmiss + 1))
		fi
		i=$((i + 1))
	done
	if [ "$nmiss" -gt 0 ]; then
		why="$why $nmiss of $CHAIN images have no sample in the profile:$(echo "$missing" | cut -c1-200);"
	fi
}
record_case chain "" @DIR@/chain_00 @DIR@ $CHAIN 0 20

# dlopen/dlclose: samples in the unloaded module keep its name.
case_profile_dlopen() {
	module_self "$1/report.json" >"$1/modules"
	unknown=$(awk '$1 == "[unknown]" { n += $2 } END { print n + 0 }' "$1/modules")
	inmod=$(awk '$1 == "libdlmod.so" { n += $2 } END { print n + 0 }' "$1/modules")
	[ "$unknown" -eq 0 ] || why="$why $unknown samples are [unknown] ($inmod named libdlmod.so);"
	[ "$inmod" -gt 0 ] || why="$why no sample is named libdlmod.so;"
}
record_case dlopen "" "$HB/dlopen" "$HB/libdlmod.so" 50 10

# 2,000 threads under the usual limit of 1,024 descriptors: the achieved
# rate is not above the requested one (5 % for the rounding of one rate
# window's sample count against its CPU time).
case_profile_threads2000() {
	req=$(json_num "$1/report.json" requested_hz)
	got=$(json_num "$1/report.json" achieved_hz)
	if [ -z "$got" ] || [ "$got" = null ]; then
		why="$why the report has no achieved rate;"
	elif ! awk -v g="$got" -v r="$req" 'BEGIN { exit !(g <= r * 1.05) }'; then
		why="$why achieved $got Hz for $req Hz requested;"
	fi
}
record_case threads2000 1024 "$HB/threads2000" 2000 0.5 300
exit 0
