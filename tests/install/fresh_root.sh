#!/bin/sh
# fresh_root.sh — the README's quick start on a new Debian 12 machine: builds a
# minimal root with debootstrap, copies the committed tree in (git archive
# HEAD: what a clean clone holds), and inside it, as a newcomer would, runs
# `make` with nothing installed (one message naming the missing packages),
# then `make run` (which installs the packages and builds), then the smoke
# runs: `perftop --batch -n 1` and `perftop run --batch` of the demo.
#
# Run by .ci/run and `make fresh-check`; not by `make test` (it is not a
# *.test.sh: it takes minutes and the network). Output follows tests/lib.sh:
# "PASS fresh_root_STEP" per step, "FAIL fresh_root_STEP: why" with the last
# lines of that step's log, or "SKIP fresh_root: reason" where it truly cannot
# run (not root, no debootstrap, no bookworm source in apt's configuration,
# mirror unreachable, no disk). The mirror and any apt proxy are read from
# this machine's apt configuration at run time. FRESH_FULL=1 also runs
# `make test` inside the root (much longer: the test packages and the suite).
# FRESH_REV=COMMIT tests that commit instead of HEAD (e.g. an older one, to
# see the check fail where the first run used to fail).
# The root is unmounted and deleted on every exit. Exit status 1 on a FAIL.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo" || exit 1
. tests/lib.sh
started=$(date +%s)
failed=0

elapsed() { echo $(($(date +%s) - started)); }
# skip_out REASON: the whole check cannot run here.
skip_out() {
	skip fresh_root "$1"
	echo "fresh_root: wall time $(elapsed)s"
	exit 0
}

[ "$(id -u)" -eq 0 ] || skip_out "needs root (debootstrap, chroot, mount)"
command -v git >/dev/null 2>&1 && git rev-parse --verify -q HEAD >/dev/null 2>&1 ||
	skip_out "not a git checkout: the committed tree is what is tested"
if ! command -v debootstrap >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap \
		>/dev/null 2>&1 || skip_out "debootstrap is not installed and apt-get cannot install it"
fi

# The first http(s) archive apt uses for bookworm: deb822 *.sources first
# (Types: deb, Suites: bookworm, not Enabled: no), then one-line *.list files.
apt_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
		function flush() {
			if (types ~ /(^| )deb( |$)/ && suites ~ /(^| )bookworm( |$)/ && enabled != "no" && uris != "") {
				split(uris, u, " "); print u[1]
			}
			types = suites = uris = enabled = last = ""
		}
		/^#/ { next }
		/^[ \t]*$/ { flush(); next }
		/^[ \t]/ { if (last == "uris") uris = uris " " $0; next }
		{
			key = tolower($1); sub(/:.*/, "", key); val = $0; sub(/^[^:]*:[ \t]*/, "", val)
			last = key
			if (key == "types") types = val
			else if (key == "uris") uris = val
			else if (key == "suites") suites = val
			else if (key == "enabled") enabled = tolower(val)
		}
		END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" {
			i = 2
			if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
			if ($(i + 1) == "bookworm") print $i
		}' "$f"
	done
}
mirror=$(apt_mirror | grep -E '^https?://' | head -n 1)
[ -n "$mirror" ] || skip_out "no http(s) bookworm source in /etc/apt (sources.list, sources.list.d)"

# apt's proxy, if it has one, for debootstrap's downloads (the root's apt
# gets the same setting from the copied apt.conf.d files).
eval "$(apt-config shell http_proxy Acquire::http::Proxy https_proxy Acquire::https::Proxy 2>/dev/null)"
# shellcheck disable=SC2154,SC2163 # val and the exported names are indirect
for v in http_proxy https_proxy; do
	eval "val=\${$v:-}"
	case "$val" in "" | DIRECT) unset "$v" ;; *) export "$v" ;; esac
done

wget -q -T 30 -t 2 -O /dev/null "${mirror%/}/dists/bookworm/InRelease" ||
	skip_out "mirror ${mirror} unreachable (dists/bookworm/InRelease)"

tmpbase=/var/tmp
[ -d "$tmpbase" ] && [ -w "$tmpbase" ] || tmpbase=${TMPDIR:-/tmp}
avail=$(df -Pk "$tmpbase" | awk 'NR == 2 { print $4 }')
[ "${avail:-0}" -ge 3000000 ] || skip_out "less than 3 GB free in $tmpbase"
work=$(mktemp -d "$tmpbase/perftop-fresh.XXXXXX") || skip_out "cannot create a directory in $tmpbase"
root=$work/root

# Unmount and delete the root whatever happened: first every process still
# running inside it (ours), then its mounts deepest first, then the files,
# never crossing into a mount that is still there.
cleanup() {
	trap - EXIT INT TERM HUP
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -KILL "${p#/proc/}" 2>/dev/null
	done
	mounts() { awk -v r="$root" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r; }
	for m in $(mounts); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	if [ -n "$(mounts)" ]; then
		fail fresh_root_cleanup "still mounted under $root: $(mounts | tr '\n' ' '); left in place"
		failed=1
	else
		rm -rf --one-file-system "$work"
	fi
	echo "fresh_root: wall time $(elapsed)s"
	[ "$failed" -eq 0 ]
	exit
}
trap cleanup EXIT
trap 'failed=1; exit 1' INT TERM HUP

