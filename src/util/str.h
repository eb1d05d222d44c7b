/*
 * str — small byte-string helpers shared by the model and the views.
 */
#ifndef PERFTOP_UTIL_STR_H
#define PERFTOP_UTIL_STR_H

#include <stdbool.h>

/* Whether needle occurs in hay, ASCII letters compared without case (other
 * bytes as they are). An empty needle occurs in every string; a NULL hay
 * contains nothing. */
bool str_contains_nocase(const char *hay, const char *needle);

#endif
