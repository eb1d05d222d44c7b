#!/bin/sh
# seed_ehframe.sh DIR FILE... — writes fuzz_ehframe inputs into DIR from the
# .eh_frame and .eh_frame_hdr sections of real ELF files: one header byte
# (bit 0: 64-bit, bit 1: big-endian), the section's address (8 bytes,
# little-endian), then the section's bytes, cut at MAX bytes (16 KiB; a cut
# entry only ends the walk). Each input is named by its SHA-1, as libFuzzer
# names what it adds. Needs binutils (readelf, objcopy).
#   sh tests/fuzz/seed_ehframe.sh tests/fuzz/corpus/ehframe build/perftop /bin/true
set -eu
MAX=${MAX:-16384}
dir=$1
shift
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# le64 N: N as 8 little-endian bytes.
le64() {
	n=$1 i=0
	while [ "$i" -lt 8 ]; do
		printf "\\$(printf %o $((n & 255)))"
		n=$((n >> 8))
		i=$((i + 1))
	done
}

for f in "$@"; do
	hdr=$(readelf -h "$f" 2>/dev/null) || continue
	flags=0
	echo "$hdr" | grep -q 'Class:.*ELF64' && flags=1
	echo "$hdr" | grep -q 'Data:.*big endian' && flags=$((flags | 2))
	for sec in .eh_frame .eh_frame_hdr; do
		addr=$(readelf -S -W "$f" | awk -v s="$sec" '{ sub(/^ *\[ *[0-9]+\] */, "") } $1 == s { print $3; exit }')
		[ -n "$addr" ] || continue
		objcopy -O binary --only-section="$sec" "$f" "$tmp/sec" 2>/dev/null || continue
		[ -s "$tmp/sec" ] || continue
		{
			printf "\\$(printf %o "$flags")"
			le64 $((0x$addr))
			head -c "$MAX" "$tmp/sec"
		} >"$tmp/in"
		sum=$(sha1sum "$tmp/in" | cut -d' ' -f1)
		cp "$tmp/in" "$dir/$sum"
		echo "$dir/$sum: $f $sec ($(wc -c <"$tmp/in") bytes)"
	done
done
