# tests/cli/manpage.test.sh — docs/perftop.1 names every key perftop has:
# each key of each binding table's labels (the process list, the process
# view, the Tree and Callers tabs, the Flame tab, the system-wide view: the
# tables the help screen lists) must appear in bold in the man page's KEYS section, and
# --no-mouse in its SYNOPSIS. (POSIX sh; no build needed.)
. tests/lib.sh

MAN=docs/perftop.1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

if [ ! -r "$MAN" ]; then
	fail manpage "$MAN is missing"
	exit 0
fi

# table_of FILE: the lines of FILE's `struct ui_binding NAME[] = { ... };`.
table_of() {
	awk '/struct ui_binding [a-z_]*\[\] = \{/ { on = 1 } on { print } on && /^};/ { exit }' "$1"
}

# bold_keys: every word set in bold in the KEYS section (\fB...\fR inline,
# .B and .BR lines), one a line, with \- read as -.
bold_keys() {
	sed -n '/^\.SH KEYS/,/^\.SH [A-JL-Z]/p' "$MAN" | sed 's/\\-/-/g' >"$T/keys.roff"
	{
		grep -o '\\fB[^\\]*\\f[RP]' "$T/keys.roff" | sed 's/^\\fB//; s/\\f[RP]$//'
		sed -n 's/^\.BR* //p' "$T/keys.roff" | sed 's/", "/ /g; s/"//g'
	} | tr ' ' '\n' | grep -v '^$' | sort -u
}
bold_keys >"$T/bold"
if [ ! -s "$T/bold" ]; then
	fail manpage_keys_section "no KEYS section with bold keys in $MAN"
	exit 0
fi

for src in src/ui/listview.c src/ui/procview.c src/ui/treeview.c src/ui/flameview.c src/ui/sysview.c; do
	name=manpage_keys_$(basename "$src" .c)
	if [ ! -r "$src" ]; then
		fail "$name" "$src is missing"
		continue
	fi
	table_of "$src" >"$T/table"
	# Each entry starts "{ {keys}, "label"" or "{ {keys}, NULL" on one line.
	entries=$(grep -c '^[[:space:]]*{ {' "$T/table")
	sed -n 's/^[[:space:]]*{ {[^}]*}, "\([^"]*\)".*/\1/p' "$T/table" >"$T/labels"
	nulls=$(grep -c '^[[:space:]]*{ {[^}]*}, NULL' "$T/table")
	labels=$(wc -l <"$T/labels")
	if [ "$entries" -eq 0 ] || [ "$((labels + nulls))" -ne "$entries" ]; then
		fail "$name" "read $labels labels and $nulls continuations of $entries bindings in $src"
		continue
	fi
	missing=""
	for key in $(tr ' ' '\n' <"$T/labels" | grep -v '^$'); do
		grep -Fxq -- "$key" "$T/bold" || missing="$missing $key"
	done
	if [ -z "$missing" ]; then
		pass "$name"
	else
		fail "$name" "keys of $src not in bold in $MAN's KEYS:$missing"
	fi
done

synopsis=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$MAN" | sed 's/\\-/-/g')
if printf '%s\n' "$synopsis" | grep -Fq -- "--no-mouse"; then
	pass manpage_synopsis_no_mouse
else
	fail manpage_synopsis_no_mouse "--no-mouse is not in the SYNOPSIS of $MAN"
fi
