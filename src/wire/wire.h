/*
 * wire — the one definition of the protocol between the agent and perftop.
 *
 * Both sides include this header, so message type ids, field order, field
 * types and limits cannot drift apart. docs/protocol.md is the prose version.
 *
 * Framing. A stream is a sequence of frames. A frame is a msgpack uint32 in
 * its 5-byte form (0xce + 4 bytes big endian) giving the length of the body,
 * then the body: one msgpack array whose first element is the message type id
 * and whose other elements are the fields below, in order. The whole stream is
 * therefore valid msgpack, and a reader skips a frame by its length without
 * parsing it (unknown message types are skipped that way).
 *
 * Batches. SAMPLES, ZONES, ZONE_STATS, COUNTERS and MAPS carry a header
 * (their head fields) and, as their last field, an array of items; each item
 * is itself an array of the item fields. Item timestamps (kind DT) travel as
 * a signed delta from the previous item's timestamp, the first one from the
 * header's base_ts; encoder and decoder both deal in absolute timestamps.
 *
 * Versioning. HELLO is type 1 in every version and its first two fields are
 * major and minor, so any decoder can read them. A newer minor may add message
 * types and append fields to messages and items; decoders skip both. A
 * field appended to a flat message is optional for the decoder (an older
 * sender does not have it): wire_decode.c lists how many fields each flat message
 * has had since 1.0 (min_fields), and wire_msg.nfields says how many came.
 * Another major is refused.
 *
 * Ownership. The encoder writes into memory the caller owns and never
 * allocates (it runs on the agent's hot path). The decoder owns one buffer of
 * at most one frame; everything it hands to its callback points into that
 * buffer and is valid only during the callback.
 */
#ifndef PERFTOP_WIRE_WIRE_H
#define PERFTOP_WIRE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_PROTO_MAJOR 1
#define WIRE_PROTO_MINOR 4

/* ---- limits ------------------------------------------------------------- */
/* The decoder refuses anything beyond these; the encoder callers (the agent)
 * must stay within them. */
#define WIRE_FRAME_HEADER_BYTES 5           /* 0xce + uint32 body length */
#define WIRE_MAX_FRAME_BYTES    (1u << 20)  /* body of one frame */
#define WIRE_MAX_ARRAY          65536u      /* elements of any array (items of a batch) */
#define WIRE_MAX_STRING         4096u       /* bytes of a string (names, paths, marks) */
#define WIRE_MAX_BIN            64u         /* bytes of a binary field (build-id) */
#define WIRE_MAX_STACK_DEPTH    512u        /* frames of one stack */
#define WIRE_MAX_ARGV           256u        /* elements of HELLO's argv */
#define WIRE_MAX_FIELDS         64u         /* elements of one message or item array */
#define WIRE_SEND_BUF_BYTES     (64u << 10) /* suggested encoder buffer for the agent */

/* ---- message types ------------------------------------------------------ */
/* X(NAME, name, id, head fields, item fields). Agent → perftop below 64,
 * perftop → agent (control) from 64. Ids are never reused. */
#define WIRE_MESSAGES(X)                                                                           \
	X(HELLO, hello, 1, WIRE_HELLO_FIELDS, WIRE_NO_FIELDS)                                      \
	X(THREAD, thread, 2, WIRE_THREAD_FIELDS, WIRE_NO_FIELDS)                                   \
	X(NAME, name, 3, WIRE_NAME_FIELDS, WIRE_NO_FIELDS)                                         \
	X(SAMPLES, samples, 4, WIRE_SAMPLES_HEAD, WIRE_SAMPLES_ITEM)                               \
	X(ZONES, zones, 5, WIRE_ZONES_HEAD, WIRE_ZONES_ITEM)                                       \
	X(ZONE_STATS, zone_stats, 6, WIRE_ZONE_STATS_HEAD, WIRE_ZONE_STATS_ITEM)                   \
	X(COUNTERS, counters, 7, WIRE_COUNTERS_HEAD, WIRE_COUNTERS_ITEM)                           \
	X(MARK, mark, 8, WIRE_MARK_FIELDS, WIRE_NO_FIELDS)                                         \
	X(STATS, stats, 9, WIRE_STATS_FIELDS, WIRE_NO_FIELDS)                                      \
	X(MAPS, maps, 10, WIRE_MAPS_HEAD, WIRE_MAPS_ITEM)                                          \
	X(NOTICE, notice, 11, WIRE_NOTICE_FIELDS, WIRE_NO_FIELDS)                                  \
	X(PAUSE, pause, 64, WIRE_PAUSE_FIELDS, WIRE_NO_FIELDS)                                     \
	X(RESUME, resume, 65, WIRE_RESUME_FIELDS, WIRE_NO_FIELDS)                                  \
	X(SET_RATE, set_rate, 66, WIRE_SET_RATE_FIELDS, WIRE_NO_FIELDS)

