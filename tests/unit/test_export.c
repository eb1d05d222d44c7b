/* Unit tests for report/export: folded totals equal the samples; the pprof
 * file gunzips and decodes (a small protobuf reader below) to the same
 * functions and counts; speedscope and Chrome JSON are valid JSON (a small
 * validator below) with hostile names escaped; outfile writes whole files. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "model/model.h"
#include "report/export.h"
#include "report/outfile.h"
#include "report/report.h"

/* ---- a JSON validator (RFC 8259 syntax, UTF-8 not checked here) ------------------ */

static const char *ws(const char *s)
{
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

static const char *value(const char *s, int depth);

static const char *string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	while (*s != '"') {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)s[i]))
						return NULL;
				s += 4;
			} else if (!strchr("\"\\/bfnrt", *s) || !*s) {
				return NULL;
			}
		}
		s++;
	}
	return s + 1;
}

static const char *number(const char *s)
{
	const char *start = s;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (isdigit((unsigned char)*s))
		while (isdigit((unsigned char)*s))
			s++;
	else
		return NULL;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return NULL;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return NULL;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return s > start ? s : NULL;
}

static const char *value(const char *s, int depth)
{
	s = ws(s);
	if (depth > 64)
		return NULL;
	if (*s == '{' || *s == '[') {
		char close = *s == '{' ? '}' : ']';
		bool obj = *s == '{';

		s = ws(s + 1);
		if (*s == close)
			return s + 1;
		for (;;) {
			if (obj) {
				s = string(ws(s));
				if (!s)
					return NULL;
				s = ws(s);
				if (*s++ != ':')
					return NULL;
			}
			s = value(s, depth + 1);
			if (!s)
				return NULL;
			s = ws(s);
			if (*s == ',') {
				s++;
				continue;
			}
			if (*s == close)
				return s + 1;
			return NULL;
		}
	}
	if (*s == '"')
		return string(s);
	if (!strncmp(s, "true", 4))
		return s + 4;
	if (!strncmp(s, "false", 5))
		return s + 5;
	if (!strncmp(s, "null", 4))
		return s + 4;
	return number(s);
}

static bool json_valid(const char *s)
{
	s = value(s, 0);
	return s && *ws(s) == '\0';
}

Test(json_validator, catches_bad_json)
{
	cr_assert(json_valid("{\"a\": [1, 2.5e3, \"x\\u0001\", null, true]}"));
	cr_assert_not(json_valid("{\"a\": [1, 2,]}"));
	cr_assert_not(json_valid("{\"a\": \"\x01\"}"));
	cr_assert_not(json_valid("{\"a\": NaN}"));
}

/* ---- a tiny protobuf reader -------------------------------------------------------- */

struct pb {
	const unsigned char *p, *end;
};

static bool pb_varint(struct pb *b, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64 && b->p < b->end; shift += 7) {
		unsigned char c = *b->p++;

		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return true;
	}
	return false;
}

/* Next field: number, wire type, and for wire type 2 the sub-buffer. */
static bool pb_field(struct pb *b, unsigned *field, unsigned *wire, uint64_t *v, struct pb *sub)
{
	uint64_t key;

	if (b->p >= b->end || !pb_varint(b, &key))
		return false;
	*field = (unsigned)(key >> 3);
	*wire = (unsigned)(key & 7);
	if (*wire == 0)
		return pb_varint(b, v);
	if (*wire == 2) {
		if (!pb_varint(b, v) || *v > (uint64_t)(b->end - b->p))
			return false;
		sub->p = b->p;
		sub->end = b->p + *v;
		b->p += *v;
		return true;
	}
	return false; /* perftop writes no other wire types */
}

struct decoded {
	char *strings[256];
	size_t nstrings;
	uint64_t sample_type[4][2];
	size_t nsample_types;
	uint64_t samples, cpu_ns, nsamples;
	uint64_t func_name[64];     /* by function id: string index */
	uint64_t loc_func[64];      /* by location id: function id */
	uint64_t leaf_count[64];    /* by function id: samples with it as the leaf */
	uint64_t period, duration, nmappings;
};

