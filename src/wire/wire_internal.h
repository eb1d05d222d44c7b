/*
 * wire_internal.h — private to src/wire: the per-type tables that the
 * encoder (wire_encode.c), the decoder (wire_decode.c) and the description
 * (wire_format.c) all walk. They are built once, in wire.c, from the field
 * X-macros of wire.h: for each message type its name, and the kind and
 * struct offset of each field in wire order.
 */
#ifndef PERFTOP_WIRE_WIRE_INTERNAL_H
#define PERFTOP_WIRE_WIRE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

struct wire__field {
	const char *name; /* NULL ends a list */
	uint8_t kind;     /* enum wire_kind */
	uint16_t off;     /* offset in struct wire_<type> */
};

struct wire__msgdef {
	uint32_t id;
	const char *name;
	const struct wire__field *head, *item;
	uint8_t nhead, nitem;
};

/* Counts a field list: 0 WIRE_X_FIELDS(FIELD_COUNT, x) is its length. */
#define FIELD_COUNT(S, member, kind, doc) +1

/* The index of each message type in wire__defs[]. */
enum wire__def_index {
#define DEF_INDEX(NAME, name, id, head, item) WIRE__DEF_##NAME,
	WIRE_MESSAGES(DEF_INDEX)
#undef DEF_INDEX
};

/* One row per message type, in WIRE_MESSAGES order (wire.c). */
extern const struct wire__msgdef wire__defs[];

/* The table of message type id, or NULL for an id no type has. */
static inline const struct wire__msgdef *wire__def_of(uint32_t id)
{
	switch (id) {
#define DEF_CASE(NAME, name, id, head, item)                                                       \
	case id:                                                                                   \
		return &wire__defs[WIRE__DEF_##NAME];
		WIRE_MESSAGES(DEF_CASE)
#undef DEF_CASE
	default:
		return NULL;
	}
}

#endif
