"""frames_check — the checks of tests/python/frames.test.sh on the files
perftop wrote for one Python workload (its report as JSON, its folded and
speedscope exports), printed as tests/lib.sh does ("PASS name",
"FAIL name: why").

    python3 frames_check.py CHECK LABEL WORKLOAD DIR

CHECK is the workload's kind (shares, threads, recurse, parents, zlib),
LABEL prefixes every line (the Python version), WORKLOAD is the workload's
source file (its marks "# hot: NAME" and its `def` lines are the expected
answers), DIR holds r.json, e.folded and e.speedscope. Shares are tests of
attribution with a tolerance, never of time.

A Python frame is one whose file ends in ".py"; a frame is function F when
its name is F or a qualified name ending in ".F".
"""
import json
import os
import re
import sys

TOL_PTS = 3.0     # shares: +-3 percentage points
ATTRIB_MIN = 97.0  # parents, recursion, zlib: % of the samples concerned


class Suite:
    def __init__(self, label):
        self.label = label

    def check(self, name, ok, why=""):
        if ok:
            print("PASS %s: %s" % (self.label, name))
        else:
            print("FAIL %s: %s: %s" % (self.label, name, why))


def source_marks(path):
    """{function: (def line, hot line)} from the workload's source."""
    defs, hots = {}, {}
    with open(path) as f:
        for n, text in enumerate(f, 1):
            m = re.match(r"\s*def (\w+)\(", text)
            if m:
                defs[m.group(1)] = n
            m = re.search(r"# hot: (\w+)", text)
            if m:
                hots[m.group(1)] = n
    return defs, hots


def is_fn(name, fn):
    return name == fn or name.endswith("." + fn)


def same_file(path, workload):
    return bool(path) and os.path.basename(path) == os.path.basename(workload)


class Speedscope:
    """Stacks (root first) of every thread: [(profile name, [frame], weight)]."""

    def __init__(self, path):
        with open(path) as f:
            d = json.load(f)
        self.frames = d["shared"]["frames"]
        self.stacks = []
        for p in d["profiles"]:
            for s, w in zip(p["samples"], p["weights"]):
                self.stacks.append((p["name"], [self.frames[i] for i in s], w))

    @staticmethod
    def py(frame):
        return (frame.get("file") or "").endswith(".py")


def py_parent(stack, i):
    """The nearest Python frame above stack[i], or None."""
    for j in range(i - 1, -1, -1):
        if Speedscope.py(stack[j]):
            return stack[j]
    return None


def report_rows(r, fn, workload):
    return [f for f in r["functions_by_total"] if is_fn(f["name"], fn)
            and same_file(f.get("file"), workload)]


def pct(a, b):
    return 100.0 * a / b if b else 0.0


def check_named(t, r, fns, workload, defs, hots):
    """Each function is a row of the report with its file and the line of
    its definition, as a native function's row carries its declaration's
    (the lines executing are a function's lines, not its name); its module
    names the source file."""
    base = os.path.basename(workload)
    stem = os.path.splitext(base)[0]
    seen, badline, badmod = [], [], []
    for fn in fns:
        rows = report_rows(r, fn, workload)
        if not rows:
            names = [f["name"] for f in r["functions_by_total"][:12]]
            t.check("%s is a function of the report with file %s" % (fn, base),
                    False, "absent; the report's top: %s" % ", ".join(names))
            continue
        row = max(rows, key=lambda f: f["total"])
        seen.append("%s %s:%s" % (fn, os.path.basename(row.get("file") or "-"), row.get("line")))
        if row.get("line") != defs[fn]:
            badline.append("%s line %s, def line %d" % (fn, row.get("line"), defs[fn]))
        if stem not in (row.get("module") or ""):
            badmod.append("%s module %r" % (fn, row.get("module")))
    if seen:
        t.check("functions named with file and def line: %s" % ", ".join(seen), not badline,
                "; ".join(badline))
        t.check("functions' module names the source file %s" % base, not badmod, "; ".join(badmod))


