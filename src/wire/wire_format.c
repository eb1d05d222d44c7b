/*
 * wire_format — one line of text describing a decoded message, for logs,
 * tests and the fuzz targets; see wire_msg_format() in wire.h. Walks the
 * same tables as the encoder and decoder (wire_internal.h).
 */
#include "wire/wire.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wire/wire_internal.h"

struct out {
	char *buf;
	size_t size, len; /* len counts what would have been written */
};

__attribute__((format(printf, 2, 3))) static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->len < o->size ? o->size - o->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void out_quoted(struct out *o, const char *s, uint32_t len)
{
	out_printf(o, "'");
	for (uint32_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
			out_printf(o, "%c", c);
		else
			out_printf(o, "\\x%02x", c);
	}
	out_printf(o, "'");
}

static void out_fields(struct out *o, const struct wire__field *list, const void *base)
{
	for (const struct wire__field *f = list; f->name; f++) {
		const void *p = (const char *)base + f->off;
		out_printf(o, " %s=", f->name);
		switch ((enum wire_kind)f->kind) {
		case WIRE_K_U32:
			out_printf(o, "%u", *(const uint32_t *)p);
			break;
		case WIRE_K_U64:
		case WIRE_K_BASE:
		case WIRE_K_DT:
			out_printf(o, "%llu", (unsigned long long)*(const uint64_t *)p);
			break;
		case WIRE_K_I64:
			out_printf(o, "%lld", (long long)*(const int64_t *)p);
			break;
		case WIRE_K_F64:
			out_printf(o, "%g", *(const double *)p);
			break;
		case WIRE_K_NUM: {
			const struct wire_num *num = p;
			if (num->is_float)
				out_printf(o, "%gf", num->f);
			else
				out_printf(o, "%lld", (long long)num->i);
			break;
		}
		case WIRE_K_STR: {
			const struct wire_str *str = p;
			out_quoted(o, str->s, str->s ? str->len : 0);
			break;
		}
		case WIRE_K_BIN: {
			const struct wire_str *bin = p;
			for (uint32_t i = 0; bin->s && i < bin->len; i++)
				out_printf(o, "%02x", (unsigned char)bin->s[i]);
			break;
		}
		case WIRE_K_STRS: {
			const struct wire_strs *v = p;
			out_printf(o, "[");
			for (uint32_t i = 0; v->v && i < v->n; i++) {
				if (i)
					out_printf(o, ",");
				out_quoted(o, v->v[i].s, v->v[i].len);
			}
			out_printf(o, "]");
			break;
		}
		case WIRE_K_STACK: {
			const struct wire_stack *st = p;
			out_printf(o, "[");
			for (uint32_t i = 0; st->frames && i < st->depth; i++) {
				const struct wire_frame *fr = &st->frames[i];
				if (i)
					out_printf(o, ",");
				if (fr->name)
					out_printf(o, "n%u:%u:%u", fr->name, fr->file, fr->line);
				else
					out_printf(o, "%llx", (unsigned long long)fr->pc);
			}
			out_printf(o, "]");
			break;
		}
		}
	}
}

int wire_msg_format(const struct wire_msg *msg, char *buf, size_t size)
{
	const struct wire__msgdef *def = wire__def_of(msg->type);
	struct out o = {buf, size, 0};

	if (size)
		buf[0] = '\0';
	if (!def) {
		out_printf(&o, "type %u", (unsigned)msg->type);
		return (int)o.len;
	}
	out_printf(&o, "%s", def->name);
	if (def->nitem)
		out_printf(&o, " %u/%u", msg->index, msg->count);
	out_fields(&o, def->head, &msg->u);
	if (def->nitem && msg->count)
		out_fields(&o, def->item, &msg->u);
	return (int)o.len;
}
