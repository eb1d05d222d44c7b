#!/bin/sh
# Whole process trees (issue 15): `perftop record` of a command covers every
# descendant, and report, report --pid and the exports take the tree apart.
# Workloads: $WORKLOADS/tree_workload (tests/workloads/tree_workload.c), whose
# processes burn CPU time in functions named after them, so every answer is
# known: which processes appear, which functions each one ran, that every
# sample counts once. Shares are checked within the issue's +-3 points (the
# CPU time each process burns is fixed; the samples measure it).
. tests/lib.sh

W=$PWD/$WORKLOADS/tree_workload
for f in "$PERFTOP" "$W"; do
	if [ ! -x "$f" ]; then
		fail tree "$f is not built"
		exit 0
	fi
done
if ! command -v python3 >/dev/null 2>&1; then
	fail tree "python3 is not installed (it reads the reports' JSON)"
	exit 0
fi

tmp=$(mktemp -d)
chmod 755 "$tmp" # the set-id copy runs as another user
trap 'rm -rf "$tmp"' EXIT
mkdir -m 700 "$tmp/sock" # a socket's directory is the user's alone (0700)
export PERFTOP_SOCKET="$tmp/sock/agents.sock"

# rec NAME ARGS...: perftop record of ARGS into $tmp/NAME.ptsnap; false on failure.
rec() {
	_n=$1
	shift
	timeout $(($(deadline 120) * 2)) "$PERFTOP" record -i 0.1 -o "$tmp/$_n.ptsnap" -- "$@" \
		>"$tmp/$_n.out" 2>"$tmp/$_n.err"
}

# jq_py FILE PYTHON-EXPR: evaluates the expression on d, the JSON in FILE.
jq_py() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
procs = d.get("processes", [])
funcs = {f["name"]: f for f in d["functions_by_total"]}
def share(name):
    return funcs[name]["total_pct"] if name in funcs else 0.0
print(eval(sys.argv[2]))' "$1" "$2"
}

# near VALUE WANT: VALUE within 3 points of WANT.
near() {
	python3 -c 'import sys; sys.exit(0 if abs(float(sys.argv[1]) - float(sys.argv[2])) <= 3 else 1)' "$1" "$2"
}

# ---- known shares: a parent 20 %, a forked child 50 %, an exec'd child 30 % ----------
if rec shares "$W" tree 3; then
	"$PERFTOP" report "$tmp/shares.ptsnap" --format json --top 0 >"$tmp/shares.json"
	n=$(jq_py "$tmp/shares.json" 'len(procs)')
	check shares_three_processes [ "$n" = 3 ]
	ok=1
	for fw in work_parent:20 work_forked:50 work_execd:30; do
		got=$(jq_py "$tmp/shares.json" "share('${fw%%:*}')")
		near "$got" "${fw#*:}" || { ok=0; echo "# ${fw%%:*}: $got % of the tree, want ${fw#*:}"; }
	done
	check shares_merged_within_3_points [ "$ok" = 1 ]
	sum=$(jq_py "$tmp/shares.json" 'sum(p["samples"] for p in procs) == d["summary"]["samples"]')
	check shares_no_sample_counted_twice [ "$sum" = True ]
	# Each process alone: its own function is all of its samples, the others absent.
	ok=1
	for pid in $(jq_py "$tmp/shares.json" '" ".join(str(p["pid"]) for p in procs)'); do
		"$PERFTOP" report "$tmp/shares.ptsnap" --pid "$pid" --format json --top 0 >"$tmp/one.json"
		mine=$(jq_py "$tmp/one.json" '[n for n in ("work_parent", "work_forked", "work_execd") if share(n) > 0]')
		want=$(jq_py "$tmp/shares.json" "[p['samples'] for p in procs if p['pid'] == $pid][0]")
		got=$(jq_py "$tmp/one.json" 'd["summary"]["samples"]')
		# its one work function, with every sample the tree has of it
		fn=$(echo "$mine" | tr -d "[]' ")
		alone=$(jq_py "$tmp/one.json" "funcs['$fn']['total'] if '$fn' in funcs else -1")
		whole=$(jq_py "$tmp/shares.json" "funcs['$fn']['total'] if '$fn' in funcs else -2")
		case $fn in *,* | "") fn_ok=0 ;; *) fn_ok=1 ;; esac
		if [ "$fn_ok" != 1 ] || [ "$alone" != "$whole" ] || [ "$got" != "$want" ]; then
			ok=0
			echo "# pid $pid: functions $mine ($alone of the tree's $whole), samples $got, listed $want"
		fi
	done
	check shares_report_pid_each_process_alone [ "$ok" = 1 ]
	"$PERFTOP" report "$tmp/shares.ptsnap" >"$tmp/shares.txt"
	check shares_text_lists_processes grep -q '^Processes' "$tmp/shares.txt"
	check shares_text_execd_row grep -q 'tree_workload execd' "$tmp/shares.txt"
