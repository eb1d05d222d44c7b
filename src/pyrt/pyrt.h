/*
 * pyrt — what perftop knows of CPython's memory layout, in one place: where a
 * thread state keeps its current frame, how frames chain, where a code
 * object keeps its names, first line and line table, how strings are laid
 * out, and how a line table maps an instruction to a line.
 *
 * Pure data and pure functions over bytes the caller already copied: no
 * reads of anyone's memory happen here, so the agent's signal handler (plain
 * validated loads), the agent's writer (checked copies) and a reader outside
 * the process (process_vm_readv) all use the same knowledge. Nothing here
 * allocates, locks or calls the C library beyond memcpy-like work, so every
 * function is async-signal-safe.
 *
 * Versions: CPython 3.11, 3.12 and 3.13 on x86_64 and aarch64 (LP64, default
 * build: no Py_DEBUG, no free threading), measured with offsetof() against
 * each version's own headers. Another version gets no layout (NULL): the
 * caller keeps native stacks and says which version it met. 3.14 changes the
 * frame (a tagged f_executable, owner values 0..4) and would be one more row
 * here plus the tag mask already described by the struct.
 */
#ifndef PERFTOP_PYRT_PYRT_H
#define PERFTOP_PYRT_PYRT_H

#include <stddef.h>
#include <stdint.h>

/* How one CPython minor version lays out what a stack walk reads. Offsets
 * in bytes; 0 in an optional field means "not in this version". */
struct pyrt_layout {
	unsigned major, minor;
	/* the runtime's interpreters and their threads, for a reader that
	 * finds a thread's state from outside: _PyRuntime.interpreters.head,
	 * then each interpreter's threads.head and next, each thread
	 * state's next */
	uint16_t rt_interp_head;
	uint16_t in_next;
	uint16_t in_threads_head;
	uint16_t ts_next;
	/* thread state (PyThreadState) */
	uint16_t ts_cframe;         /* 3.11, 3.12: the _PyCFrame pointer; 0 after */
	uint16_t cframe_current;    /* ... and the current frame inside it */
	uint16_t ts_current_frame;  /* 3.13+: the current frame, in the tstate itself */
	uint16_t ts_native_tid;     /* native_thread_id (the kernel's tid) */
	uint16_t ts_interp;         /* the interpreter state pointer */
	/* interpreter frame (_PyInterpreterFrame) */
	uint16_t fr_code;           /* f_code / f_executable */
	uint16_t fr_previous;
	uint16_t fr_instr;          /* prev_instr (3.11, 3.12) or instr_ptr (3.13+) */
	uint16_t fr_owner;          /* char owner */
	uint16_t fr_is_entry;       /* 3.11: bool is_entry; 0 after */
	uint16_t fr_size;           /* bytes a walk reads of a frame */
	uint8_t instr_is_prev;      /* fr_instr is the instruction before the current one */
	uint8_t owner_cstack;       /* owner value of a C-stack entry frame (a shim); 0: none */
	uintptr_t code_tag_mask;    /* bits of fr_code that are a tag, not the address */
	/* code object (PyCodeObject) */
	uint16_t co_units;          /* ob_size: the bytecode's length in code units */
	uint16_t co_firstlineno;    /* int */
	uint16_t co_filename, co_name, co_qualname, co_linetable;
	uint16_t co_code_adaptive;  /* the bytecode, in place */
	uint16_t co_size;           /* bytes a walk reads of a code object */
	/* strings and bytes */
	uint16_t str_length;        /* Py_ssize_t length (code points) */
	uint16_t str_state;         /* the state bitfield */
	uint16_t str_ascii_size;    /* sizeof(PyASCIIObject): compact ASCII data */
	uint16_t str_compact_size;  /* sizeof(PyCompactUnicodeObject): other compact data */
	uint16_t bytes_size;        /* ob_size of a bytes object */
	uint16_t bytes_data;        /* ob_sval */
};

/* The layout of CPython major.minor, or NULL when perftop does not know it.
 * version_hex is Py_Version / PY_VERSION_HEX (0x030b02f0 for 3.11.2). */
const struct pyrt_layout *pyrt_layout(unsigned long version_hex);

/* Checks L against the _Py_DebugOffsets CPython 3.13 keeps at the start of
 * _PyRuntime (buf: its first len bytes, PYRT_DEBUG_OFFSETS_BYTES at least):
 * the cookie, the version, a default build (not free-threaded) and every
 * offset the layout has. Returns 0 when they agree, 1 when this version has
 * no such table to check against (3.11, 3.12), -1 when they disagree (why
 * says which field, for a message). */
#define PYRT_DEBUG_OFFSETS_BYTES 352u
int pyrt_check_debug_offsets(const struct pyrt_layout *L, unsigned long version_hex,
                             const uint8_t *buf, size_t len, const char **why);

/* "3.11.2" (or "3.13.0rc1") for version_hex, into out. */
void pyrt_version_text(unsigned long version_hex, char *out, size_t len);

/* The instruction index (in 16-bit code units from the start of the
 * bytecode) a frame is executing, from its fr_instr value and its code's
 * address: never negative (a frame that has not started is at 0). */
int pyrt_lasti(const struct pyrt_layout *L, uintptr_t code, uintptr_t instr);

/* The line instruction lasti of a code object runs, from its line table
 * (co_linetable's bytes, n of them) and first line: the format of CPython
 * 3.11 to 3.14 (Objects/locations.md). Returns firstlineno for an
 * instruction the table gives no line, or one past its end. */
int pyrt_line(const uint8_t *table, size_t n, int firstlineno, int lasti);

/* A string object's shape, from its first str_compact_size bytes (hdr):
 * where its characters start (bytes from the object), how many there are,
 * and their width in bytes (1, 2, 4). Returns 0, or -1 for a string that is
 * not compact (or a bad header). */
int pyrt_str_shape(const struct pyrt_layout *L, const uint8_t *hdr, size_t *data_off,
                   size_t *length, unsigned *width);

/* Converts length characters of width bytes each at data to UTF-8 into out
 * (NUL-terminated, cut at a character boundary to fit len). Returns the
 * bytes written, without the NUL. Characters that are not valid code points
 * become '?'. */
size_t pyrt_str_utf8(const uint8_t *data, size_t length, unsigned width, char *out, size_t len);

/* ---- the splice of Python frames into a native stack ----------------------
 *
 * Each run of the eval loop (_PyEval_EvalFrameDefault) runs one segment of
 * consecutive Python frames (3.11 marks a segment's first frame is_entry;
 * 3.12 and 3.13 push an entry frame of their own, owner 3, below it), and
 * the native stack has one eval frame per run. The k-th segment (leaf
 * first) goes just leaf-side of the k-th eval frame, so a C extension called
 * from Python stays under the Python line that called it and the eval frame
 * stays where it was. When the counts differ (a sample in the eval loop's
 * prologue, a stack cut short), they are matched from the root, or from the
 * leaf when either stack was cut; segments with no eval frame go to the
 * root end. One rule for the agent (in its signal handler) and for a reader
 * outside the process. */

/* Where each of ns Python segments goes in a native stack of n frames
 * (leaf first) whose eval-loop frames are at the ne indexes evals[] (leaf
 * first, increasing). from_leaf: either stack was cut short (match from
 * the leaf). anchor[k] (ns entries) receives the native index segment k
 * goes just before; n means after the last (root-most) native frame.
 * Segments keep their order: anchor[] never decreases. Async-signal-safe. */
void pyrt_splice_anchors(const uint16_t *evals, uint32_t ne, uint32_t ns, uint32_t n,
                         int from_leaf, uint16_t *anchor);

#endif