def shares(t, workload, d):
    defs, hots = source_marks(workload)
    with open(os.path.join(d, "r.json")) as f:
        r = json.load(f)
    want = {"work_50": 50.0, "work_30": 30.0, "work_20": 20.0}
    check_named(t, r, want, workload, defs, hots)
    tot = {}
    for fn in want:
        rows = report_rows(r, fn, workload)
        tot[fn] = max((f["total"] for f in rows), default=0)
    s = sum(tot.values())
    for fn, w in want.items():
        got = pct(tot[fn], s)
        t.check("%s does %.1f %% of the three (%d of %d samples; want %.0f +-%.0f)"
                % (fn, got, tot[fn], s, w, TOL_PTS), s > 0 and abs(got - w) <= TOL_PTS,
                "share %.1f" % got)
    # The interpreter's own machinery is left out of stacks that have Python
    # frames by default (--interp keeps it: frames.test.sh).
    ss = Speedscope(os.path.join(d, "e.speedscope"))
    inside = shown = 0
    for _, st, w in ss.stacks:
        if any(is_fn(fr.get("name", ""), fn) and same_file(fr.get("file"), workload)
               for fr in st for fn in want):
            inside += w
            if any(fr.get("name") == "_PyEval_EvalFrameDefault" for fr in st):
                shown += w
    t.check("_PyEval_EvalFrameDefault left out of the %d samples through work_* by default (in %d)"
            % (inside, shown), inside > 0 and shown == 0, "%d samples show it" % shown)
    # The hot line of each function is in the speedscope frames or the
    # report: the line that was executing.
    ss = Speedscope(os.path.join(d, "e.speedscope"))
    for fn in want:
        wsum = sum(w for _, st, w in ss.stacks if st and is_fn(st[-1].get("name", ""), fn)
                   and same_file(st[-1].get("file"), workload))
        t.check("%s is the leaf Python frame of samples in speedscope (%d)" % (fn, wsum), wsum > 0,
                "no stack ends in %s" % fn)


def threads(t, workload, d):
    defs, hots = source_marks(workload)
    with open(os.path.join(d, "r.json")) as f:
        r = json.load(f)
    check_named(t, r, ("double_work", "single_work"), workload, defs, hots)
    ss = Speedscope(os.path.join(d, "e.speedscope"))
    per = {}  # function -> {thread profile: weight}
    for prof, st, w in ss.stacks:
        for fn in ("double_work", "single_work"):
            if any(is_fn(fr.get("name", ""), fn) and same_file(fr.get("file"), workload) for fr in st):
                per.setdefault(fn, {}).setdefault(prof, 0)
                per[fn][prof] += w
    for fn in ("double_work", "single_work"):
        th = per.get(fn, {})
        main = max(th, key=th.get) if th else None
        t.check("%s on one thread (%s)" % (fn, main),
                main is not None and pct(th[main], sum(th.values())) >= ATTRIB_MIN,
                "by thread: %s" % th)
    dw = per.get("double_work", {})
    sw = per.get("single_work", {})
    td = max(dw, key=dw.get) if dw else None
    ts = max(sw, key=sw.get) if sw else None
    t.check("double_work and single_work on different threads (%s, %s)" % (td, ts),
            td is not None and ts is not None and td != ts, "same thread or absent")
    if td and ts and td != ts:
        # The threads' own samples: every stack of each thread's profile.
        wd = sum(w for prof, _, w in ss.stacks if prof == td)
        ws = sum(w for prof, _, w in ss.stacks if prof == ts)
        got = pct(wd, wd + ws)
        # The known answer: each thread's CPU time as it measured it (2:1
        # in work; the GIL's hand-offs and a loaded machine move it a little).
        cpu = {}
        with open(os.path.join(d, "out")) as f:
            for text in f:
                w = text.split()
                if w and w[0] == "cpu":
                    cpu = {w[1]: float(w[2]), w[3]: float(w[4])}
        want = pct(cpu.get("double_work", 0), cpu.get("double_work", 0) + cpu.get("single_work", 0))
        t.check("the double thread has %.1f %% of the pair's samples (%d:%d; want its CPU time's "
                "share %.1f +-%.0f, 2:1 in work)" % (got, wd, ws, want, TOL_PTS),
                cpu and abs(got - want) <= TOL_PTS, "share %.1f" % got)
        t.check("the threads carry their Python names (%s, %s)" % (td, ts),
                # speedscope names a profile "COMMAND (pid P): THREAD (tid T)"
                td.split(": ", 1)[-1].startswith("worker-double")
                and ts.split(": ", 1)[-1].startswith("worker-single"),
                "profiles named %r and %r" % (td, ts))


