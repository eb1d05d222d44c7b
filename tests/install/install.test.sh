# install.test.sh — `make install` and `make uninstall` into a DESTDIR: every
# file lands under PREFIX, perftop.pc lets a program build against the
# installed header and library, the Python module lands where python3
# looks, and uninstall removes all of it.
. tests/lib.sh
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
prefix=/opt/perftop-test

if ! make -s BUILD="$BUILD" PREFIX=$prefix DESTDIR="$dest" install >"$dest.log" 2>&1; then
	fail install_runs "$(tail -n 3 "$dest.log")"
	exit 0
fi
pass install_runs
for f in bin/perftop lib/libperftop.so include/perftop.h lib/pkgconfig/perftop.pc \
	share/man/man1/perftop.1 share/perftop/themes/dark.theme; do
	check "installed_$f" test -f "$dest$prefix/$f"
done
pydir=lib/python3/dist-packages
check "installed_$pydir/perftop/__init__.py" test -f "$dest$prefix/$pydir/perftop/__init__.py"
out=$(PYTHONPATH="$dest$prefix/$pydir" /usr/bin/python3 -c 'import perftop; print(perftop.AGENT_LOADED)' 2>&1)
check "installed python module imports ($out)" test "$out" = False
# Under PREFIX=/usr/local the module goes where Debian's python3 looks.
usr_pydir=$(make -s -p -n BUILD="$BUILD" PREFIX=/usr/local 2>/dev/null | sed -n 's/^PYTHONDIR := //p' | tail -n 1)
check "python module dir for /usr/local is on python3's path ($usr_pydir)" \
	/usr/bin/python3 -c 'import sys; sys.exit(sys.argv[1] not in sys.path)' "$usr_pydir"
check man_page_renders sh -c "man -l '$dest$prefix/share/man/man1/perftop.1' 2>/dev/null | grep -q 'perftop run'"

# A program built with the installed pkg-config file runs without perftop.
pc=$dest$prefix/lib/pkgconfig
cat >"$dest/prog.c" <<'C'
#include <perftop.h>
#include <stdio.h>
int main(void)
{
	PT_ZONE("main");
	pt_counter_add("n", 1);
	printf("connected=%d\n", pt_connected());
	return 0;
}
C
flags=$(PKG_CONFIG_PATH=$pc pkg-config --cflags --libs perftop)
flags=$(echo "$flags" | sed "s|-I$prefix|-I$dest$prefix|; s|-L$prefix|-L$dest$prefix|")
if cc -o "$dest/prog" "$dest/prog.c" $flags 2>"$dest/cc.log"; then
	pass builds_with_pkg_config
	out=$(PERFTOP_SOCKET="$dest/none.sock" LD_LIBRARY_PATH="$dest$prefix/lib" "$dest/prog" 2>/dev/null)
	check runs_without_perftop test "$out" = "connected=0"
else
	fail builds_with_pkg_config "$(head -n 3 "$dest/cc.log")"
fi

make -s BUILD="$BUILD" PREFIX=$prefix DESTDIR="$dest" uninstall >/dev/null 2>&1
left=$(find "$dest$prefix" -type f 2>/dev/null | wc -l)
check uninstall_removes_everything test "$left" -eq 0
rm -f "$dest.log"
