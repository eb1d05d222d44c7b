# tests/cli/themepath.test.sh — --theme NAME works from any directory: the
# themes are looked up next to the binary (BIN/../themes for the build
# directory of a source tree, BIN/../share/perftop/themes for an installed
# or moved prefix), not only in ./themes. A theme found nowhere is an error
# that lists where it looked.
. tests/lib.sh

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
BIN=$(cd "$(dirname "$PERFTOP")" && pwd)/$(basename "$PERFTOP")

# From another directory, the source tree's themes are found beside the build.
(cd "$T" && "$BIN" --theme light --batch -n 1 >"$T/out" 2>"$T/err")
rc=$?
if [ "$rc" -eq 0 ] && ! grep -q "cannot open theme" "$T/err"; then
	pass "--theme light works from another directory"
else
	fail "--theme light works from another directory" "exit $rc: $(cat "$T/err")"
fi

# A moved prefix: PREFIX/bin/perftop finds PREFIX/share/perftop/themes.
mkdir -p "$T/prefix/bin" "$T/prefix/share/perftop/themes" "$T/bare/bin"
cp "$BIN" "$T/prefix/bin/perftop"
cp "$BIN" "$T/bare/bin/perftop"
cp themes/light.theme "$T/prefix/share/perftop/themes/pt-only-here.theme"
(cd / && "$T/prefix/bin/perftop" --theme pt-only-here --batch -n 1 >"$T/out" 2>"$T/err")
rc=$?
if [ "$rc" -eq 0 ] && ! grep -q "cannot open theme" "$T/err"; then
	pass "an installed binary finds PREFIX/share/perftop/themes from /"
else
	fail "an installed binary finds PREFIX/share/perftop/themes from /" "exit $rc: $(cat "$T/err")"
fi
# Through a symbolic link to the binary, the binary's place counts.
ln -s "$T/prefix/bin/perftop" "$T/link"
(cd / && "$T/link" --theme pt-only-here --batch -n 1 >"$T/out" 2>"$T/err")
if ! grep -q "cannot open theme" "$T/err"; then
	pass "a link to the binary finds the binary's themes"
else
	fail "a link to the binary finds the binary's themes" "$(cat "$T/err")"
fi
# Without it: an error naming the directories searched.
(cd / && "$T/bare/bin/perftop" --theme pt-only-here --batch -n 1 >"$T/out" 2>"$T/err")
if grep -q "cannot open theme 'pt-only-here': no pt-only-here.theme in .*$T/bare/bin/../share/perftop/themes" "$T/err"; then
	pass "a theme found nowhere names the directories searched"
else
	fail "a theme found nowhere names the directories searched" "$(cat "$T/err")"
fi