def recurse(t, workload, d):
    defs, hots = source_marks(workload)
    with open(os.path.join(d, "r.json")) as f:
        r = json.load(f)
    check_named(t, r, ("descend", "burn_leaf"), workload, defs, hots)
    # Folded: every line through burn_leaf has 40 descend frames in a row
    # right above it.
    lines = {}
    with open(os.path.join(d, "e.folded")) as f:
        for text in f:
            stack, _, n = text.rstrip("\n").rpartition(" ")
            lines[stack] = lines.get(stack, 0) + int(n)
    through = 0
    good = 0
    depths = {}
    name_of = lambda fr: fr.split(" ")[0]
    for stack, n in lines.items():
        frames = stack.split(";")
        leaf = [i for i, fr in enumerate(frames) if is_fn(name_of(fr), "burn_leaf")]
        if not leaf:
            continue
        through += n
        i = leaf[0]
        k = i - 1
        while k >= 0 and is_fn(name_of(frames[k]), "descend"):
            k -= 1
        run = i - 1 - k
        total_descend = sum(1 for fr in frames if is_fn(name_of(fr), "descend"))
        depths[(run, total_descend)] = depths.get((run, total_descend), 0) + n
        if run == 40 and total_descend == 40:
            good += n
    t.check("folded: %d of %d samples in burn_leaf have exactly 40 nested descend frames above it"
            % (good, through), through > 0 and pct(good, through) >= ATTRIB_MIN,
            "(run, count) of descend frames: %s" % dict(sorted(depths.items(), key=lambda x: -x[1])[:5]))


def parents(t, workload, d):
    defs, hots = source_marks(workload)
    with open(os.path.join(d, "r.json")) as f:
        r = json.load(f)
    check_named(t, r, ("sort_records", "consume_numbers", "produce_numbers"), workload, defs, hots)
    rows = [f for f in r["functions_by_total"] if f["name"].endswith("<lambda>")
            and same_file(f.get("file"), workload)]
    t.check("the lambda is a function of the report (%s)" % (rows[0]["name"] if rows else "-"),
            bool(rows), "no <lambda> of %s" % os.path.basename(workload))
    ss = Speedscope(os.path.join(d, "e.speedscope"))
    for child, parent, desc in (("<lambda>", "sort_records", "the lambda under sort_records"),
                                ("produce_numbers", "consume_numbers",
                                 "the generator under its consumer")):
        inside = right = 0
        wrong = {}
        for _, st, w in ss.stacks:
            idx = [i for i, fr in enumerate(st) if Speedscope.py(fr) and
                   (fr.get("name", "").endswith(child) if child == "<lambda>"
                    else is_fn(fr.get("name", ""), child))]
            if not idx:
                continue
            inside += w
            p = py_parent(st, idx[0])
            if p is not None and is_fn(p.get("name", ""), parent) and same_file(p.get("file"), workload):
                right += w
            else:
                key = p.get("name") if p else None
                wrong[key] = wrong.get(key, 0) + w
        t.check("speedscope: %s (%d of %d samples)" % (desc, right, inside),
                inside > 0 and pct(right, inside) >= ATTRIB_MIN,
                "parents otherwise: %s" % wrong)


def zlib(t, workload, d):
    defs, hots = source_marks(workload)
    with open(os.path.join(d, "r.json")) as f:
        r = json.load(f)
    check_named(t, r, ("compress_blocks", "spin_main"), workload, defs, hots)
    ss = Speedscope(os.path.join(d, "e.speedscope"))

    def in_zlib(fr):
        return "libz" in (fr.get("file") or "") or fr.get("name", "") in ("deflate", "compress2")

    inside = right = 0
    wrong = {}
    for _, st, w in ss.stacks:
        idx = [i for i, fr in enumerate(st) if in_zlib(fr)]
        if not idx:
            continue
        inside += w
        p = py_parent(st, idx[0])
        if p is not None and is_fn(p.get("name", ""), "compress_blocks") and same_file(p.get("file"), workload):
            right += w
        else:
            key = p.get("name") if p else None
            wrong[key] = wrong.get(key, 0) + w
    t.check("speedscope: zlib's code (GIL released) under compress_blocks (%d of %d samples)"
            % (right, inside), inside > 0 and pct(right, inside) >= ATTRIB_MIN,
            "parents otherwise: %s" % wrong)
    # In the report too: compress_blocks's total covers zlib's samples.
    rows = report_rows(r, "compress_blocks", workload)
    tot = max((f["total"] for f in rows), default=0)
    t.check("report: compress_blocks's total (%d) covers zlib's samples (%d)" % (tot, inside),
            inside > 0 and tot >= inside * ATTRIB_MIN / 100, "total %d" % tot)


def main():
    check, label, workload, d = sys.argv[1:5]
    t = Suite(label + " " + check)
    try:
        {"shares": shares, "threads": threads, "recurse": recurse, "parents": parents,
         "zlib": zlib}[check](t, workload, d)
    except (OSError, ValueError, KeyError, IndexError) as e:
        t.check("the files perftop wrote can be read", False, "%s: %s" % (type(e).__name__, e))


if __name__ == "__main__":
    main()
