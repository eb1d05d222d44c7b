#!/bin/sh
# check-layers.sh [ROOT] — checks the #include lines of ROOT/src (default:
# the tree this script lives in) against the allowed dependency graph that
# docs/styleguide.md states (the block between its "check-layers: begin" and
# "check-layers: end" markers), and looks for include cycles between modules.
#
# A module is one source file's stem: src/report/budget.c and
# src/report/budget.h are the module report/budget, and a private header
# NAME_internal.h belongs to the module NAME. Every `#include "x/y.h"`
# is an edge from the including file's module to x/y; an include without a
# folder names the public header in include/. Folder rules judge the edges
# that cross folders; any strongly connected set of modules is a cycle.
# Both may have known exceptions in the block, each with its reason.
#
# Prints one line per violation (file:line, the include, the rule broken)
# and exits 1 when there is any; prints nothing and exits 0 when the tree
# keeps the graph. Plain POSIX sh and awk: no network, no packages.
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
doc=$root/docs/styleguide.md
[ -f "$doc" ] || { echo "check-layers: no $doc" >&2; exit 2; }
cd "$root" || exit 2

# The include lines, one per row: FILE<TAB>LINE<TAB>"name" or <name>.
files=$(find src -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort)
[ -n "$files" ] || { echo "check-layers: no sources under $root/src" >&2; exit 2; }
# shellcheck disable=SC2086
awk '
/^[ \t]*#[ \t]*include[ \t]*["<]/ {
	s = $0
	sub(/^[ \t]*#[ \t]*include[ \t]*/, "", s)
	if (substr(s, 1, 1) == "\"") { n = index(substr(s, 2), "\""); q = "\"" }
	else { n = index(substr(s, 2), ">"); q = "<" }
	if (n > 0) printf "%s\t%d\t%s%s\n", FILENAME, FNR, q, substr(s, 2, n - 1)
}' $files >"${TMPDIR:-/tmp}/check-layers.$$" || exit 2
trap 'rm -f "${TMPDIR:-/tmp}/check-layers.$$"' EXIT

