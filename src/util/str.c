/* str — small byte-string helpers; see str.h. */
#include "util/str.h"

#include <string.h>
#include <strings.h>

bool str_contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!hay)
		return false;
	if (!n)
		return true;
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return false;
}
