"""perftop — timed zones, counters, gauges, marks and thread names for perftop.

    import perftop

    with perftop.zone("parse"):          # timed until the block ends
        ...

    @perftop.zone()                       # named after the function's __qualname__
    def handle(request): ...

    perftop.count("ocr_calls")            # a counter: total and rate
    perftop.count("bytes", len(data))
    perftop.gauge("queue", len(queue))    # a gauge: latest value over time
    perftop.mark("reloaded %s", path)     # a timestamped line in perftop's Log
    perftop.thread_name("worker-1")       # the calling thread's name in perftop

The calls go to perftop's agent (libperftop.so, include/perftop.h) when it is
already loaded in this process: `perftop run` and `perftop record` preload it
(and put this module on PYTHONPATH), or a program links it. The module never
loads the agent itself. Without the agent, or while perftop is not connected,
every call returns at once and does nothing, so the program runs unchanged.

Nothing here raises because of perftop: an argument the agent cannot take (a
count that is not an integer, say) is dropped. Names are UTF-8, cut at 255
bytes (marks at 1023, thread names at 63) on a character boundary; a NUL
ends a name, as in C. Zones nest, may be used from any thread, and end when
their block ends, also by an exception (which goes on unchanged). A zone on a
generator or coroutine function times only the call that creates it, except
that `async def` functions are timed until their coroutine finishes.

Zones and counts go through three builtins the agent makes for this module
(pt_python_calls: CPython's stable ABI, looked up when asked), as cheap as
time.perf_counter(); where the agent cannot make them, or with
PERFTOP_PY_NO_BUILTINS set, through ctypes calls (docs/python.md).

Standard library only (ctypes); runs on CPython 3.8 and later.
"""

import functools as _functools
import inspect as _inspect
import os as _os
import time as _time

__all__ = ["zone", "count", "gauge", "mark", "thread_name", "connected", "AGENT_LOADED"]

_NAME_MAX = 255
_MARK_MAX = 1023
_THREAD_NAME_MAX = 63
_MAX_INT64 = (1 << 63) - 1


def _encode(text, limit):
    """text (any object; str() of it) as UTF-8 bytes: cut at the first NUL and
    at limit bytes, on a character boundary."""
    if isinstance(text, bytes):
        data = text
    else:
        if not isinstance(text, str):
            text = str(text)
        data = text.encode("utf-8", "backslashreplace")
    nul = data.find(b"\0")
    if nul >= 0:
        data = data[:nul]
    if len(data) > limit:
        data = data[:limit].decode("utf-8", "ignore").encode("utf-8")
    return data


def _name_arg(name):
    """A zone name that is not a str: None stays None (a decorator's
    default), bytes are decoded, anything else but a function goes through
    str(). A function means `@perftop.zone` without its parentheses, which
    would replace the function: that raises, with or without the agent."""
    if name is None:
        return None
    if isinstance(name, bytes):
        return name.decode("utf-8", "replace")
    if callable(name):
        raise TypeError("perftop.zone is used as @perftop.zone() or @perftop.zone(\"name\")")
    return str(name)


