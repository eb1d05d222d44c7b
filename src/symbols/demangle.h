/*
 * demangle — C++ and Rust symbol names as people read them.
 *
 * Itanium C++ names (`_Z...`, as g++ and clang++ write them, with clone
 * suffixes such as `.cold`), Rust's legacy names (`_ZN...17h<hash>E`, shown
 * without the hash, as rustc's own demangler does) and Rust v0 names (`_R...`)
 * become `std::__cxx11::basic_string<...>::_M_replace(unsigned long, ...)`,
 * `core::fmt::Formatter::pad` and `mycrate::util::bar`. Anything else (C
 * names, a name the demangler rejects) is left as it is. The symbolizer
 * demangles every name it hands out, so views, reports, exports, diffs and
 * budgets all see the same, demangled names.
 */
#ifndef PERFTOP_SYMBOLS_DEMANGLE_H
#define PERFTOP_SYMBOLS_DEMANGLE_H

/* The demangled form of name in a new string the caller frees, or NULL when
 * name is not a mangled C++ or Rust name (or cannot be demangled). */
char *sym_demangle(const char *name);

#endif