enum wire_type {
#define WIRE_TYPE_ENUM(NAME, name, id, head, item) WIRE_##NAME = id,
	WIRE_MESSAGES(WIRE_TYPE_ENUM)
#undef WIRE_TYPE_ENUM
};

/* ---- field kinds -------------------------------------------------------- */
/* What a field is on the wire and in the decoded struct.
 *   U32, U64  msgpack unsigned int (range checked)       uint32_t, uint64_t
 *   I64       msgpack int                                int64_t
 *   F64       msgpack float32/float64 or int             double
 *   NUM       msgpack int (exact) or float               struct wire_num
 *   STR       msgpack str (<= WIRE_MAX_STRING)           struct wire_str (NUL-terminated)
 *   BIN       msgpack bin (<= WIRE_MAX_BIN)              struct wire_str
 *   STRS      array of str (<= WIRE_MAX_ARGV)            struct wire_strs
 *   BASE      msgpack uint: ns timestamp seeding DT      uint64_t
 *   DT        msgpack int: delta ns from previous item   uint64_t (absolute once decoded)
 *   STACK     array of frames (<= WIRE_MAX_STACK_DEPTH)  struct wire_stack
 */
#define WIRE_KINDS(K)                                                                              \
	K(U32) K(U64) K(I64) K(F64) K(NUM) K(STR) K(BIN) K(STRS) K(BASE) K(DT) K(STACK)

enum wire_kind {
#define WIRE_KIND_ENUM(k) WIRE_K_##k,
	WIRE_KINDS(WIRE_KIND_ENUM)
#undef WIRE_KIND_ENUM
};

/* A string with its length; the decoder NUL-terminates every STR. */
struct wire_str {
	const char *s;
	uint32_t len;
};

struct wire_strs {
	const struct wire_str *v;
	uint32_t n;
};

/* A counter value: an exact integer or a float. */
struct wire_num {
	int64_t i; /* used when !is_float */
	double f;  /* used when is_float */
	int is_float;
};

/*
 * One stack frame. On the wire a program-counter frame is a msgpack unsigned
 * int; a named frame (an interpreter's function) is an array
 * [name_id, file_id, line] of 1 to 3 uints, so the first byte tells the two
 * apart. name == 0 means a pc frame. file and line 0 mean unknown.
 * Stacks are leaf first: frame 0 is the interrupted pc, the others are
 * return addresses (look up pc - 1 for those).
 */
struct wire_frame {
	uint64_t pc;
	uint32_t name; /* NAME id, or 0 for a pc frame */
	uint32_t file; /* NAME id of the file, or 0 */
	uint32_t line; /* or 0 */
};

struct wire_stack {
	const struct wire_frame *frames;
	uint32_t depth;
};

typedef uint32_t wire_U32_t;
typedef uint64_t wire_U64_t;
typedef int64_t wire_I64_t;
typedef double wire_F64_t;
typedef struct wire_num wire_NUM_t;
typedef struct wire_str wire_STR_t;
typedef struct wire_str wire_BIN_t;
typedef struct wire_strs wire_STRS_t;
typedef uint64_t wire_BASE_t;
typedef uint64_t wire_DT_t;
typedef struct wire_stack wire_STACK_t;

/* ---- fields ------------------------------------------------------------- */
/* F(S, member, KIND, description), in wire order. Timestamps are nanoseconds in
 * the clock HELLO names. Ids (names, zones, counters, files) come from NAME
 * and are never 0. */
#define WIRE_NO_FIELDS(F, S)