static void decode_profile(const unsigned char *data, size_t len, struct decoded *d)
{
	struct pb b = { data, data + len }, sub, sub2;
	unsigned field, wire;
	uint64_t v;

	memset(d, 0, sizeof(*d));
	while (pb_field(&b, &field, &wire, &v, &sub)) {
		switch (field) {
		case 1: { /* ValueType */
			unsigned f2, w2;
			uint64_t v2;

			while (pb_field(&sub, &f2, &w2, &v2, &sub2))
				d->sample_type[d->nsample_types][f2 - 1] = v2;
			d->nsample_types++;
			break;
		}
		case 2: { /* Sample */
			unsigned f2, w2;
			uint64_t v2, leaf = 0, vals[2] = { 0, 0 };
			bool first = true;

			while (pb_field(&sub, &f2, &w2, &v2, &sub2)) {
				uint64_t x;
				int i = 0;

				if (f2 == 1)
					while (pb_varint(&sub2, &x) && sub2.p <= sub2.end) {
						if (first)
							leaf = x;
						first = false;
						if (sub2.p == sub2.end)
							break;
					}
				if (f2 == 2)
					while (i < 2 && pb_varint(&sub2, &x))
						vals[i++] = x;
			}
			d->samples += vals[0];
			d->cpu_ns += vals[1];
			d->nsamples++;
			cr_assert_lt(leaf, 64);
			d->leaf_count[d->loc_func[leaf] ? d->loc_func[leaf] : leaf] += vals[0];
			break;
		}
		case 3:
			d->nmappings++;
			break;
		case 4: { /* Location: id, line { function_id } */
			unsigned f2, w2, f3, w3;
			uint64_t v2, v3, id = 0, fn = 0;
			struct pb sub3;

			while (pb_field(&sub, &f2, &w2, &v2, &sub2)) {
				if (f2 == 1)
					id = v2;
				if (f2 == 4)
					while (pb_field(&sub2, &f3, &w3, &v3, &sub3))
						if (f3 == 1)
							fn = v3;
			}
			cr_assert_lt(id, 64);
			d->loc_func[id] = fn;
			break;
		}
		case 5: { /* Function: id, name */
			unsigned f2, w2;
			uint64_t v2, id = 0, name = 0;

			while (pb_field(&sub, &f2, &w2, &v2, &sub2)) {
				if (f2 == 1)
					id = v2;
				if (f2 == 2)
					name = v2;
			}
			cr_assert_lt(id, 64);
			d->func_name[id] = name;
			break;
		}
		case 6:
			cr_assert_lt(d->nstrings, 256);
			d->strings[d->nstrings] = strndup((const char *)sub.p, v);
			d->nstrings++;
			break;
		case 10:
			d->duration = v;
			break;
		case 12:
			d->period = v;
			break;
		}
	}
	cr_assert_eq(b.p, b.end, "trailing bytes in the profile");
}

static void decoded_free(struct decoded *d)
{
	for (size_t i = 0; i < d->nstrings; i++)
		free(d->strings[i]);
}

static unsigned char *gunzip(const unsigned char *in, size_t len, size_t *out_len)
{
	size_t cap = 1 << 20;
	unsigned char *out = malloc(cap);
	z_stream z;

	memset(&z, 0, sizeof(z));
	cr_assert_eq(inflateInit2(&z, 15 + 16), Z_OK); /* gzip only */
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	cr_assert_eq(inflate(&z, Z_FINISH), Z_STREAM_END, "not a whole gzip stream");
	*out_len = cap - z.avail_out;
	inflateEnd(&z);
	return out;
}

/* ---- the profile -------------------------------------------------------------------- */

static struct model m;
static struct process *proc;
static struct profile *p;
static uint32_t f_main, f_run, f_parse, f_hash, f_evil, f_worker;

/* main;run;parse 40, main;run;hash 25, 5 without a stack (thread 1);
 * worker;parse 30 (thread 2, named with a quote); a hostile function. */