def _find_agent():
    """The agent's functions, looked up in the symbols already loaded in the
    process (dlopen(NULL)); None when it is not loaded."""
    try:
        import ctypes as _ctypes  # an interpreter built without it: no agent
    except ImportError:
        return None
    try:
        # PyDLL: the calls are short and never block, so they keep the GIL
        # (a CDLL call releases and takes it again: several times the cost).
        lib = _ctypes.PyDLL(None)
        fns = {}
        for name in ("pt_zone_id", "pt_counter_id", "pt_zone_record_ns", "pt_zone_add_ns",
                     "pt_connected_flag", "pt_counter_add_id", "pt_counter_add32",
                     "pt_gauge_set_id", "pt_mark", "pt_thread_name"):
            fns[name] = getattr(lib, name)
    except (OSError, AttributeError):
        return None
    u32, u64, i64 = _ctypes.c_uint32, _ctypes.c_uint64, _ctypes.c_int64
    # The two calls made most often take 32-bit integers and are given no
    # argtypes: ctypes then passes a Python int as a C int directly, which
    # costs a fraction of a conversion through argtypes. The callers keep
    # the values in range (a duration under 2**32 ns, a delta in int32).
    fns["pt_zone_add_ns"].restype = None
    fns["pt_counter_add32"].restype = None
    fns["pt_zone_id"].argtypes = [_ctypes.c_char_p]
    fns["pt_zone_id"].restype = u32
    fns["pt_counter_id"].argtypes = [_ctypes.c_char_p]
    fns["pt_counter_id"].restype = u32
    fns["pt_zone_record_ns"].argtypes = [u32, u64, u64]
    fns["pt_zone_record_ns"].restype = None
    fns["pt_connected_flag"].argtypes = []
    fns["pt_connected_flag"].restype = _ctypes.c_void_p
    fns["pt_counter_add_id"].argtypes = [u32, i64]
    fns["pt_counter_add_id"].restype = None
    fns["pt_gauge_set_id"].argtypes = [u32, _ctypes.c_double]
    fns["pt_gauge_set_id"].restype = None
    # pt_mark is printf-like: the text always goes through "%s".
    fns["pt_mark"].argtypes = [_ctypes.c_char_p, _ctypes.c_char_p]
    fns["pt_mark"].restype = None
    fns["pt_thread_name"].argtypes = [_ctypes.c_char_p]
    fns["pt_thread_name"].restype = None
    addr = fns["pt_connected_flag"]()
    if not addr:
        return None
    fns["flag"] = _ctypes.c_int.from_address(addr)
    # The agent's builtins (begin, end, count): calls as cheap as any
    # builtin's. Without them (CPython's functions not in the global
    # namespace, as when an application embeds it privately), or with
    # PERFTOP_PY_NO_BUILTINS set (the tests, comparisons), zones and counts
    # take the ctypes calls above.
    fns["builtins"] = None
    if _os.environ.get("PERFTOP_PY_NO_BUILTINS"):
        return fns
    try:
        calls = lib.pt_python_calls
        calls.argtypes = []
        calls.restype = _ctypes.py_object
        fns["builtins"] = calls()
    except (AttributeError, ValueError):
        pass
    return fns


_agent = _find_agent()

#: True when perftop's agent is loaded in this process.
AGENT_LOADED = _agent is not None