#define WIRE_HELLO_FIELDS(F, S)                                                                    \
	F(S, major, U32, "protocol major version (WIRE_PROTO_MAJOR)")                              \
	F(S, minor, U32, "protocol minor version (WIRE_PROTO_MINOR)")                              \
	F(S, pid, U32, "process id of the target")                                                 \
	F(S, exe, STR, "path of the executable")                                                   \
	F(S, argv, STRS, "command line")                                                           \
	F(S, requested_hz, U32, "sampling rate asked for, per thread, Hz")                         \
	F(S, achieved_hz, F64, "sampling rate measured so far, Hz (0 when unknown)")               \
	F(S, clock_id, U32, "clockid_t of every timestamp (CLOCK_MONOTONIC = 1)")                  \
	F(S, agent_version, STR, "version string of the agent")                                    \
	F(S, ppid, U32, "since 1.4: parent process id when the agent connected (0 unknown)")
/* HELLO fields before 1.4, which appended ppid (a 1.3 sender omits it). */
#define WIRE_HELLO_NFIELDS_1_3 9u

#define WIRE_THREAD_FIELDS(F, S)                                                                   \
	F(S, tid, U32, "thread id")                                                                \
	F(S, name, STR, "thread name")

/* NAME kinds: what an id is used for (ids share one space per connection). */
#define WIRE_NAME_KINDS(K) K(ZONE, 0) K(COUNTER, 1) K(FUNCTION, 2) K(FILE, 3) K(OTHER, 4)
enum wire_name_kind {
#define WIRE_NAME_KIND_ENUM(NAME, v) WIRE_NAME_##NAME = v,
	WIRE_NAME_KINDS(WIRE_NAME_KIND_ENUM)
#undef WIRE_NAME_KIND_ENUM
};

#define WIRE_NAME_FIELDS(F, S)                                                                     \
	F(S, id, U32, "the id (> 0) the other messages use")                                       \
	F(S, kind, U32, "enum wire_name_kind")                                                     \
	F(S, text, STR, "the string")                                                              \
	F(S, line, U32, "FUNCTION of an interpreter: its definition's first line (0: unknown)")
/* NAME fields before 1.3, which appended line (a 1.2 sender omits it). */
#define WIRE_NAME_NFIELDS_1_2 3u

#define WIRE_SAMPLES_HEAD(F, S)                                                                    \
	F(S, tid, U32, "thread the samples were taken on")                                         \
	F(S, base_ts, BASE, "timestamp the first delta is relative to")
#define WIRE_SAMPLES_ITEM(F, S)                                                                    \
	F(S, ts, DT, "when the sample was taken")                                                  \
	F(S, stack, STACK, "call stack, leaf first")

/* Zone events: begin/end pairs nest per thread; COMPLETE carries its duration. */
#define WIRE_ZONE_EVENTS(K) K(BEGIN, 0) K(END, 1) K(COMPLETE, 2)
enum wire_zone_event {
#define WIRE_ZONE_EVENT_ENUM(NAME, v) WIRE_ZONE_##NAME = v,
	WIRE_ZONE_EVENTS(WIRE_ZONE_EVENT_ENUM)
#undef WIRE_ZONE_EVENT_ENUM
};

#define WIRE_ZONES_HEAD(F, S)                                                                      \
	F(S, tid, U32, "thread the zones ran on")                                                  \
	F(S, base_ts, BASE, "timestamp the first delta is relative to")
#define WIRE_ZONES_ITEM(F, S)                                                                      \
	F(S, event, U32, "enum wire_zone_event")                                                   \
	F(S, zone, U32, "NAME id of the zone")                                                     \
	F(S, ts, DT, "begin, end, or start of a complete event")                                   \
	F(S, dur, U64, "duration in ns (COMPLETE), else 0")

/* Exact statistics, cumulative since the agent started: the newest replaces
 * older ones, so they stay exact when event batches are dropped. */
#define WIRE_ZONE_STATS_HEAD(F, S)                                                                 \
	F(S, tid, U32, "thread")                                                                   \
	F(S, ts, U64, "when the totals were read")
#define WIRE_ZONE_STATS_ITEM(F, S)                                                                 \
	F(S, zone, U32, "NAME id of the zone")                                                     \
	F(S, count, U64, "zones completed")                                                        \
	F(S, sum, U64, "total ns")                                                                 \
	F(S, min, U64, "shortest ns")                                                              \
	F(S, max, U64, "longest ns")

