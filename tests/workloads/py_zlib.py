"""py_zlib — a thread inside zlib.compress (which releases the GIL) while
the main thread runs Python code, for tests/python/frames.test.sh.

    python3 py_zlib.py [SCALE]

Thread "compressor" runs compress_blocks, which calls zlib.compress on a
large buffer (the line marked "hot: compress_blocks"): its samples are in
zlib's C code (deflate) with the GIL released, and must be attributed to
compress_blocks. Meanwhile the main thread runs spin_main (pure Python,
holding the GIL) until the compressor is done. Prints one checksum line.
"""
import random
import sys
import threading
import zlib

done = threading.Event()
sizes = []


def make_buffer(nbytes):
    rng = random.Random(7)
    words = [bytes(rng.choice(b"abcdefghijklmnop") for _ in range(rng.randint(2, 9)))
             for _ in range(4000)]
    out = bytearray()
    while len(out) < nbytes:
        out += rng.choice(words) + b" "
    return bytes(out[:nbytes])


def compress_blocks(data, rounds):
    for _ in range(rounds):
        sizes.append(len(zlib.compress(data, 9)))  # hot: compress_blocks
    done.set()


def spin_main():
    acc = 0
    i = 0
    while not done.is_set():
        for k in range(2000):
            acc = (acc * 31 + i + k) % 1000003  # hot: spin_main
        i += 1
    return acc


def main():
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    data = make_buffer(1 << 20)
    t = threading.Thread(target=compress_blocks, args=(data, 2 * scale), name="compressor")
    t.start()
    spin_main()
    t.join()
    print("zlib", len(sizes), sizes[0])


if __name__ == "__main__":
    main()