if _agent is not None:
    _flag = _agent["flag"]
    _record = _agent["pt_zone_record_ns"]
    _add_ns = _agent["pt_zone_add_ns"]
    _counter_add32 = _agent["pt_counter_add32"]
    _zone_id_c = _agent["pt_zone_id"]
    _counter_id_c = _agent["pt_counter_id"]
    _counter_add = _agent["pt_counter_add_id"]
    _gauge_set = _agent["pt_gauge_set_id"]
    _mark_c = _agent["pt_mark"]
    _thread_name_c = _agent["pt_thread_name"]
    _now = _time.monotonic_ns
    _builtins = _agent["builtins"]
    if _builtins is not None:
        _begin, _end, _count_b = _builtins
    else:
        _count_b = None
    # Interned ids by name; races between threads are harmless (the agent
    # gives one name one id). 0: the agent's table is full.
    _zone_ids = {}
    _counter_ids = {}

    def _zone_id(name):
        zid = _zone_ids.get(name)
        if zid is None:
            zid = _zone_id_c(_encode(name, _NAME_MAX))
            _zone_ids[name] = zid
        return zid

    def _counter_id(name):
        cid = _counter_ids.get(name)
        if cid is None:
            cid = _counter_id_c(_encode(name, _NAME_MAX))
            _counter_ids[name] = cid
        return cid

    def connected():
        """True while perftop is connected to this process."""
        return bool(_flag.value)

    class zone(object):
        """A timed zone: `with zone("name"):` around a block, or `@zone()` /
        `@zone("name")` on a function (default name: its __qualname__)."""

        __slots__ = ("_name", "_id", "_t0")

        def __init__(self, name=None):
            if name.__class__ is not str:
                name = _name_arg(name)
            self._name = name
            self._t0 = 0
            if name is None:
                self._id = 0
            else:
                zid = _zone_ids.get(name)
                self._id = zid if zid is not None else _zone_id(name)

        if _builtins is not None:
            # t0 in the agent's ticks, 0 while perftop is not connected.
            def __enter__(self):
                self._t0 = _begin()
                return self

            def __exit__(self, et, ev, tb):
                if self._t0:
                    _end(self._id, self._t0)
                return None
        else:
            # t0 in CLOCK_MONOTONIC ns, 0 while perftop is not connected.
            def __enter__(self):
                self._t0 = _now() if _flag.value else 0
                return self

            def __exit__(self, et, ev, tb):
                t0 = self._t0
                if t0:
                    _end_ns(self._id, t0)
                return None

        def __call__(self, func):
            return _wrap(func, self._name)

    def _end_ns(zid, t0):
        d = _now() - t0
        if d < 4294967296:
            _add_ns(zid, d)
        else:
            _record(zid, t0, t0 + d)

    if _builtins is not None:
        _begin_any, _end_any = _begin, _end
    else:
        def _begin_any():
            return _now() if _flag.value else 0
        _end_any = _end_ns

    def _wrap(func, name):
        if name is None:
            name = getattr(func, "__qualname__", None) or getattr(func, "__name__", None) \
                or repr(func)
        zid = _zone_id(name)
        if _inspect.iscoroutinefunction(func):
            async def timed_async(*args, **kwargs):
                t0 = _begin_any()
                try:
                    return await func(*args, **kwargs)
                finally:
                    if t0:
                        _end_any(zid, t0)
            return _functools.wraps(func)(timed_async)

        def timed(*args, **kwargs):
            t0 = _begin_any()
            if not t0:
                return func(*args, **kwargs)
            try:
                return func(*args, **kwargs)
            finally:
                _end_any(zid, t0)
        return _functools.wraps(func)(timed)

    def count(name, amount=1):
        """Adds amount (an integer, default 1; others go through int()) to
        counter name."""
        if _flag.value:
            try:
                cid = _counter_ids.get(name)
                if cid is None:
                    cid = _counter_id(name)
                if type(amount) is int:
                    if _count_b is not None:
                        if not _count_b(cid, amount):
                            return
                    elif -2147483648 <= amount <= 2147483647:
                        _counter_add32(cid, amount)
                        return
                amount = int(amount)
                if -_MAX_INT64 - 1 <= amount <= _MAX_INT64:
                    _counter_add(cid, amount)
            except Exception:
                pass

    def gauge(name, value):
        """Sets gauge name to value (a number)."""
        if _flag.value:
            try:
                _gauge_set(_counter_id(name), float(value))
            except Exception:
                pass

    def mark(fmt, *args):
        """Logs a timestamped message: fmt % args, as logging does."""
        if _flag.value:
            try:
                text = fmt % args if args else fmt
            except Exception:
                text = " ".join([str(fmt)] + [repr(a) for a in args])
            try:
                _mark_c(b"%s", _encode(text, _MARK_MAX))
            except Exception:
                pass

    def thread_name(name):
        """Names the calling thread in perftop (kept until perftop connects)."""
        try:
            _thread_name_c(_encode(name, _THREAD_NAME_MAX))
        except Exception:
            pass

else:

    def connected():
        """True while perftop is connected to this process (never: no agent)."""
        return False

    class zone(object):
        """A timed zone (no agent loaded: does nothing)."""

        __slots__ = ("_name",)

        def __init__(self, name=None):
            if name.__class__ is not str:
                name = _name_arg(name)
            self._name = name

        def __enter__(self):
            return self

        def __exit__(self, et, ev, tb):
            return None

        def __call__(self, func):
            return func

    def count(name, amount=1):
        """Adds amount to counter name (no agent loaded: does nothing)."""

    def gauge(name, value):
        """Sets gauge name to value (no agent loaded: does nothing)."""

    def mark(fmt, *args):
        """Logs a timestamped message (no agent loaded: does nothing)."""

    def thread_name(name):
        """Names the calling thread in perftop (no agent loaded: does nothing)."""