/* Counter operations. TOTAL is the cumulative sum of every ADD since the
 * agent started, so totals stay exact when ADD batches are dropped. */
#define WIRE_COUNTER_OPS(K) K(ADD, 0) K(SET, 1) K(TOTAL, 2)
enum wire_counter_op {
#define WIRE_COUNTER_OP_ENUM(NAME, v) WIRE_COUNTER_##NAME = v,
	WIRE_COUNTER_OPS(WIRE_COUNTER_OP_ENUM)
#undef WIRE_COUNTER_OP_ENUM
};

#define WIRE_COUNTERS_HEAD(F, S) F(S, base_ts, BASE, "timestamp the first delta is relative to")
#define WIRE_COUNTERS_ITEM(F, S)                                                                   \
	F(S, counter, U32, "NAME id of the counter")                                               \
	F(S, op, U32, "enum wire_counter_op")                                                      \
	F(S, value, NUM, "amount added, gauge value, or total")                                    \
	F(S, ts, DT, "when")

#define WIRE_MARK_FIELDS(F, S)                                                                     \
	F(S, tid, U32, "thread that made the mark")                                                \
	F(S, ts, U64, "when")                                                                      \
	F(S, text, STR, "the message")

/* Totals since the agent started; achieved_hz is over the last interval.
 * Since 1.2 the agent's own CPU time follows (WIRE_STATS_FIELDS_1_2): a 1.1
 * agent does not send it, and the decoder accepts STATS without it. */
#define WIRE_STATS_FIELDS(F, S)                                                                    \
	F(S, ts, U64, "when")                                                                      \
	F(S, samples, U64, "samples taken")                                                        \
	F(S, samples_dropped, U64, "samples lost (ring full, no connection)")                      \
	F(S, events_dropped, U64, "zone events, counter updates and marks lost")                   \
	F(S, bytes_sent, U64, "bytes written to the socket")                                       \
	F(S, achieved_hz, F64, "samples per second per busy thread, last interval")                \
	WIRE_STATS_FIELDS_1_2(F, S)
#define WIRE_STATS_NFIELDS_1_1 6u /* STATS fields a 1.1 agent sends (no cost) */
#define WIRE_STATS_NFIELDS_1_2 9u /* ... and a 1.2 agent */
/* The agent's cost, since this connection's HELLO: CPU ns in its signal
 * handler on every thread, on its writer thread, and the whole process's CPU
 * ns (CLOCK_PROCESS_CPUTIME_ID, the agent's own included). */
#define WIRE_STATS_FIELDS_1_2(F, S)                                                                \
	F(S, handler_ns, U64, "CPU ns spent in the agent's signal handler (since 1.2)")            \
	F(S, writer_ns, U64, "CPU ns of the agent's writer thread (since 1.2)")                    \
	F(S, process_ns, U64, "CPU ns of the whole process, the agent's included (since 1.2)")

/* Module mappings, so perftop need not race /proc/PID/maps. */
#define WIRE_MAPS_RESET      1u /* flags: forget earlier mappings first */
#define WIRE_MAPS_HEAD(F, S) F(S, flags, U32, "WIRE_MAPS_RESET or 0")
#define WIRE_MAPS_ITEM(F, S)                                                                       \
	F(S, start, U64, "first address")                                                          \
	F(S, end, U64, "address past the end")                                                     \
	F(S, offset, U64, "file offset of start")                                                  \
	F(S, path, STR, "path of the module")                                                      \
	F(S, build_id, BIN, "GNU build-id, may be empty")

/* What the agent cannot do, and why (since 1.1): a thread or the whole
 * process not sampled, samples skipped. code is a short word a program can
 * match ("blocked", "low-stack", "handler-replaced", "signal", ...;
 * docs/protocol.md lists them), text the sentence to show, count a number
 * whose meaning the code gives. A NOTICE with the same tid and code
 * replaces the previous one. */
#define WIRE_NOTICE_FIELDS(F, S)                                                                   \
	F(S, ts, U64, "when")                                                                      \
	F(S, tid, U32, "thread it is about, 0 for the whole process")                              \
	F(S, code, STR, "machine-readable reason")                                                 \
	F(S, count, U64, "a number the code gives a meaning to")                                   \
	F(S, text, STR, "the sentence to show")

