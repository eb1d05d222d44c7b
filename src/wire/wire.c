/*
 * wire — the tables the agent protocol's encoder and decoder are driven by,
 * and the names of its message types; see wire.h.
 *
 * One table per message type, generated from the field X-macros of wire.h:
 * the kind and struct offset of each field in wire order (wire_internal.h).
 * The encoder is wire_encode.c, the decoder wire_decode.c and the one-line
 * description of a message wire_format.c; the agent links all but the last.
 */
#include "wire/wire.h"

#include <stddef.h>

#include "wire/wire_internal.h"

#define FIELD_ROW(S, member, kind, doc) {#member, WIRE_K_##kind, offsetof(struct wire_##S, member)},
#define TABLES(NAME, name, id, head, item)                                                         \
	static const struct wire__field name##_head[] = {head(FIELD_ROW, name){NULL, 0, 0}};       \
	static const struct wire__field name##_item[] = {item(FIELD_ROW, name){NULL, 0, 0}};
WIRE_MESSAGES(TABLES)
#undef TABLES

const struct wire__msgdef wire__defs[] = {
#define DEF_ROW(NAME, name, id, head, item)                                                        \
	{id, #name, name##_head, name##_item, 0 head(FIELD_COUNT, name), 0 item(FIELD_COUNT, name)},
    WIRE_MESSAGES(DEF_ROW)
#undef DEF_ROW
};

const char *wire_type_name(uint32_t type)
{
	const struct wire__msgdef *def = wire__def_of(type);

	return def ? def->name : NULL;
}

int wire_type_is_batch(uint32_t type)
{
	const struct wire__msgdef *def = wire__def_of(type);

	return def && def->nitem > 0;
}