static void setup(void)
{
	model_init(&m, 1.0);
	proc = model_agent_process(&m, 5, "/bin/prog");
	p = proc->profile;
	p->requested_hz = 200;
	f_main = profile_func(p, "prog", "main", "prog.c", 3);
	f_run = profile_func(p, "prog", "run", NULL, 0);
	f_parse = profile_func(p, "prog", "parse", "parse.c", 42);
	f_hash = profile_func(p, "libh.so", "hash", NULL, 0);
	f_worker = profile_func(p, "prog", "worker", NULL, 0);
	f_evil = profile_func(p, "prog", "ev\"il;name\n\x01\xff", NULL, 0);
	{
		uint32_t s1[] = { f_main, f_run, f_parse }, s2[] = { f_main, f_run, f_hash },
			 s3[] = { f_worker, f_parse }, s4[] = { f_main, f_evil };

		profile_add_samples(p, 5, s1, 3, 40, 10.5);
		profile_add_samples(p, 5, s2, 3, 25, 11.5);
		profile_add_samples(p, 5, NULL, 0, 5, 12.5);
		profile_add_samples(p, 6, s3, 2, 30, 13.5);
		profile_add_samples(p, 5, s4, 2, 7, 14.0);
	}
	profile_thread_name(p, 5, "main");
	profile_thread_name(p, 6, "wo\"rker\x01");
	{
		uint32_t z = profile_zone(p, "fra\"me\x02"), c = profile_counter(p, "fr\\ames");

		for (int i = 0; i < 30; i++) {
			profile_zone_event_at(p, z, 5, 10 + i * 0.15, 1000000);
			profile_counter_update(p, c, false, 1, 10 + i * 0.15);
		}
	}
	profile_mark(p, 11, 5, "mark \"one\"\n\xc0");
}

static void teardown(void)
{
	model_release(&m);
}

TestSuite(export, .init = setup, .fini = teardown);

static char *run_export(enum export_format fmt, size_t *len)
{
	struct export_source src = { .p = p, .proc = proc, .program = "prog" };
	char *out = NULL, why[128];
	FILE *f = open_memstream(&out, len);

	cr_assert_eq(export_write(f, fmt, &src, why, sizeof(why)), 0, "%s", why);
	fclose(f);
	return out;
}

Test(export, folded_totals_equal_the_samples)
{
	size_t len;
	char *out = run_export(EXPORT_FOLDED, &len), *line, *save = NULL;
	uint64_t total = 0;
	unsigned lines = 0;

	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(line, ' ');

		cr_assert_not_null(sp);
		total += strtoull(sp + 1, NULL, 10);
		lines++;
		for (char *c = line; *c; c++)
			cr_assert((unsigned char)*c >= 0x20, "control character in '%s'", line);
		if (strstr(line, "ev\"il"))
			cr_assert(strstr(line, "main;ev\"il:name??\xef\xbf\xbd 7"), "%s", line);
	}
	cr_assert_eq(total, p->samples);
	cr_assert_eq(total, 107);
	cr_assert_eq(lines, 5); /* four stacks and "[no stack]" */
	free(out);
}

Test(export, folded_lines)
{
	size_t len;
	char *out = run_export(EXPORT_FOLDED, &len);

	cr_assert(strstr(out, "main;run;parse 40\n"), "%s", out);
	cr_assert(strstr(out, "worker;parse 30\n"));
	cr_assert(strstr(out, "[no stack] 5\n"));
	free(out);
}

Test(export, pprof_decodes_to_the_same_counts)
{
	size_t len, plen;
	char *out = run_export(EXPORT_PPROF, &len);
	unsigned char *raw = gunzip((unsigned char *)out, len, &plen);
	struct decoded d;

	cr_assert_eq((unsigned char)out[0], 0x1f); /* gzip magic */
	cr_assert_eq((unsigned char)out[1], 0x8b);
	decode_profile(raw, plen, &d);
	cr_assert_str_eq(d.strings[0], "");
	cr_assert_eq(d.nsample_types, 2); /* samples/count, cpu/nanoseconds */
	cr_assert_str_eq(d.strings[d.sample_type[0][0]], "samples");
	cr_assert_str_eq(d.strings[d.sample_type[0][1]], "count");
	cr_assert_str_eq(d.strings[d.sample_type[1][0]], "cpu");
	cr_assert_str_eq(d.strings[d.sample_type[1][1]], "nanoseconds");
	cr_assert_eq(d.samples, p->samples);
	cr_assert_eq(d.period, 5000000); /* 200 Hz */
	cr_assert_eq(d.cpu_ns, p->samples * 5000000);
	cr_assert_eq(d.duration, 4350000000ull); /* first event at 10 s, last zone at 14.35 s */
	cr_assert_eq(d.nmappings, 2); /* prog, libh.so */
	/* Leaves: parse has 70 self samples, hash 25, and "[no stack]" 5. */
	cr_assert_str_eq(d.strings[d.func_name[f_parse + 1]], "parse");
	cr_assert_eq(d.leaf_count[f_parse + 1], 70);
	cr_assert_eq(d.leaf_count[f_hash + 1], 25);
	cr_assert_str_eq(d.strings[d.func_name[profile_func_count(p) + 1]], EXPORT_NO_STACK);
	cr_assert_eq(d.leaf_count[profile_func_count(p) + 1], 5);
	/* The hostile name is valid UTF-8 with its control characters replaced. */
	cr_assert_str_eq(d.strings[d.func_name[f_evil + 1]], "ev\"il;name??\xef\xbf\xbd");
	decoded_free(&d);
	free(raw);
	free(out);
}