/* Control frames, perftop → agent. */
#define WIRE_PAUSE_SAMPLES         1u /* what: stack sampling */
#define WIRE_PAUSE_EVENTS          2u /* what: zones, counters and marks */
#define WIRE_PAUSE_FIELDS(F, S)    F(S, what, U32, "WIRE_PAUSE_* bits")
#define WIRE_RESUME_FIELDS(F, S)   F(S, what, U32, "WIRE_PAUSE_* bits")
#define WIRE_SET_RATE_FIELDS(F, S) F(S, hz, U32, "new sampling rate, Hz (> 0)")

/* One struct per message type: head fields then item fields. For a batch
 * type the decoder delivers one struct per item, the head fields repeated. */
#define WIRE_FIELD_DECL(S, member, kind, doc) wire_##kind##_t member;
#define WIRE_STRUCT_DECL(NAME, name, id, head, item)                                               \
	struct wire_##name {                                                                       \
		head(WIRE_FIELD_DECL, name) item(WIRE_FIELD_DECL, name)                            \
	};
WIRE_MESSAGES(WIRE_STRUCT_DECL)
#undef WIRE_STRUCT_DECL

/* A decoded message. For batch types, index/count say which item of the
 * frame this is; a batch frame with no items is delivered once with
 * count == 0 and only the head fields set. Flat types have count 1. */
struct wire_msg {
	enum wire_type type;
	uint32_t index, count;
	/* Fields the frame carried for a flat type (besides the type id): fewer
	 * than the struct has when the sender is an older minor that did not
	 * append the last ones (they are then 0). For batch types, the head
	 * fields (every one is required). */
	uint32_t nfields;
	uint64_t offset; /* stream offset of the frame */
	union {
#define WIRE_UNION_MEMBER(NAME, name, id, head, item) struct wire_##name name;
		WIRE_MESSAGES(WIRE_UNION_MEMBER)
#undef WIRE_UNION_MEMBER
	} u;
};

/* Returns "hello", "samples", ... or NULL for an unknown id. */
const char *wire_type_name(uint32_t type);
/* Returns 1 when type is a batch (has items), 0 otherwise or when unknown. */
int wire_type_is_batch(uint32_t type);

/* Writes a one-line description of msg into buf, snprintf-style (returns the
 * length it needed): "samples 0/2 tid=7 base_ts=... ts=... stack=[401000,
 * n2:3:14]"; strings quoted, bytes outside printable ASCII as \xNN. For logs,
 * tests and the protocol dump. */
int wire_msg_format(const struct wire_msg *msg, char *buf, size_t size);

/* ---- encoder (agent side, never allocates) ------------------------------ */
/* Caller-owned output memory. Frames are appended; a call that does not fit
 * leaves the buffer as it was and returns -ENOBUFS, so the caller can flush
 * (send data[0..len), then wire_buf_consume) and retry. */
struct wire_buf {
	uint8_t *data;
	size_t cap;
	size_t len;
	int full; /* internal: set when a write did not fit */
};

/* Uses mem[0..cap) as the output buffer, empty. */
void wire_buf_init(struct wire_buf *b, void *mem, size_t cap);
/* Drops the first n bytes (already sent); n <= len. */
void wire_buf_consume(struct wire_buf *b, size_t n);

/* Appends one frame; m points to the struct matching type (struct
 * wire_hello for WIRE_HELLO, ...). For a batch type the frame holds the one
 * item m describes. Returns 0, -ENOBUFS when it does not fit (nothing
 * written), -EINVAL for an unknown type.
 * The encoder keeps every frame decodable: strings longer than
 * WIRE_MAX_STRING are cut (at a UTF-8 boundary), argv after WIRE_MAX_ARGV
 * elements, build-ids after WIRE_MAX_BIN bytes and stacks after
 * WIRE_MAX_STACK_DEPTH frames (the outermost are dropped). HELLO's major and
 * minor are sent as given: set them to WIRE_PROTO_MAJOR and WIRE_PROTO_MINOR. */
int wire_put(struct wire_buf *b, enum wire_type type, const void *m);

/* Typed shorthands for wire_put. */
#define WIRE_PUT_DECL(NAME, name, id, head, item)                                                  \
	int wire_put_##name(struct wire_buf *b, const struct wire_##name *m);