else
	fail shares_record "$(tail -3 "$tmp/shares.err")"
fi

# ---- sh -c "a; b", an exec chain, 100 short lives, a double-forked daemon ----------
if rec mix sh -c "'$W' burn 0.3 0; '$W' burn 0.3 4; '$W' chain 3 0.2; '$W' short 100 10; '$W' daemon 0.5 '$tmp/daemon.out'"; then
	"$PERFTOP" report "$tmp/mix.ptsnap" --format json --top 0 >"$tmp/mix.json"
	burns=$(jq_py "$tmp/mix.json" 'len([p for p in procs if p["command"].endswith("burn 0.3 0") or p["command"].endswith("burn 0.3 4")])')
	check mix_sh_both_commands [ "$burns" = 2 ]
	burned=$(jq_py "$tmp/mix.json" 'all(p["samples"] > 0 for p in procs if " burn 0.3 " in p["command"] and p["depth"] == 1)')
	check mix_sh_both_sampled [ "$burned" = True ]
	# One pid through three images: one process, work_chain's samples once.
	chain=$(jq_py "$tmp/mix.json" 'len([p for p in procs if "chain" in p["command"] and p["depth"] == 1])')
	check mix_exec_chain_one_process [ "$chain" = 1 ]
	chainpid=$(jq_py "$tmp/mix.json" '[p["pid"] for p in procs if "chain" in p["command"] and p["depth"] == 1][0]')
	"$PERFTOP" report "$tmp/mix.ptsnap" --pid "$chainpid" --format json --top 0 >"$tmp/chain.json"
	alone=$(jq_py "$tmp/chain.json" 'funcs["work_chain"]["total"]')
	merged=$(jq_py "$tmp/mix.json" 'funcs["work_chain"]["total"]')
	check mix_exec_chain_counted_once [ "$alone" = "$merged" ]
	shorts=$(jq_py "$tmp/mix.json" 'len([p for p in procs if p["command"].endswith("short 100 10") and p["depth"] == 2])')
	check mix_100_short_children_listed [ "$shorts" = 100 ]
	sampled=$(jq_py "$tmp/mix.json" 'len([p for p in procs if p["command"].endswith("short 100 10") and p["depth"] == 2 and p["samples"] > 0])')
	check mix_100_short_children_sampled [ "$sampled" = 100 ]
	st=$(jq_py "$tmp/mix.json" '[p["exit_status"] for p in procs if p["depth"] == 0 and p["command"].startswith("sh ")]')
	check mix_root_exit_status [ "$st" = "[0]" ]
	daemon=$(jq_py "$tmp/mix.json" '[(p["exit_status"], p["samples"] > 0) for p in procs if p["pid"] == int(open("'"$tmp"'/daemon.out").read())]')
	check mix_daemon_reaped_with_status [ "$daemon" = "[(3, True)]" ]
	sum=$(jq_py "$tmp/mix.json" 'sum(p["samples"] for p in procs) == d["summary"]["samples"]')
	check mix_no_sample_counted_twice [ "$sum" = True ]
else
	fail mix_record "$(tail -3 "$tmp/mix.err")"
fi

# ---- children the agent cannot load into ------------------------------------------------
if cc -static -O1 -o "$tmp/static_burn" tests/workloads/tree_workload.c 2>"$tmp/cc.err"; then
	static="'$tmp/static_burn' burn 1"
else
	static=""
	skip not_profiled_static "no static libc to link a static child: $(head -1 "$tmp/cc.err")"
fi
# A set-group-ID copy owned by a group perftop's user is not in: the loader runs
# it in secure-execution mode (egid != gid), so LD_PRELOAD is ignored.
sgid=""
grp=$(getent group daemon nogroup 2>/dev/null | cut -d: -f1,3 | while IFS=: read -r g n; do
	[ "$n" != "$(id -g)" ] && ! id -G | tr ' ' '\n' | grep -qx "$n" && { echo "$g"; break; }; done)
