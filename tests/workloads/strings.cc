// strings — a C++ workload for the demangling tests, built by
// tests/report/demangle.test.sh with g++ (not by the Makefile, which builds
// C): most of its time goes to std::string's _M_replace (through
// work::Churner<int>::step(int)) and to work::checksum(std::string const&).
// `strings [ROUNDS]` (default 3000000) runs a fixed number of rounds.
#include <cstdio>
#include <cstdlib>
#include <string>

namespace work {

template <class T> struct Churner {
	std::string s = std::string(256, 'a');

	__attribute__((noinline)) void step(T i)
	{
		s.replace((size_t)i % 200, 16, "perftop-demangle", 16);
	}
};

__attribute__((noinline)) unsigned long checksum(const std::string &s)
{
	unsigned long h = 5381;

	for (char c : s)
		h = h * 33 + (unsigned char)c;
	return h;
}

} // namespace work

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 3000000;
	work::Churner<int> c;
	unsigned long h = 0;

	for (long i = 0; i < rounds; i++) {
		c.step((int)i);
		if (i % 4 == 0)
			h ^= work::checksum(c.s);
	}
	std::printf("strings: %lu\n", h & 0xff);
	return 0;
}
