# tests/python/lib.sh — what the Python suites share (sourced after
# tests/lib.sh): the set-up and the loop over the interpreters present.

# py_suite NAME: fails NAME (the suite cannot run) when perftop, the agent
# or Debian's python3 is missing; else makes the scratch directory $tmp
# (removed at exit), a private socket in it, and clears PYTHONPATH and
# PYTHONHOME so the interpreter is the machine's. Returns non-zero when the
# suite cannot run: the caller exits 0.
py_suite() {
	if [ ! -x "$PERFTOP" ] || [ ! -f "$BUILD/libperftop.so" ]; then
		fail "$1" "$PERFTOP or the agent not built (make)"
		return 1
	fi
	if [ ! -x /usr/bin/python3 ]; then
		fail "$1" "Debian's python3 is not installed (apt-get install python3)"
		return 1
	fi
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	PERFTOP_SOCKET=$tmp/perftop.sock
	export PERFTOP_SOCKET
	unset PYTHONPATH PYTHONHOME
	return 0
}

# each_pyenv WHAT FN [ARG...]: FN LABEL PY ARG... for CPython 3.12 and 3.13
# under ~/.pyenv when present (the newest patch release); SKIP "pythonX.Y
# WHAT" with the reason when not.
each_pyenv() {
	_what=$1
	shift
	for _minor in 12 13; do
		_found=
		for _py in "$HOME"/.pyenv/versions/3.$_minor*/bin/python3; do
			[ -x "$_py" ] && _found=$_py
		done
		if [ -n "$_found" ]; then
			"$@" "python3.$_minor" "$_found"
		else
			skip "python3.$_minor $_what" "no ~/.pyenv/versions/3.$_minor*/bin/python3 on this machine"
		fi
	done
}
