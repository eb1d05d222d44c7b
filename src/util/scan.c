/* scan — bounded number reading; see scan.h. */
#include "util/scan.h"

int scan_hex(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int n = 0;

	for (; s < end && n < 17; s++, n++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		v = v << 4 | (uint64_t)d;
	}
	if (n == 0 || n > 16)
		return -1;
	*p = s;
	*out = v;
	return 0;
}

int scan_dec(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int n = 0;

	for (; s < end && *s >= '0' && *s <= '9' && n < 20; s++, n++)
		v = v * 10 + (uint64_t)(*s - '0');
	if (n == 0 || n >= 20)
		return -1;
	*p = s;
	*out = v;
	return 0;
}
