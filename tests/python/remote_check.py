"""remote_check — judges what tests/python/pyremote_tool printed (folded
Python stacks read from outside a running process), for
tests/python/remote.test.sh. Prints PASS/FAIL lines like tests/lib.sh.

    remote_check.py LABEL shares OUT WORKLOAD
        every frame names a function of WORKLOAD (or <module>) with that
        file, a line of the function (its def line, where a frame that has
        not run yet stands, or its body) and the line of its def;
        work_50/30/20 take 50/30/20 % of the samples, within +-5 points.
    remote_check.py LABEL churn OUT WORKLOAD
        a recursion to a new depth every few microseconds: every stack is
        one that can exist (<module>, main, descend k times, then leaf or
        not), never frames of different moments put together.
    remote_check.py LABEL deep OUT WORKLOAD KEPT
        every stack holds KEPT Python frames and the cut mark at its root:
        the leaf-most frames, burn_leaf under KEPT-1 descend frames.
"""
import ast
import sys

CUT = "<outer Python frames not read>"


def say(ok, label, what, why=""):
    print(("PASS %s %s" % (label, what)) if ok else ("FAIL %s %s: %s" % (label, what, why)))


def read(out):
    stacks, funcs = [], []
    with open(out) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# func "):
                funcs.append(line[7:].rsplit(" ", 2))
            elif line:
                text, count = line.rsplit(" ", 1)
                frames = []
                for fr in text.split(";"):
                    name, _, loc = fr.rpartition(" (")
                    path, _, ln = loc[:-1].rpartition(":")
                    frames.append((name, path, int(ln)))
                stacks.append((frames, int(count)))
    return stacks, funcs


def bodies(workload):
    """function name -> (def line, last line of its body)"""
    tree = ast.parse(open(workload).read())
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            out[node.name] = (node.lineno, node.end_lineno)
    return out


def frames_named(label, stacks, funcs, workload):
    body = bodies(workload)
    bad = []
    for frames, _ in stacks:
        for name, path, ln in frames:
            if name == CUT:
                continue
            if path != workload:
                bad.append("%s in %s" % (name, path))
            elif name == "<module>":
                continue
            elif name not in body:
                bad.append("%s: not a function of the workload" % name)
            elif not body[name][0] <= ln <= body[name][1]:
                bad.append("%s line %d not in its def and body %d-%d" % (name, ln, body[name][0], body[name][1]))
    say(not bad and stacks, label, "every frame: a function of the workload, its file, a line of its def or body",
        "; ".join(bad[:4]) or "no stacks")
    bad = [f for f in funcs if f[0] != "<module>" and (f[0] not in body or int(f[2]) != body[f[0]][0])]
    say(funcs and not bad, label, "each function's def line (%d functions)" % len(funcs),
        "; ".join(" ".join(f) for f in bad[:4]) or "no functions listed")


def shares(label, out, workload):
    stacks, funcs = read(out)
    frames_named(label, stacks, funcs, workload)
    total = sum(c for _, c in stacks)
    for fn, want in (("work_50", 50), ("work_30", 30), ("work_20", 20)):
        got = 100.0 * sum(c for fr, c in stacks if fr and fr[-1][0] == fn) / max(total, 1)
        say(abs(got - want) <= 5, label, "%s has %.1f %% of %d samples (%d +-5)" % (fn, got, total, want),
            "outside the tolerance")


def deep(label, out, workload, kept):
    stacks, funcs = read(out)
    frames_named(label, stacks, funcs, workload)
    bad = []
    for frames, _ in stacks:
        names = [f[0] for f in frames]
        want = [CUT] + ["descend"] * (kept - 1) + ["burn_leaf"]
        if names != want:
            bad.append("%d frames, root %s, leaf %s" % (len(names), names[0], names[-1]))
    say(stacks and not bad, label,
        "%d stacks of %d frames and the cut mark at the root" % (len(stacks), kept),
        "; ".join(bad[:3]) or "no stacks")


def churn(label, out, workload):
    stacks, funcs = read(out)
    frames_named(label, stacks, funcs, workload)
    bad = []
    depths = set()
    for frames, _ in stacks:
        names = [f[0] for f in frames]
        k = 0
        while 2 + k < len(names) and names[2 + k] == "descend":
            k += 1
        rest = names[2 + k:]
        if names[:2] != ["<module>", "main"] or rest not in ([], ["leaf"]) or (rest and not k):
            bad.append(";".join(names))
        depths.add(k)
    say(stacks and not bad, label,
        "%d stacks read while the depth kept changing (%d depths), each one that can exist"
        % (sum(c for _, c in stacks), len(depths)), "; ".join(bad[:3]) or "no stacks")


if __name__ == "__main__":
    label, mode = sys.argv[1], sys.argv[2]
    if mode == "shares":
        shares(label, sys.argv[3], sys.argv[4])
    elif mode == "churn":
        churn(label, sys.argv[3], sys.argv[4])
    else:
        deep(label, sys.argv[3], sys.argv[4], int(sys.argv[5]))
