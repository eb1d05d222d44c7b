/* Unit tests for src/symbols/demangle: C++ (Itanium, as g++ and clang++
 * mangle), Rust legacy and Rust v0 names, taken from real binaries (nm of a
 * g++ program, of rustc's output with and without
 * -C symbol-mangling-version=v0), against the names c++filt and rustfilt
 * print; C names and junk are left alone. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "symbols/demangle.h"

static void expect(const char *mangled, const char *want)
{
	char *got = sym_demangle(mangled);

	if (!want) {
		cr_expect_null(got, "'%s' is not mangled, got '%s'", mangled, got ? got : "");
	} else {
		cr_expect_not_null(got, "'%s' not demangled", mangled);
		if (got)
			cr_expect_str_eq(got, want, "'%s'", mangled);
	}
	free(got);
}

Test(demangle, cxx_itanium)
{
	expect("_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE10_M_replaceEmmPKcm",
	       "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >"
	       "::_M_replace(unsigned long, unsigned long, char const*, unsigned long)");
	expect("_ZN4work8checksumERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE",
	       "work::checksum(std::__cxx11::basic_string<char, std::char_traits<char>, "
	       "std::allocator<char> > const&)");
	expect("_ZN4work7ChurnerIiE4stepEi", "work::Churner<int>::step(int)");
	expect("_Z3fooi", "foo(int)");
	expect("_ZL4funcv", "func()");
	expect("_ZN3foo3barEv.cold", "foo::bar() [clone .cold]");
}

Test(demangle, rust_legacy_without_the_hash)
{
	expect("_ZN1r4main17h086b0cfd890a8ea9E", "r::main");
	expect("_ZN3std2rt10lang_start28_$u7b$$u7b$closure$u7d$$u7d$17ha86af84d9cc65291E",
	       "std::rt::lang_start::{{closure}}");
}

Test(demangle, rust_v0)
{
	expect("_RNvCs6GmmlP4bgsG_1r4main", "r::main");
	expect(
	    "_RINvMNtCsgEmfK2I1SDS_4core3stre18trim_start_matchesReECsgY6Mt91CT9J_14rustc_demangle",
	    "<str>::trim_start_matches::<&str>");
	expect(
	    "_RINvMNtCsgEmfK2I1SDS_4core5sliceSh11copy_withinINtNtNtB5_3ops5range14RangeInclusivej"
	    "EECsfEOYDRpO4Ta_11miniz_oxide",
	    "<[u8]>::copy_within::<core::ops::range::RangeInclusive<usize>>");
}

Test(demangle, other_names_are_left_alone)
{
	expect("main", NULL);
	expect("parse_header", NULL);
	expect("_start", NULL);
	expect("_Z", NULL);
	expect("_ZNotMangled", NULL);
	expect("_R", NULL);
	expect("", NULL);
	expect("libc.so.6+0x1a2b0", NULL);
}