if [ -n "$grp" ] && cp "$W" "$tmp/sgid_burn" && chgrp "$grp" "$tmp/sgid_burn" 2>/dev/null &&
   chmod 2755 "$tmp/sgid_burn" && [ -g "$tmp/sgid_burn" ]; then
	sgid="'$tmp/sgid_burn' burn 1"
else
	skip not_profiled_setgid "cannot make a set-group-ID copy for another group here (needs chgrp to a group perftop's user is not in, i.e. root)"
fi
if [ -n "$static$sgid" ]; then
	if rec nop sh -c "${static:-true}; ${sgid:-true}"; then
		"$PERFTOP" report "$tmp/nop.ptsnap" --format json >"$tmp/nop.json"
		if [ -n "$static" ]; then
			why=$(jq_py "$tmp/nop.json" '[p["agent"] for p in procs if "static_burn" in p["command"]]')
			case $why in
			*"static executable"*) pass not_profiled_static ;;
			*) fail not_profiled_static "agent status $why" ;;
			esac
		fi
		if [ -n "$sgid" ]; then
			why=$(jq_py "$tmp/nop.json" '[p["agent"] for p in procs if "sgid_burn" in p["command"]]')
			case $why in
			*"setgid executable"*) pass not_profiled_setgid ;;
			*) fail not_profiled_setgid "agent status $why" ;;
			esac
		fi
		cpu=$(jq_py "$tmp/nop.json" 'all(p["cpu_s"] > 0 for p in procs if "_burn" in p["command"])')
		check not_profiled_cpu_from_proc [ "$cpu" = True ]
	else
		fail not_profiled_record "$(tail -3 "$tmp/nop.err")"
	fi
fi

# ---- exports --------------------------------------------------------------------------------
if [ -s "$tmp/shares.ptsnap" ]; then
	if command -v go >/dev/null 2>&1; then
		"$PERFTOP" export "$tmp/shares.ptsnap" --format pprof -o "$tmp/shares.pb.gz"
		HOME=$tmp GOCACHE=$tmp/go-cache GOPATH=$tmp/go go tool pprof -raw "$tmp/shares.pb.gz" \
			>"$tmp/pprof.raw" 2>"$tmp/pprof.err"
		# Sum the samples per pid label from the raw dump and compare with the report.
		python3 - "$tmp/pprof.raw" "$tmp/shares.json" >"$tmp/pprof.cmp" <<'EOF'
import json, re, sys
raw = open(sys.argv[1]).read()
counts = {}
samples = raw.split("Samples:")[1].split("Locations")[0]
for block in re.split(r"\n(?=\s*\d+\s+\d+:)", samples):
    m = re.match(r"\s*(\d+)\s+\d+:", block)
    p = re.search(r"pid:\[(\d+)\]", block)
    if m and p:
        counts[int(p.group(1))] = counts.get(int(p.group(1)), 0) + int(m.group(1))
want = {p["pid"]: p["samples"] for p in json.load(open(sys.argv[2]))["processes"] if p["samples"]}
print("ok" if counts == want else "pprof %s, report %s" % (counts, want))
EOF
		check pprof_pid_labels_counts grep -qx ok "$tmp/pprof.cmp"
		HOME=$tmp GOCACHE=$tmp/go-cache go tool pprof -tags "$tmp/shares.pb.gz" >"$tmp/tags.txt" 2>>"$tmp/pprof.err"
		check pprof_tags_pid grep -q '^ pid:' "$tmp/tags.txt"
		check pprof_tags_comm grep -q 'tree_workload' "$tmp/tags.txt"
	else
		skip pprof_pid_labels_counts "go is not installed (golang-go)"
	fi
	"$PERFTOP" export "$tmp/shares.ptsnap" --format folded --folded-comm -o "$tmp/f.folded"
	check folded_comm_prefix awk '$0 !~ /^tree_workload;/ { bad = 1 } END { exit bad }' "$tmp/f.folded"
	a=$(awk '{ s += $NF } END { print s }' "$tmp/f.folded")
	b=$(jq_py "$tmp/shares.json" 'd["summary"]["samples"]')
	check folded_comm_counts_add_up [ "$a" = "$b" ]
	"$PERFTOP" export "$tmp/shares.ptsnap" --format speedscope -o "$tmp/s.json"
	n=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(len({p["name"].split(":")[0] for p in d["profiles"]}))' "$tmp/s.json")
	check speedscope_profile_per_process [ "$n" = 3 ]
	if "$PERFTOP" export "$tmp/shares.ptsnap" --format pprof --folded-comm -o "$tmp/x" 2>/dev/null; then
		fail folded_comm_only_folded "accepted with pprof"
	else
		pass folded_comm_only_folded
	fi
