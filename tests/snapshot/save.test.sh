# tests/snapshot/save.test.sh — the S key in a tmux-driven `perftop run`:
# the file it writes reads back with `perftop report`; a missing directory,
# a full disk (a 64 KiB tmpfs, when mount works) and a file size limit
# (ulimit -f) give an error in the status line while perftop keeps running
# with a live screen and no file under the final name; after a failure, S to
# a good path works. (POSIX sh.)
. tests/lib.sh
. tests/tui/lib.sh

mounted=""
tui_cleanup_more() {
	[ -n "$mounted" ] && umount "$mounted" 2>/dev/null
}
tui_suite save "$WORKLOADS/pt_zones" || exit 0
LC_ALL=C.UTF-8
export LC_ALL
PERFTOP_ABS=$(cd "$(dirname "$PERFTOP")" && pwd)/$(basename "$PERFTOP")
ZONES_ABS=$(cd "$WORKLOADS" && pwd)/pt_zones

# start_run [SHELL PREFIX]: perftop run of a long pt_zones in $T, after the
# prefix (e.g. "ulimit -f 4;"); waits for the profile's Functions tab and
# its first 100 samples (there is something to save).
start_run() {
	tm_start "cd '$T' && $1 TZ=UTC '$PERFTOP_ABS' run -- '$ZONES_ABS' 100000 2000; echo rc=\$? >'$T/rc'; sleep 60"
	wait_for_text "SELF%" 15 && wait_until "$WAIT_S" has_samples 100
}

# has_samples N: the screen shows at least N samples.
has_samples() { _s=$(samples_shown) && [ -n "$_s" ] && [ "$_s" -ge "$1" ]; }

# save_as PATH: S, the prompt emptied, PATH typed, Enter; waits for the
# outcome in the status line.
save_as() {
	tm send-keys -t t S
	wait_for_text "Save snapshot to:" 3 || return 1
	tm send-keys -t t C-u
	tm send-keys -t t -l "$1"
	tm send-keys -t t Enter
	tm_wait_for "saved |cannot save" 10
}

# samples_shown: the agent's sample count on screen, digits only.
samples_shown() {
	tm_screen | sed -n 's/.*achieved, \([0-9,]*\) samples.*/\1/p' | head -n 1 | tr -d ,
}

# still_live NAME: perftop is running and its screen still moves on (the
# sample count grows; waited for).
still_live() {
	a=$(samples_shown)
	grew() { b=$(samples_shown) && [ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]; }
	wait_until "$WAIT_S" grew
	if tm_alive && [ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]; then
		pass "$1"
	else
		fail "$1" "samples on screen went from '$a' to '$b' (alive: $(tm_alive && echo yes))"
	fi
}

# no_file NAME DIR BASENAME: neither BASENAME nor a temporary file of it in DIR.
no_file() {
	left=$(ls -A "$2" 2>/dev/null | grep -F "$3")
	if [ -z "$left" ]; then pass "$1"; else fail "$1" "left behind: $left"; fi
}

# ---- the default name, and a file that reads back ------------------------------
if start_run ""; then
	tm send-keys -t t S
	if wait_for_text "Save snapshot to: perftop-pt_zones-" 3; then
		pass save_prompt_default_name
	else
		fail save_prompt_default_name "prompt: $(tm_screen | tail -n 1)"
	fi
	tm send-keys -t t Enter
	tm_wait_for "saved |cannot save" 10
	line=$(tm_screen | grep -E "saved |cannot save" | head -n 1)
	file=$(ls "$T"/perftop-pt_zones-*.ptsnap 2>/dev/null | head -n 1)
	if echo "$line" | grep -Eq "saved perftop-pt_zones-[0-9]+-[0-9]{8}-[0-9]{6}\.ptsnap \([0-9,]+ samples, [0-9.]+ [KM]iB\)" &&
		[ -s "$file" ]; then
		pass save_default_path_written
	else
		fail save_default_path_written "status '$line', file '$file'"
	fi
	if [ -n "$file" ] && "$PERFTOP" report "$file" >"$T/report.txt" 2>&1 &&
		grep -q "perftop report: pt_zones" "$T/report.txt" &&
		grep -Eq "^  samples +[1-9]" "$T/report.txt"; then
		pass save_reads_back
	else
		fail save_reads_back "$(head -n 3 "$T/report.txt" | tr '\n' '|')"
	fi

	# ---- a directory that does not exist -------------------------------------
	save_as "$T/missing/x.ptsnap"
	if tm_screen | grep -q "cannot save snapshot '.*missing/x.ptsnap': "; then
		pass save_missing_dir_error
	else
		fail save_missing_dir_error "status: $(tm_screen | tail -n 1)"
	fi
	still_live save_missing_dir_still_live
	[ ! -e "$T/missing" ] && pass save_missing_dir_no_file || fail save_missing_dir_no_file "$T/missing exists"

	# ---- a full disk --------------------------------------------------------
	mkdir "$T/full"
	if mount -t tmpfs -o size=64k tmpfs "$T/full" 2>"$T/mount.err"; then
		mounted=$T/full
		dd if=/dev/zero of="$T/full/fill" bs=4k count=64 2>/dev/null
		save_as "$T/full/x.ptsnap"
		if tm_screen | grep -q "cannot save snapshot.*No space left on device"; then
			pass save_full_disk_error
		else
			fail save_full_disk_error "status: $(tm_screen | tail -n 1)"
		fi
		no_file save_full_disk_no_file "$T/full" "x.ptsnap"
		still_live save_full_disk_still_live
		# then a good path works
		save_as "$T/good.ptsnap"
		if tm_screen | grep -q "saved .*good.ptsnap (" && "$PERFTOP" report "$T/good.ptsnap" >/dev/null 2>&1; then
			pass save_after_error_works
		else
			fail save_after_error_works "status: $(tm_screen | tail -n 1)"
		fi
		umount "$T/full" && mounted=""
	else
		skip save_full_disk "cannot mount a tmpfs here: $(head -n 1 "$T/mount.err")"
	fi
	tm send-keys -t t q
	tm_wait_for "^rc=" 1 >/dev/null
	wait_file "$T/rc" 10
	check save_run_exit_0 grep -qx "rc=0" "$T/rc"
else
	fail save_run_starts "no profile on screen: $(tm_screen | head -n 3 | tr '\n' '|')"
fi

# ---- a file size limit (ulimit -f): EFBIG, not a kill -------------------------
rm -f "$T/rc"
# (512-byte blocks: a snapshot of a thousand samples is bigger than that.)
if start_run "ulimit -f 1;"; then
	wait_until "$WAIT_S" has_samples 1000
	save_as "$T/big.ptsnap"
	if tm_screen | grep -q "cannot save snapshot.*File too large"; then
		pass save_size_limit_error
	else
		fail save_size_limit_error "status: $(tm_screen | tail -n 1)"
	fi
	still_live save_size_limit_still_live
	no_file save_size_limit_no_file "$T" "big.ptsnap"
	tm send-keys -t t q
	wait_file "$T/rc" 10
	check save_size_limit_exit_0 grep -qx "rc=0" "$T/rc"
else
	fail save_size_limit_run_starts "no profile on screen: $(tm_screen | head -n 3 | tr '\n' '|')"
fi
