#!/bin/sh
# Snapshot files: save and open times of a large profile (bench/snapshot.c:
# 1,000,000 samples over 50,000 stacks, median of 3), and the size per
# sample of a real recording of build/workloads/shares next to perf.data's
# (perf record -F 1000 -g) and gperftools' (CPUPROFILE) for the same run.
set -eu
. bench/lib.sh
make -s BUILD="$BUILD" "$BUILD/bench/snapshot" all >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
big=$("$BUILD/bench/snapshot" "$tmp" 2>&1)
save=$(echo "$big" | sed -n 's/.* save \([0-9.]*\) s.*/\1/p')
load=$(echo "$big" | sed -n 's/.* load \([0-9.]*\) s.*/\1/p')
verdict() { awk -v t="$1" 'BEGIN { print (t != "" && t <= 0.5) ? "yes" : "NO" }'; }

# bytes_per FILE SAMPLES
bytes_per() {
	awk -v b="$(wc -c <"$1")" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f", b / n; else print "n/a" }'
}
work=$BUILD/workloads/shares
"$BUILD/perftop" record -o "$tmp/shares.ptsnap" -F 1000 -- "$work" 3 2>"$tmp/rec.err"
pt_n=$(sed -n "s/.*wrote .* (\([0-9]*\) samples.*/\1/p" "$tmp/rec.err")
pt_b=$(wc -c <"$tmp/shares.ptsnap")
pt_row="| perftop snapshot | $pt_b | $pt_n | $(bytes_per "$tmp/shares.ptsnap" "$pt_n") |"

perf_row="| perf.data (\`perf record -F 1000 -g\`) | n/a | n/a | n/a (perf unavailable) |"
if command -v perf >/dev/null 2>&1 &&
	perf record -q -F 1000 -g -o "$tmp/perf.data" "$work" 3 >/dev/null 2>&1; then
	n=$(perf script -i "$tmp/perf.data" -F comm 2>/dev/null | wc -l)
	perf_row="| perf.data (\`perf record -F 1000 -g\`) | $(wc -c <"$tmp/perf.data") | $n | $(bytes_per "$tmp/perf.data" "$n") |"
fi

gp_row="| gperftools (\`CPUPROFILE\`) | n/a | n/a | n/a (libprofiler unavailable) |"
lib=$(ls /usr/lib/*/libprofiler.so.0 2>/dev/null | head -n 1 || true)
if [ -n "$lib" ] && command -v google-pprof >/dev/null 2>&1; then
	LD_PRELOAD=$lib CPUPROFILE=$tmp/gperf.prof CPUPROFILE_FREQUENCY=1000 "$work" 3 >/dev/null 2>&1 || true
	n=$(google-pprof --text "$work" "$tmp/gperf.prof" 2>/dev/null | sed -n 's/^Total: \([0-9]*\) samples.*/\1/p')
	[ -f "$tmp/gperf.prof" ] && gp_row="| gperftools (\`CPUPROFILE\`, 1000 Hz asked) | $(wc -c <"$tmp/gperf.prof") | ${n:-0} | $(bytes_per "$tmp/gperf.prof" "${n:-0}") |"
fi

cat <<MD
## Snapshot files

\`bench/snapshot.c\` builds a model of 300 processes with ten minutes of CPU and RSS series and one
profile of 1,000,000 samples over 50,000 distinct stacks (depth 16–24, shared prefixes) and 5,000
functions on 8 threads over 100 s, with zones and a counter, then saves it and opens it three times.
Target: save and open ≤ 0.5 s each (median of 3). *Encode* is the only step that holds the model's
lock (the UI's \`S\` key); *write* deflates, writes a temporary file, fsyncs and renames.

\`\`\`
$big
\`\`\`

| | median | ≤ 0.5 s |
|---|---|---|
| save | ${save:-n/a} s | $(verdict "$save") |
| open | ${load:-n/a} s | $(verdict "$load") |

Size per sample for the same workload (\`build/workloads/shares 3\`, about 3 s of CPU, recorded
three times, once per tool). A snapshot stores each distinct stack once and counts per (stack,
thread) and per second of the live window, plus resolved symbols and the process's series, so its
size grows with distinct stacks and seconds, not with samples; perf.data stores every sample with
its call chain, gperftools every distinct stack with a count but no symbols.

| file | bytes | samples | bytes/sample |
|---|---|---|---|
$pt_row
$perf_row
$gp_row
MD
