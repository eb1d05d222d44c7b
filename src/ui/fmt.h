/*
 * fmt — the UI's name for util/fmt.h, the one formatting library, while
 * views written before it moved still include this path. New code includes
 * util/fmt.h; this header goes once no file includes it.
 */
#ifndef PERFTOP_UI_FMT_H
#define PERFTOP_UI_FMT_H

#include "util/fmt.h"

#endif
