#!/bin/sh
# The handler's two stack walks give the same frames (src/agent/sampler.c,
# unwind()): libunwind's trace (unw_backtrace cut at the signal frame, the
# default) against the step walk from the signal's context (unw_step), on
# every sample, with PERFTOP_UNWIND=check, which writes each difference and
# the counts to the target's standard error. Workloads: deep recursion
# (stacks of 10 and 60 frames), four busy threads (each makes its trace
# cache inside the handler), a JIT-like program (code without unwind
# information), a signal handler on an alternate stack (a signal frame in
# the middle of the stack), Python 3.11 recursing through C builtins (deep native
# stacks), and Python with twenty extension modules loaded (many shared
# libraries). And with the default walk, a recording of deeprec has the
# stack shape the recursion makes: 56 frames of descend under main.
. tests/lib.sh
TO=$((WAIT_S * 4))

AGENT=$PWD/$BUILD/libperftop.so
for f in "$AGENT" "$PERFTOP" "$WORKLOADS/deeprec" "$WORKLOADS/mtwork" "$WORKLOADS/jitloop" \
	"$WORKLOADS/sig_frames"; do
	if [ ! -e "$f" ]; then
		fail unwind "$f is missing (make all)"
		exit 0
	fi
done
if [ "$(uname -m)" != x86_64 ]; then
	skip unwind "the trace walk is x86-64 only; other machines use the step walk alone"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TMPDIR=$tmp
export TMPDIR
PERFTOP_SOCKET=$tmp/perftop.sock
export PERFTOP_SOCKET

# checked NAME CMD...: CMD recorded at 1 kHz with both walks compared; passes
# when some samples were compared and none differed.
checked() {
	name=$1
	shift
	PERFTOP_UNWIND=check PERFTOP_AGENT=$AGENT timeout "$TO" \
		"$PERFTOP" record -F 1000 -o "$tmp/$name.snap" -- "$@" >"$tmp/$name.out" 2>&1
	rc=$?
	last=$(grep 'unwind check: .* samples' "$tmp/$name.out" | tail -n 1)
	compared=$(echo "$last" | sed -n 's/.* samples, \([0-9]*\) compared.*/\1/p')
	differ=$(grep -c 'unwind check: frame' "$tmp/$name.out")
	if [ "$rc" -ne 0 ]; then
		fail "unwind-$name" "exit status $rc: $(tail -n 3 "$tmp/$name.out" | tr '\n' ' ')"
	elif [ -z "$compared" ] || [ "$compared" -eq 0 ]; then
		fail "unwind-$name" "no sample compared: ${last:-no count written}"
	elif [ "$differ" -ne 0 ]; then
		fail "unwind-$name" "$differ samples differ: $(grep -m 3 'unwind check: frame' "$tmp/$name.out" | tr '\n' ' ')"
	else
		pass "unwind-$name ($last)"
	fi
}

checked deep10 "$WORKLOADS/deeprec" 20000 5
checked deep60 "$WORKLOADS/deeprec" 20000 55
checked threads "$WORKLOADS/mtwork" 4 1500
checked jit "$WORKLOADS/jitloop" 2
checked signal-frame "$WORKLOADS/sig_frames"

if command -v python3.11 >/dev/null; then
	cat >"$tmp/rec.py" <<'EOF'
import sys
sys.setrecursionlimit(10000)
def leaf():
    x = 0
    for i in range(2000):
        x += i * i
    return x
def f(n):
    # each level calls through the C builtins sum and map: deep native stacks
    return sum(map(f, [n - 1])) if n else leaf()
for _ in range(3000):
    f(40)
EOF
	cat >"$tmp/libs.py" <<'EOF'
import array, bz2, csv, ctypes, decimal, hashlib, json, lzma, math, pyexpat
import select, socket, sqlite3, ssl, struct, unicodedata, zlib, _asyncio, _queue, _uuid
d = decimal.Decimal(1)
for i in range(200000):
    d = (d * 3 + 1) % 1000003
    zlib.crc32(b"x" * 64)
    hashlib.sha1(b"y").digest()
    json.dumps([i])
EOF
	checked python-recursion python3.11 "$tmp/rec.py"
	checked python-libraries python3.11 "$tmp/libs.py"
else
	skip unwind-python "python3.11 is not installed"
fi

# The default walk, end to end: the recording's heaviest stack is the
# recursion at its full depth (descend(55) down to descend(0)).
PERFTOP_AGENT=$AGENT timeout "$TO" "$PERFTOP" record -F 1000 -o "$tmp/shape.snap" -- \
	"$WORKLOADS/deeprec" 20000 55 >"$tmp/shape.out" 2>&1
"$PERFTOP" export "$tmp/shape.snap" --format folded -o "$tmp/shape.folded" 2>>"$tmp/shape.out"
top=$(sort -t' ' -k2 -n -r "$tmp/shape.folded" 2>/dev/null | head -n 1 | sed 's/ [0-9]*$//')
want="main"
for _ in $(seq 56); do want="$want;descend"; done
# libc's start-up frames above main are left out of the comparison.
if [ "${top#*;main;}" != "$top" ] && [ "main;${top#*;main;}" = "$want" ]; then
	pass "unwind-shape (deeprec 55: main and 56 frames of descend)"
else
	fail unwind-shape "heaviest stack: $(echo "$top" | awk -F';' '{print NF " frames: " $1 ";" $2 ";" $3 ";" $4 ";" $5 " ... " $NF}')"
fi
