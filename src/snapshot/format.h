/*
 * format — the snapshot file's layout, shared by the saver and the loader
 * (docs/snapshot.md is the reference; this header is the one definition).
 *
 * A 40-byte header (magic, major, minor, flags, stored and raw lengths of
 * the contents, CRC-32 of the stored contents), then the contents, deflated
 * when the flag says so: a sequence of sections, each a tag, a length and a
 * payload. Numbers are LEB128 varints (signed ones zigzag), floating point
 * is IEEE little-endian, strings are a varint length and the bytes.
 * Unknown sections are skipped; a section's known fields come first and any
 * bytes after them (fields a newer minor added) are skipped too. A profile
 * section is itself a sequence of length-prefixed parts, so each part can
 * grow the same way, and parts a newer minor adds at the end are skipped.
 */
#ifndef PERFTOP_SNAPSHOT_FORMAT_H
#define PERFTOP_SNAPSHOT_FORMAT_H

#define SNAPSHOT_MAGIC "\x89PTSNAP\n"

enum {
	SNAPSHOT_MAGIC_LEN = 8,
	SNAPSHOT_HEADER_LEN = 40,
	SNAPSHOT_FLAG_DEFLATE = 1, /* the contents are a zlib stream */
	SNAPSHOT_KNOWN_FLAGS = SNAPSHOT_FLAG_DEFLATE,
	SNAPSHOT_MAX_FRAMES = 1 << 25, /* frames of all stacks of one profile */
	SNAPSHOT_MAX_METRICS = 64,     /* series of one process */
};

/* Header fields, by byte offset. */
enum {
	HDR_MAJOR = 8,    /* u16 */
	HDR_MINOR = 10,   /* u16 */
	HDR_FLAGS = 12,   /* u32 */
	HDR_STORED = 16,  /* u64: bytes of contents after the header */
	HDR_RAW = 24,     /* u64: bytes of contents once inflated */
	HDR_CRC = 32,     /* u32: CRC-32 of the stored contents */
	HDR_RESERVED = 36 /* u32: 0 */
};

/* Section tags. META comes first; a PROFILE follows the PROCESS it belongs to. */
enum snapshot_section {
	SEC_META = 1,
	SEC_MACHINE = 2,
	SEC_PROCESS = 3,
	SEC_PROFILE = 4,
};

/* The parts of a PROFILE section, in order. */
enum snapshot_part {
	PART_HEAD,
	PART_STRINGS,
	PART_FUNCS,
	PART_STACKS,
	PART_THREADS,
	PART_ZONES,
	PART_COUNTERS,
	PART_MARKS,
	PART_PAIRS,
	PART_WINDOW,
	PART_INTERP, /* since 1.2: which functions are interpreted (read before PART_FUNCS) */
	PART_LINES,  /* since 1.2: samples per (interpreted function, line) */
	PART_COUNT
};

/* PROCESS flags. */
enum {
	PROC_F_EXITED = 1,
	PROC_F_WATCHED = 2,
	PROC_F_IO_OK = 4,
};

#endif