# step NAME SECONDS COMMAND...: runs COMMAND with its output in NAME.log,
# bounded by timeout (SECONDS 0: a shell function, run as it is); PASS, or
# FAIL with the log's last lines.
step() {
	name=$1 limit=$2
	shift 2
	log=$work/$name.log
	t0=$(date +%s)
	echo "fresh_root: $name ..."
	if [ "$limit" -eq 0 ]; then
		"$@" >"$log" 2>&1
	else
		timeout -k 10 "$limit" "$@" >"$log" 2>&1
	fi
	rc=$?
	echo "fresh_root: $name took $(($(date +%s) - t0))s (exit $rc)"
	if [ "$rc" -eq 0 ]; then
		pass "fresh_root_$name"
		return 0
	fi
	why="exit $rc"
	[ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && why="timed out after ${limit}s"
	fail "fresh_root_$name" "$why; last lines of its log:"
	tail -n 25 "$log" | sed 's/^/    /'
	# A suite run inside (FRESH_FULL): its failures, wherever they are.
	if grep -Eq '^FAIL |^\[FAIL\]' "$log"; then
		echo "  failures in its log:"
		grep -E -A2 '^FAIL |^\[FAIL\]|Assertion Failed' "$log" | cut -c1-200 | head -n 60 | sed 's/^/    /'
	fi
	failed=1
	return 1
}
# expect NAME DESCRIPTION COMMAND...: a check on a step's output.
expect() {
	name=$1 what=$2
	shift 2
	if "$@"; then
		pass "fresh_root_$name"
		return 0
	fi
	fail "fresh_root_$name" "$what; last lines of the output:"
	tail -n 25 "$log" | sed 's/^/    /'
	failed=1
	return 1
}
# root_step NAME SECONDS COMMAND: a step that runs the shell COMMAND inside
# the root, in the tree's copy, with a login's plain environment.
root_step() {
	step "$1" "$2" chroot "$root" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root TERM=xterm LANG=C.UTF-8 /bin/sh -c "cd /root/perftop && $3"
}
# samples_of FUNCTION: true when a "Functions" table in $log gives FUNCTION
# a non-zero SAMPLES count (columns: SELF% TOTAL% SAMPLES FUNCTION ...).
samples_of() { awk -v f="$1" '$4 == f && $3 + 0 > 0 { found = 1 } END { exit !found }' "$log"; }

rev=${FRESH_REV:-HEAD}
git rev-parse --verify -q "$rev^{commit}" >/dev/null || {
	fail fresh_root_revision "FRESH_REV '$rev' is not a commit"
	exit 1
}
echo "fresh_root: debootstrap bookworm from $mirror into $root (tree: $rev $(git rev-parse --short "$rev"))"
[ "$rev" != HEAD ] || [ -z "$(git status --porcelain --untracked-files=no)" ] ||
	echo "fresh_root: note: uncommitted changes are not part of the copy"

step debootstrap 900 debootstrap --variant=minbase bookworm "$root" "$mirror" || exit 1

# A machine set up like this one: its apt settings (proxy, date checks), its
# name server; /proc, /sys and /dev/pts, and /dev itself when debootstrap
# could not make the device nodes.
setup_root() {
	for f in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do
		[ -f "$f" ] && grep -q 'Acquire' "$f" && cp "$f" "$root/etc/apt/${f#/etc/apt/}"
	done
	cp -L /etc/resolv.conf "$root/etc/resolv.conf" &&
		mount -t proc proc "$root/proc" &&
		mount -t sysfs -o ro sysfs "$root/sys" || return 1
	if [ -c "$root/dev/null" ]; then
		# A pty instance of its own (apt logs through one, tmux needs them):
		# a new devpts, never the machine's.
		mkdir -p "$root/dev/pts" &&
			mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts" || return 1
	else
		# No device nodes: the machine's /dev, read through a bind that
		# passes no mount or unmount back to it.
		mount --bind /dev "$root/dev" && mount --make-rslave "$root/dev" || return 1
	fi
	mkdir -p "$root/root/perftop" &&
		git archive --format=tar "$rev" | tar -x -C "$root/root/perftop"
}
step setup 0 setup_root || exit 1

# The README: make is the one thing installed by hand when it is missing.
root_step install_make 600 'DEBIAN_FRONTEND=noninteractive apt-get install -y make' || exit 1

# `make` alone with no packages: one message naming them, no compiler errors.
# (A wrong message does not stop the check: `make run` is tested either way.)
if root_step make_without_packages 120 '! make'; then
	expect make_names_missing_packages "no 'missing Debian packages: ... libncurses-dev' message" \
		grep -q 'missing Debian packages:.*libncurses-dev' "$log"
	expect make_says_how_to_install "the message does not say 'make deps' and 'apt-get install'" \
		sh -c "grep -q 'make deps' '$log' && grep -q 'apt-get install' '$log'"
	expect make_message_only "more than the one message (compiler or linker output)" \
		sh -c "! grep -Eq 'error:|undefined reference|No such file' '$log' && [ \$(wc -l <'$log') -le 6 ]"
fi

# `make run` as the README says, non-interactive: it installs the packages,
# builds, and profiles the demo for three refreshes as text.
root_step make_run 1500 "make run RUNFLAGS='--batch -n 3'" || exit 1
expect make_run_samples "no blur_rows with samples in make run's output" samples_of blur_rows || exit 1

root_step batch_process_table 120 'build/perftop --batch -n 1' || exit 1
expect batch_lists_processes "no PID/COMMAND header or no row for perftop itself" \
	sh -c "grep -q 'PID USER' '$log' && grep -q 'COMMAND' '$log' && grep -Eq '^ *[0-9]+ .*perftop --batch' '$log'" ||
	exit 1

root_step run_demo 300 'build/perftop run --batch -- build/perftop-demo -t 3' || exit 1
expect run_demo_samples "no blur_rows with samples in the demo's profile" samples_of blur_rows || exit 1
expect run_demo_zones "no 'frame' zone in the demo's profile" grep -Eq '^ +frame +[1-9]' "$log" || exit 1

if [ "${FRESH_FULL:-0}" = 1 ]; then
	root_step make_test 3600 'make test' || exit 1
fi
exit 0