fi

# ---- -p PID: the tree under a running process -------------------------------------------------
if [ -r "${PERFTOP_AGENT:-$PWD/$BUILD/libperftop.so}" ]; then
	LD_PRELOAD="${PERFTOP_AGENT:-$PWD/$BUILD/libperftop.so}" "$W" tree 4 >/dev/null 2>&1 &
	root=$!
	has_children() { [ -n "$(cat /proc/"$root"/task/*/children 2>/dev/null)" ]; }
	wait_until 30 has_children
	timeout $(deadline 120) "$PERFTOP" record -p "$root" -i 0.1 -o "$tmp/p.ptsnap" >/dev/null 2>"$tmp/p.err"
	wait "$root" 2>/dev/null
	"$PERFTOP" report "$tmp/p.ptsnap" --format json >"$tmp/p.json" 2>/dev/null
	n=$(jq_py "$tmp/p.json" 'len([p for p in procs if p["samples"] > 0])' 2>/dev/null)
	if [ "${n:-0}" -ge 2 ]; then
		pass pid_tree_children_sampled
	else
		fail pid_tree_children_sampled "$n processes with samples: $(tail -2 "$tmp/p.err")"
	fi
fi

# ---- a real build: make -j2 of twenty small C files --------------------------------------------
# The compiler driver forks cc1 and as for each file: every one is a member
# with its own samples, and cc1's own functions are in the merged profile.
if command -v make >/dev/null 2>&1 && command -v cc >/dev/null 2>&1; then
	mkdir "$tmp/build"
	for i in $(seq 1 20); do
		cat >"$tmp/build/f$i.c" <<EOF
static int t$i[64][64];
int f$i(int n)
{
	int s = 0;
	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 64; j++) {
			t$i[i][j] = i * j + n;
			s += t$i[i][j] % 7;
		}
	return s;
}
EOF
	done
	printf 'OBJS = $(patsubst %%.c,%%.o,$(wildcard f*.c))\nall: $(OBJS)\n%%.o: %%.c\n\tcc -O2 -c $< -o $@\n' \
		>"$tmp/build/Makefile"
	if rec make make -C "$tmp/build" -j2; then
		"$PERFTOP" report "$tmp/make.ptsnap" --format json --top 0 >"$tmp/make.json"
		cmd0='p["command"].split()[0]'
		cc1=$(jq_py "$tmp/make.json" "len([p for p in procs if $cmd0.endswith('/cc1')])")
		cc1s=$(jq_py "$tmp/make.json" "len([p for p in procs if $cmd0.endswith('/cc1') and p['samples'] > 0])")
		as=$(jq_py "$tmp/make.json" "len([p for p in procs if $cmd0 == 'as'])")
		check make_every_cc1_listed [ "$cc1" = 20 ]
		# each cc1 runs for tens of ms of CPU: most of them are sampled
		check make_cc1_sampled [ "${cc1s:-0}" -ge 15 ]
		check make_every_as_listed [ "$as" = 20 ]
		m=$(jq_py "$tmp/make.json" 'sum(f["total"] for f in d["functions_by_total"] if f["module"] == "cc1")')
		check make_cc1_functions_in_the_tree [ "${m:-0}" -gt 0 ]
		st=$(jq_py "$tmp/make.json" 'procs[0]["command"].startswith("make") and procs[0]["exit_status"] == 0')
		check make_root_exit_status [ "$st" = True ]
	else
		fail make_build "perftop record -- make -j2 failed: $(tail -2 "$tmp/make.err")"
	fi
else
	skip make_build "make or cc is not installed"
fi

# ---- a snapshot of the format before process trees still opens --------------------------------
old=tests/tree/old-1.2.ptsnap
if [ -s "$old" ]; then
	if "$PERFTOP" report "$old" --format json >"$tmp/old.json" 2>"$tmp/old.err"; then
		s=$(jq_py "$tmp/old.json" 'd["summary"]["samples"] > 0 and "processes" not in d')
		check old_snapshot_opens [ "$s" = True ]
	else
		fail old_snapshot_opens "$(cat "$tmp/old.err")"
	fi
else
	fail old_snapshot_opens "$old is missing"
fi