Test(export, speedscope_is_valid_json_with_a_profile_per_thread)
{
	size_t len;
	char *out = run_export(EXPORT_SPEEDSCOPE, &len);

	cr_assert(json_valid(out), "%s", out);
	cr_assert(strstr(out, "\"$schema\": \"https://www.speedscope.app/file-format-schema.json\""));
	/* Each thread's profile is named by its process and itself. */
	cr_assert(strstr(out, "\"name\": \"prog (pid 5): main (tid 5)\""), "%s", out);
	cr_assert(strstr(out, "\"name\": \"prog (pid 5): wo\\\"rker\\u0001 (tid 6)\""), "%s", out);
	cr_assert(strstr(out, "\"ev\\\"il;name\\n\\u0001\\ufffd\""));
	/* Thread 5: 40 + 25 + 5 + 7 samples; thread 6: 30. */
	cr_assert(strstr(out, "\"endValue\": 77"));
	cr_assert(strstr(out, "\"endValue\": 30"));
	free(out);
}

Test(export, chrome_trace_is_valid_json)
{
	size_t len;
	char *out = run_export(EXPORT_CHROME, &len);

	cr_assert(json_valid(out), "%s", out);
	cr_assert(strstr(out, "\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": 5, \"tid\": 6, "
			      "\"args\": {\"name\": \"wo\\\"rker\\u0001\"}"),
		  "%s", out);
	cr_assert(strstr(out, "\"ph\": \"X\", \"name\": \"fra\\\"me\\u0002\""), "%s", out);
	cr_assert(strstr(out, "\"ph\": \"C\", \"name\": \"fr\\\\ames\""));
	cr_assert(strstr(out, "\"ph\": \"i\", \"name\": \"mark \\\"one\\\"\\n\\ufffd\""));
	/* 30 zone events 0.15 s apart from t=10 fall in 5 seconds. */
	cr_assert(strstr(out, "\"zone_events\": 5"), "%s", out);
	free(out);
}

Test(export, report_json_is_valid_with_hostile_names)
{
	struct report r;
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	report_compute(&r, proc, NULL, 1.0, NULL);
	report_write(f, &r, REPORT_JSON);
	fclose(f);
	cr_assert(json_valid(out), "%s", out);
	free(out);
	report_release(&r);
}

Test(export, format_names)
{
	enum export_format fmt;

	cr_assert_eq(export_format_parse("speedscope", &fmt), 0);
	cr_assert_eq(fmt, EXPORT_SPEEDSCOPE);
	cr_assert_str_eq(export_format_name(EXPORT_PPROF), "pprof");
	cr_assert_lt(export_format_parse("svg", &fmt), 0);
}

Test(outfile, whole_or_nothing)
{
	char dir[] = "/tmp/perftop-out-XXXXXX", path[256], why[256];
	struct outfile o;
	struct stat st;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	f = fopen(path, "w");
	fputs("old", f);
	fclose(f);
	/* Abandoned: the old file stays, no temporary is left. */
	cr_assert_eq(outfile_open(&o, path, why, sizeof(why)), 0);
	fputs("half", o.f);
	outfile_abort(&o);
	f = fopen(path, "r");
	cr_assert_eq(fgetc(f), 'o');
	fclose(f);
	/* Committed: replaced. */
	cr_assert_eq(outfile_open(&o, path, why, sizeof(why)), 0);
	fputs("new", o.f);
	cr_assert_eq(outfile_commit(&o, why, sizeof(why)), 0, "%s", why);
	f = fopen(path, "r");
	cr_assert_eq(fgetc(f), 'n');
	fclose(f);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(rmdir(dir), 0, "a temporary file was left behind");
	/* A directory that does not exist names the path. */
	cr_assert_lt(outfile_open(&o, "/nonexistent-dir/x", why, sizeof(why)), 0);
	cr_assert(strstr(why, "cannot write '/nonexistent-dir/x'"), "%s", why);
}