WIRE_MESSAGES(WIRE_PUT_DECL)
#undef WIRE_PUT_DECL

/* An open batch frame inside a wire_buf. Only one batch is open per buffer
 * at a time, and nothing else may be written to the buffer until it ends. */
struct wire_batch {
	enum wire_type type;
	size_t start;     /* offset of the frame in the buffer */
	size_t count_pos; /* offset of the items array header */
	uint32_t count;
	uint64_t last_ts; /* timestamp the next DT is relative to */
};

/* Opens a batch frame of a batch type; head points to its struct (only head
 * fields read). Returns 0, -ENOBUFS (nothing written) or -EINVAL. */
int wire_batch_begin(struct wire_buf *b, struct wire_batch *w, enum wire_type type,
                     const void *head);
/* Appends one item; item points to the type's struct (only item fields
 * read; timestamps absolute). Returns 0, -ENOBUFS (item not written, batch
 * still open and valid), -E2BIG at WIRE_MAX_ARRAY items, or -EINVAL. */
int wire_batch_add(struct wire_buf *b, struct wire_batch *w, const void *item);
/* Closes the batch (fills in the lengths). A batch with no items is removed
 * from the buffer. Never fails. */
void wire_batch_end(struct wire_buf *b, struct wire_batch *w);
/* Removes the open batch from the buffer. */
void wire_batch_cancel(struct wire_buf *b, struct wire_batch *w);

/* Hot-path shorthands for SAMPLES: begin, then one call per sample with a
 * stack of program counters (leaf first). Same returns as above. */
int wire_samples_begin(struct wire_buf *b, struct wire_batch *w, uint32_t tid, uint64_t base_ts);
int wire_samples_add_pcs(struct wire_buf *b, struct wire_batch *w, uint64_t ts, const uint64_t *pcs,
                         uint32_t depth);

/* ---- decoder (perftop side; the agent uses it for control frames) -------- */
/* Called once per decoded message (per item for batches). A negative return
 * stops decoding and is returned by wire_decoder_feed. */
typedef int (*wire_msg_fn)(void *ctx, const struct wire_msg *msg);

struct wire_decoder {
	wire_msg_fn fn;
	void *ctx;
	size_t max_frame;                /* body limit, <= WIRE_MAX_FRAME_BYTES */
	int need_hello;                  /* the first frame must be HELLO */
	uint8_t *buf;                    /* header, then body of the current frame */
	size_t cap, have;                /* bytes allocated / held */
	size_t body_len;                 /* 0 while reading the header */
	uint64_t offset;                 /* stream offset of buf[0] */
	int failed;                      /* a previous error is sticky */
	uint32_t peer_major, peer_minor; /* from HELLO, 0 before */
	uint64_t frames;                 /* frames decoded */
	uint64_t skipped;                /* frames of unknown type skipped */
	char error[192];                 /* "offset N: reason" after a failure */
	struct wire_str argv[WIRE_MAX_ARGV];
	struct wire_frame stack[WIRE_MAX_STACK_DEPTH];
};

/* Flags for wire_decoder_init. */
#define WIRE_DECODER_NEED_HELLO 1u /* the stream must start with HELLO (perftop side) */

/* Prepares d; max_frame 0 means WIRE_MAX_FRAME_BYTES (larger is clamped).
 * Allocates nothing yet. */
void wire_decoder_init(struct wire_decoder *d, size_t max_frame, unsigned flags, wire_msg_fn fn,
                       void *ctx);
/* Frees the frame buffer. */
void wire_decoder_release(struct wire_decoder *d);
/* Feeds n more bytes of the stream (any split); decodes every complete frame
 * and calls fn for each message. Returns 0, or a negative errno (-EPROTO for
 * bad input, -EPROTONOSUPPORT for another major, -ENOMEM, or fn's return)
 * with wire_decoder_error() saying "offset N: reason". After an error every
 * further call fails the same way: close the connection. */
int wire_decoder_feed(struct wire_decoder *d, const void *data, size_t n);
/* The last error message, or "" when none. */
const char *wire_decoder_error(const struct wire_decoder *d);
/* Bytes held of an incomplete frame (0 at a frame boundary). */
size_t wire_decoder_pending(const struct wire_decoder *d);

#endif