awk -v doc="$doc" -v root="$root" '
function folder_of(path,   p) {
	# src/ui/view.c -> ui; src/main.c -> main
	p = path
	sub(/^src\//, "", p)
	if (index(p, "/") == 0) return "main"
	sub(/\/.*/, "", p)
	return p
}
function module_of(path,   p) {
	p = path
	sub(/^src\//, "", p)
	sub(/\.[ch]$/, "", p)
	sub(/_internal$/, "", p) # NAME_internal.h is private to NAME
	return p
}
function exists(path,   r, line) {
	if (path in seen_file) return seen_file[path]
	r = (getline line < path)
	if (r >= 0) close(path)
	seen_file[path] = (r >= 0)
	return seen_file[path]
}
function report(msg) {
	print "check-layers: " msg
	bad++
}
# Tarjan: strongly connected components of the module graph.
function strong(v,   i, w, comp, n, members) {
	idx[v] = lowl[v] = ++counter
	stack[++sp] = v
	onstack[v] = 1
	for (i = 1; i <= nout[v]; i++) {
		w = out[v, i]
		if (!(w in idx)) {
			strong(w)
			if (lowl[w] < lowl[v]) lowl[v] = lowl[w]
		} else if (onstack[w] && idx[w] < lowl[v]) {
			lowl[v] = idx[w]
		}
	}
	if (lowl[v] == idx[v]) {
		n = 0
		do {
			w = stack[sp--]
			onstack[w] = 0
			members[++n] = w
		} while (w != v)
		if (n > 1) found_cycle(members, n)
	}
}
function found_cycle(members, n,   i, j, t, key, where) {
	# sorted, space-separated: the form the exceptions are written in
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && members[j - 1] > members[j]; j--) {
			t = members[j]; members[j] = members[j - 1]; members[j - 1] = t
		}
	key = members[1]
	for (i = 2; i <= n; i++) key = key " " members[i]
	if (key in cycle_ok) { cycle_used[key] = 1; return }
	where = ""
	for (i = 1; i <= n; i++)
		for (j = 1; j <= n; j++)
			if ((members[i], members[j]) in edge_at)
				where = where "\n    " edge_at[members[i], members[j]]
	report("include cycle between modules " key \
	       " (no cycles allowed; docs/styleguide.md, Layout):" where)
}
BEGIN {
	FS = "\t"
	# The rules: "FOLDER: ALLOWED..." lines, "except FILE -> INCLUDE -- reason",
	# "cycle MODULE MODULE... -- reason", "system HEADER: FOLDER..." lines.
	inblock = 0
	while ((getline line < doc) > 0) {
		if (line ~ /check-layers: begin/) { inblock = 1; continue }
		if (line ~ /check-layers: end/) break
		if (!inblock || line ~ /^[ \t]*(#|```|$)/) continue
		nf = split(line, w, /[ \t]+/)
		if (w[1] == "") { for (i = 1; i < nf; i++) w[i] = w[i + 1]; nf-- }
		if (w[1] == "except") {
			if (nf < 6 || w[3] != "->" || w[5] != "--") { print "check-layers: " doc ": bad line: " line; fatal = 1; exit 2 }
			except_ok[w[2], w[4]] = 1
			except_reason[w[2], w[4]] = line
		} else if (w[1] == "cycle") {
			key = ""
			for (i = 2; i <= nf && w[i] !~ /^--/; i++) key = key (key == "" ? "" : " ") w[i]
			if (i > nf) { print "check-layers: " doc ": a cycle needs a reason after --: " line; fatal = 1; exit 2 }
			cycle_ok[key] = 1
		} else if (w[1] == "system") {
			h = w[2]; sub(/:$/, "", h)
			system_rule[h] = 1
			for (i = 3; i <= nf; i++) system_ok[h, w[i]] = 1
		} else if (w[1] ~ /:$/) {
			f = w[1]; sub(/:$/, "", f)
			known[f] = 1
			for (i = 2; i <= nf; i++) allow[f, w[i]] = 1
		} else {
			print "check-layers: " doc ": bad line: " line; fatal = 1; exit 2
		}
	}
	close(doc)
	if (!inblock) { print "check-layers: " doc " has no check-layers block"; fatal = 1; exit 2 }
}
{
	file = $1; line = $2; inc = $3
	from = folder_of(file)
	kind = substr(inc, 1, 1)
	name = substr(inc, 2)
	if (!(from in known)) {
		if (!(from in unknown_told))
			report(file ": folder src/" from " has no rule in docs/styleguide.md (Layout)")
		unknown_told[from] = 1
		next
	}
	if (kind == "<") {
		if ((name in system_rule) && !((name, from) in system_ok))
			report(file ":" line ": includes <" name ">: only the folders named for it in docs/styleguide.md (Layout) may")
		next
	}
	if (index(name, "/") == 0) { target = "include/" name; to = "include" }
	else { target = "src/" name; to = name; sub(/\/.*/, "", to) }
	if (!exists(root "/" target)) {
		report(file ":" line ": includes \"" name "\": no " target)
		next
	}
	if (to != "include") {
		a = module_of(file); b = module_of(target)
		if (a != b && !((a, b) in edge_at)) {
			out[a, ++nout[a]] = b
			edge_at[a, b] = file ":" line " includes \"" name "\""
			node[a] = node[b] = 1
		}
	}
	if (to == from) next
	if ((file, name) in except_ok) { except_used[file, name] = 1; next }
	if (!((from, to) in allow))
		report(file ":" line ": includes \"" name "\": " from " may not depend on " to \
		       " (" from " may include: " allowed_list(from) "; docs/styleguide.md, Layout)")
}
function allowed_list(f,   k, s, p) {
	s = ""
	for (k in allow) {
		split(k, p, SUBSEP)
		if (p[1] == f) s = s (s == "" ? "" : " ") p[2]
	}
	return s == "" ? "nothing" : s
}
END {
	if (fatal) exit 2
	for (v in node) if (!(v in idx)) strong(v)
	# An exception the code no longer needs is stale: say so, so the list shrinks.
	for (k in except_ok)
		if (!(k in except_used)) {
			split(k, p, SUBSEP)
			report("stale exception, no such include any more: " p[1] " -> " p[2])
		}
	for (k in cycle_ok)
		if (!(k in cycle_used))
			report("stale cycle exception, no such cycle any more: " k)
	exit (bad > 0)
}' "${TMPDIR:-/tmp}/check-layers.$$"
