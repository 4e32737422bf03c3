"""The student's side of the sandbox: imports the submission's modules and calls its functions.

Standalone on purpose: the host copies this file and the codec into a private folder and runs it with
`python -I -S -B worker.py JOB`, so neither the `autograder` package nor the course repository is importable
here. It reads the job (calls with their encoded arguments), and for each call writes one JSON line to the
channel file descriptor the host gave it: `ready`, `import`/`imported` per module, `start`/`result` per call.
Results hold only plain data (JSON and .npy bytes): nothing the student's code returns is ever pickled.
Everything the student's code does happens after `ready`; the host trusts nothing it reads here beyond
what it would trust from the student's own return values.
"""
import functools
import importlib
import importlib.util
import inspect
import io
import json
import os
import sys
import time
import traceback

RUNTIME = os.path.dirname(os.path.abspath(__file__))
_clock = time.perf_counter  # taken before any student code runs, which could replace time.perf_counter
_cpu = time.process_time  # speed cases: CPU time of this process, which other processes on the machine do not change
CAPTURE_CHARS = 4000
MESSAGE_CHARS = 2000


def load_codec():
    """The codec beside this file (loaded once: the warm pool loads it before forking, when it is still visible)."""
    if "_autograder_codec" in sys.modules:
        return sys.modules["_autograder_codec"]
    spec = importlib.util.spec_from_file_location("_autograder_codec", os.path.join(RUNTIME, "codec.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules["_autograder_codec"] = module
    spec.loader.exec_module(module)
    return module


class Channel:
    """JSON lines on a file descriptor that only the host reads."""

    def __init__(self, fd):
        self.fd = fd
        self._write = os.write
        self._dumps = json.dumps

    def send(self, message):
        data = (self._dumps(message, allow_nan=False, separators=(",", ":")) + "\n").encode()
        view = memoryview(data)
        while view:
            view = view[self._write(self.fd, view):]


class CappedText(io.TextIOBase):
    """Keeps the first CAPTURE_CHARS characters written and counts the rest."""

    def __init__(self):
        self.parts, self.kept, self.dropped = [], 0, 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = CAPTURE_CHARS - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def text(self):
        tail = f"\n[... {self.dropped} more characters not shown]" if self.dropped else ""
        return "".join(self.parts) + tail


class ForbiddenAPIError(RuntimeError):
    pass


class Guards:
    """Wraps forbidden APIs so that calling one while its exercise runs raises and is recorded."""

    def __init__(self):
        self.active = frozenset()
        self.hits = []

    def install(self, names):
        for name in sorted(set(names)):
            target = self._resolve(name)
            if target is None:
                continue
            parent, attribute, original = target
            if isinstance(original, type):
                self._guard_class(name, original)
            else:
                setattr(parent, attribute, self._guard_function(name, original))

    @staticmethod
    def _resolve(name):
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            try:
                for attribute in parts[cut:-1]:
                    obj = getattr(obj, attribute)
                return obj, parts[-1], getattr(obj, parts[-1])
            except AttributeError:
                return None
        return None

    def _check(self, name):
        if name in self.active:
            self.hits.append(name)
            raise ForbiddenAPIError(f"{name} is not allowed in this exercise")

    def _guard_function(self, name, original):
        check = self._check

        @functools.wraps(original)
        def guard(*args, **kwargs):
            check(name)
            return original(*args, **kwargs)

        return guard

    def _guard_class(self, name, cls):
        check, init = self._check, cls.__init__

        @functools.wraps(init)
        def guarded_init(self, *args, **kwargs):
            check(name)
            return init(self, *args, **kwargs)

        cls.__init__ = guarded_init


def _student_frames(error, work):
    """The traceback restricted to frames in the submission, with paths relative to it."""
    lines = []
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith(work + os.sep):
            rel = frame.filename[len(work) + 1:]
            lines.append(f'  File "{rel}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
    return lines


def _describe_error(error, work):
    try:
        message = str(error)[:MESSAGE_CHARS]
    except BaseException:  # a student exception whose __str__ fails
        message = "<unprintable message>"
    location = None
    if isinstance(error, SyntaxError) and error.filename:
        filename = error.filename[len(work) + 1:] if error.filename.startswith(work + os.sep) else error.filename
        location = [os.path.basename(filename), error.lineno]
        message = f"{error.msg} ({location[0]}, line {error.lineno})"
    frames = _student_frames(error, work)
    if location is None and frames:
        last = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(work + os.sep)][-1]
        location = [last.filename[len(work) + 1:], last.lineno]
    kind = type(error)
    text = "\n".join(["Traceback (most recent call last):", *frames, f"{kind.__name__}: {message}"]) if frames \
        else f"{kind.__name__}: {message}"
    return {"type": kind.__name__, "mro": [c.__name__ for c in kind.__mro__][:20], "message": message,
            "traceback": text[:8000], "location": location}


def _changed(codec, value, encoded):
    """Whether an argument differs after the call from what was sent (in-place modification)."""
    try:
        return json.dumps(codec.encode(value), sort_keys=True) != json.dumps(encoded, sort_keys=True)
    except Exception:
        return True


def _to_device(value, device):
    """A tensor argument moved to `device` (the CUDA copy of a case); anything else as it is."""
    torch = sys.modules.get("torch")
    return value.to(device) if torch is not None and isinstance(value, torch.Tensor) else value


def _synchronizer(device):
    """Waits for the device's queued work, so that a timing covers it (CUDA runs asynchronously)."""
    if device in (None, "cpu") or "torch" not in sys.modules:
        return lambda: None
    cuda = sys.modules["torch"].cuda
    return lambda: cuda.synchronize() if cuda.is_initialized() else None  # nothing queued where CUDA never started


def _time_against(func, args, timing, baselines, first, sync):
    """Median CPU seconds of `func(**args)` and of the baseline on the same arguments, interleaved, after one
    untimed run of the baseline; one student run (the graded one, `first`) is enough where it already took
    3 x max_ratio x the baseline. CPU time, not wall time: on a loaded machine a long run is preempted more often
    than a short one, which would make any ratio of wall times grow with the load. `total` is the CPU time of
    every run, the graded one included, for the host's check."""
    baseline = baselines[timing["baseline"]]
    ordered = [args[name] for name in timing["args"]]

    def clock(function, *positional, **keywords):
        start = _cpu()
        function(*positional, **keywords)
        sync()
        return _cpu() - start

    warm_up = clock(baseline, *ordered)  # first-call costs are not the student's fault
    base, mine = [clock(baseline, *ordered)], [first]
    if first <= 3 * timing["max_ratio"] * base[0]:
        mine = []
        for _ in range(timing["repeats"]):
            mine.append(clock(func, **args))
            base.append(clock(baseline, *ordered))
    total = first + warm_up + sum(mine) + sum(base)
    return {"student": _median(mine), "baseline": _median(base), "total": total}


def _median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _signature(func):
    try:
        return str(inspect.signature(func))
    except (TypeError, ValueError):
        return "(...)"


def run(job_path):
    """Run the job's calls, sending every event on the job's channel; ends the process with os._exit."""
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    channel = Channel(job["channel_fd"])
    work = job["work"]
    sys.path[:] = [work] + [p for p in job["paths"] if p not in sys.path] + sys.path
    codec = load_codec()
    sys.argv = ["submission"]
    if job["needs_torch"]:
        import torch  # noqa: F401  (imported once here so its cost is not charged to the first case)
    baselines = {}  # resolved before the guards wrap them and before any student code runs
    for call in job["calls"]:
        timing = call.get("timing")
        if timing and timing["baseline"] not in baselines:
            found = Guards._resolve(timing["baseline"])
            baselines[timing["baseline"]] = found[2] if found is not None else None
    guards = Guards()
    guards.install(name for call in job["calls"] for name in call["forbidden"])
    modules, spent = {}, {}
    real_stdout, real_stderr = sys.stdout, sys.stderr
    channel.send({"event": "ready", "pid": os.getpid()})

    for call in job["calls"]:
        name = call["module"]
        if name not in modules:
            channel.send({"event": "import", "module": name})
            capture = CappedText()
            sys.stdout = sys.stderr = capture
            try:
                module = importlib.import_module(name)
            except BaseException as error:  # SystemExit and KeyboardInterrupt at import too
                modules[name] = None
                sys.stdout, sys.stderr = real_stdout, real_stderr
                channel.send({"event": "imported", "module": name, "ok": False,
                              "error": _describe_error(error, work), "stdout": capture.text()})
                continue
            finally:
                sys.stdout, sys.stderr = real_stdout, real_stderr
            functions = {}
            for function in job["functions"].get(name, []):
                value = getattr(module, function, None)
                functions[function] = _signature(value) if callable(value) else None
            modules[name] = module
            channel.send({"event": "imported", "module": name, "ok": True, "functions": functions,
                          "stdout": capture.text()})
        module = modules[name]
        if module is None:
            continue
        func = getattr(module, call["function"], None)
        if not callable(func):
            channel.send({"event": "result", "id": call["id"], "kind": "missing"})
            continue
        exercise = call["exercise"]
        if spent.get(exercise, 0.0) >= call["exercise_seconds"]:
            channel.send({"event": "result", "id": call["id"], "kind": "skipped"})
            continue
        timing = call.get("timing")
        if timing and baselines[timing["baseline"]] is None:  # the course names a function this machine lacks
            channel.send({"event": "result", "id": call["id"], "kind": "grader_error",
                          "message": f"{timing['baseline']}, the speed case's baseline, cannot be imported here"})
            continue
        device = call.get("device")
        try:
            args = {key: codec.decode(value, tensors="torch") for key, value in call["args"].items()}
            sent = call["args"]
            if device not in (None, "cpu"):
                args = {key: _to_device(value, device) for key, value in args.items()}
                sent = {key: codec.encode(value) for key, value in args.items()}
        except Exception as error:  # the grader's fault: it sent something the worker cannot rebuild
            channel.send({"event": "result", "id": call["id"], "kind": "grader_error",
                          "message": f"could not rebuild the arguments on {device or 'the CPU'}: "
                                     f"{type(error).__name__}: {error}"})
            continue
        channel.send({"event": "start", "id": call["id"]})
        capture = CappedText()
        guards.active, guards.hits = frozenset(call["forbidden"]), []
        sys.stdout = sys.stderr = capture
        sync = _synchronizer(device)
        started, cpu_started = _clock(), _cpu()
        try:
            value = func(**args)
            sync()
            outcome = {"kind": "returned"}
            seconds = _clock() - started
            if timing:
                outcome["timing"] = _time_against(func, args, timing, baselines, _cpu() - cpu_started, sync)
        except BaseException as error:
            outcome = {"kind": "raised", "error": _describe_error(error, work)}
            value = None
            seconds = _clock() - started
        finally:
            sys.stdout, sys.stderr = real_stdout, real_stderr
            guards.active = frozenset()
        spent[exercise] = spent.get(exercise, 0.0) + seconds
        if outcome["kind"] == "returned":
            try:
                outcome["value"] = codec.encode(value)
            except Exception as error:  # too large, too deep
                outcome = {"kind": "raised", "error": {
                    "type": "ReturnValueError", "mro": ["ReturnValueError"], "location": None,
                    "message": f"the returned value cannot be sent back: {error}",
                    "traceback": f"the returned value cannot be sent back: {error}"}}
        mutated = [key for key, encoded in sent.items() if _changed(codec, args.get(key), encoded)]
        channel.send({"event": "result", "id": call["id"], **outcome, "seconds": seconds,
                      "stdout": capture.text(), "mutated": mutated, "forbidden": sorted(set(guards.hits))})
    channel.send({"event": "done"})
    os._exit(0)  # skip interpreter teardown: nothing the student registered with atexit runs


def main():
    run(sys.argv[1])


if __name__ == "__main__":
    main()
