"""The student's side of the sandbox: imports the submission's modules and calls its functions, one request at a time.

Standalone on purpose: the host copies this file, the codec and the wire format into a private folder and runs
it with `python -I -S -B worker.py JOB` (or the warm pool forks it), so neither the `autograder` package nor the
course repository is importable here. JOB holds only set-up (folders, file descriptors, the forbidden APIs of the
course), never a call: each call arrives with its inputs as the host sends it.

The protocol is strict request/response on two pipes (frames of autograder/sandbox/wire.py): the worker says
`ready` once, before any student code runs, then answers each request the host sends — `import` a module,
`call` a function — with exactly one message, and waits for the next. Everything in this process after `ready`
can be replaced by the student's code, so the host believes nothing from here but the answer to the request in
flight: a value returned or an exception raised. Time, inputs changed in place (array inputs live in memory the
host reads itself), speed and limits are measured by the host. The guards below (forbidden APIs raising while the
student's function runs) are a second line behind the host's static scan, not something the host relies on.

A worker started with `"baseline": true` in JOB never imports student code: it runs the speed cases' library
baselines (`call` with a `target`), for the host to time on the same inputs.
"""
import contextlib
import faulthandler
import importlib
import importlib.util
import inspect
import io
import json
import os
import signal
import sys
import traceback
import types

RUNTIME = os.path.dirname(os.path.abspath(__file__))
CAPTURE_CHARS = 4000
MESSAGE_CHARS = 2000
MAX_REQUEST_BYTES = 1 << 30
PR_SET_CHILD_SUBREAPER = 36


def _load(name, filename):
    """A module beside this file, loaded once (the warm pool loads them before forking, while still visible)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, os.path.join(RUNTIME, filename))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_codec():
    return _load("_autograder_codec", "codec.py")


def load_wire():
    return _load("_autograder_wire", "wire.py")


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


OPERATOR_PREFIX = "aten::"
"""A forbidden name that is an operator at torch's dispatcher (the host lists each family's operators so)."""


_INDEX = None
"""(id of a callable -> [(namespace, name)], id of a namespace -> (namespace, its size), sys.modules' mark) for the
modules loaded when the warm pool's server called index_namespaces; None in a worker started cold (Guards reads
every namespace)."""


def _unchanged(mark, sizes, names):
    """Whether sys.modules still has `mark` (nothing imported since) and each module on the way to one of `names`
    (`numpy`, `numpy.lib`, ... for `numpy.lib.stride_tricks.sliding_window_view`) still has the size indexed."""
    now = _modules_mark()
    if now[:2] != mark[:2] or now[2] is not mark[2]:
        return False
    for name in names:
        parts = name.split(".")
        for cut in range(1, len(parts)):
            namespace = getattr(sys.modules.get(".".join(parts[:cut])), "__dict__", None)
            if isinstance(namespace, dict):
                known = sizes.get(id(namespace))
                if known is None or known[0] is not namespace or known[1] != len(namespace):
                    return False
    return True


def _modules_mark():
    """(how many, the last name, its module) of sys.modules: an import adds its module at the end (a dict keeps
    the order of insertion), so an unchanged mark means that nothing was imported since it was taken."""
    if not sys.modules:
        return (0, None, None)
    last = next(reversed(sys.modules))
    return (len(sys.modules), last, sys.modules[last])


def index_namespaces():
    """Where each callable sits in the namespaces of the modules loaded now: built once by the warm pool's server
    after its preloads, before it forks workers (Guards._guard_everywhere)."""
    global _INDEX
    places, sizes = {}, {}
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict) or id(namespace) in sizes:
            continue
        sizes[id(namespace)] = (namespace, len(namespace))
        for attribute, value in namespace.items():
            if callable(value):
                places.setdefault(id(value), []).append((namespace, attribute))
    _INDEX = (places, sizes, _modules_mark())


class Guards:
    """Makes forbidden APIs raise while a call that forbids them runs.

    The host sends the forbidden names with their families already derived (autograder/sandbox/static/families.py):
    Python functions and classes outside torch (NumPy, SciPy, and what they call inside) are matched by identity:
    every module attribute in sys.modules that *is* a forbidden object is replaced by one guard, whatever name or
    alias reaches it. torch's operators (`aten::name`) are refused at torch's dispatcher (a dispatch mode active
    during the call), where they arrive whatever the Python path (`F.max_pool2d`, `nn.MaxPool2d`,
    `torch.ops.aten...`)."""

    def __init__(self):
        self.active = frozenset()
        self.operators = frozenset()
        self.stems = {}
        self.families = {}
        self.hits = []
        self.mode = None
        self._derived = {}
        """Forbidden list (as sent) -> (its names, its operators, its stems): derived once per list."""

    def install(self, names):
        import warnings

        with warnings.catch_warnings():  # resolving a name may import a deprecated module: nothing to print
            warnings.simplefilter("ignore")
            self._install(sorted(set(names)))

    def _install(self, names):
        if any(n.startswith(OPERATOR_PREFIX) or n.startswith("torch.") for n in names):
            modes = _torch_guards(self)
            self.mode = _Entered(modes)
            _guard_new_threads(modes)
        originals = {}
        for name in names:
            if name.startswith(OPERATOR_PREFIX) or name.startswith("torch"):
                continue  # torch: at the dispatcher, by operator
            found = resolve(name)
            if found is None:
                continue
            if isinstance(found, type):
                self._guard_class(name, found)
            elif id(found) not in originals:
                originals[id(found)] = (found, self._guard_function(name, found))
        if originals:
            self._guard_everywhere(originals, names)

    def _guard_everywhere(self, originals, names=()):
        """Every module's namespace: each forbidden object, under any name, becomes its guard. The namespaces the
        warm pool's server indexed before forking (`index_namespaces`) are looked up there, not read: reading all
        of them (84,000 names with torch loaded) in a forked child touches every object's reference count, and
        copying those pages cost 60-110 ms of CPU per worker. Where nothing was imported since the index
        (`_modules_mark`: the forbidden names resolved to modules loaded already, the usual case) and the modules
        the names were resolved through (whose `__getattr__` may have run) kept their sizes, no namespace can have
        changed since, for only the worker's own code ran in this process after the fork: the others are not
        even looked at (that look alone, 1,200 modules with torch loaded, cost 10-25 ms of CPU per worker).
        Otherwise a namespace not indexed, or whose size changed since, is read whole, as without the index."""
        places, sizes, mark = _INDEX if _INDEX is not None else ({}, {}, None)
        for key, (original, guard) in originals.items():
            for namespace, attribute in places.get(key, ()):
                if namespace.get(attribute) is original:
                    namespace[attribute] = guard
        if mark is not None and _unchanged(mark, sizes, names):
            return
        for module in list(sys.modules.values()):
            namespace = getattr(module, "__dict__", None)
            if not isinstance(namespace, dict):
                continue
            known = sizes.get(id(namespace))
            if known is not None and known[0] is namespace and known[1] == len(namespace):
                continue
            for attribute, value in list(namespace.items()):
                entry = originals.get(id(value))
                if entry is not None and entry[0] is value:
                    namespace[attribute] = entry[1]

    def family_of(self, name):
        """The listed torch routine whose family a function's name is in (its stem in the name), or None; once
        per name and forbidden list (a loop of tensor operations asks thousands of times)."""
        if not isinstance(name, str):
            return None
        if name not in self.families:
            plain = name.lower().replace("_", "")
            self.families[name] = next((listed for word, listed in self.stems.items() if word in plain), None)
        return self.families[name]

    def check(self, name):
        if name in self.active:
            self.hits.append(name)
            raise ForbiddenAPIError(f"{name} is not allowed in this exercise")

    def _guard_function(self, name, original):
        check = self.check

        def guard(*args, **kwargs):
            check(name)
            return original(*args, **kwargs)

        guard.__name__ = getattr(original, "__name__", "guard")
        guard.__doc__ = getattr(original, "__doc__", None)
        return guard

    def _guard_class(self, name, cls):
        check, init = self.check, cls.__init__

        def guarded_init(self, *args, **kwargs):
            check(name)
            return init(self, *args, **kwargs)

        cls.__init__ = guarded_init

    def entered(self, forbidden):
        """A context for one call: the names it forbids active, torch's dispatcher guarded where it forbids an
        operator."""
        key = tuple(forbidden)
        derived = self._derived.get(key)
        if derived is None:  # once per list: every call of an exercise sends the same one (hundreds of names)
            active = frozenset(forbidden)
            derived = (active, frozenset(n for n in active if n.startswith(OPERATOR_PREFIX)),
                       {stem(n): n for n in sorted(active) if n.startswith("torch.") and len(stem(n)) >= MIN_STEM})
            if len(self._derived) < 64:
                self._derived[key] = derived
        self.active, self.operators, stems = derived
        self.hits = []
        if stems is not self.stems:
            self.stems, self.families = stems, {}
        torch_forbidden = self.operators or self.stems
        return self.mode if (torch_forbidden and self.mode is not None) else contextlib.nullcontext()


MIN_STEM = 3


def stem(name):
    """A listed routine's stem, as the host's families derive it (autograder/sandbox/static/families.py): its
    last name, lower case, without underscores."""
    return name.rsplit(".", 1)[-1].lower().replace("_", "")


class _Entered:
    """Enters the torch guards (a fresh instance of each mode class) for one call."""

    def __init__(self, classes):
        self.classes, self.stack = classes, None

    def __enter__(self):
        self.stack = contextlib.ExitStack()
        for mode_class in self.classes:
            self.stack.enter_context(mode_class())
        return self

    def __exit__(self, *exc):
        stack, self.stack = self.stack, None
        return stack.__exit__(*exc)


def _guard_new_threads(classes):
    """Torch's modes are per thread: every thread started from now on runs its whole life under guards of its
    own, which refuse what a forbidding call forbids whenever one is in flight (the main thread enters its guards
    per call). A thread started by the student's code cannot compute a forbidden routine for that call."""
    import threading

    bootstrap = threading.Thread._bootstrap_inner

    def guarded_bootstrap(thread):
        with _Entered(classes):
            bootstrap(thread)

    threading.Thread._bootstrap_inner = guarded_bootstrap


def _torch_guards(guards):
    """Two mode classes for torch: a TorchFunctionMode that refuses any torch function or operator whose name
    contains a forbidden routine's stem (`F.conv2d`, `torch.ops.aten.conv2d`, `torch._C._VariableFunctions.conv2d`:
    seen before torch decomposes them into other operators), and a TorchDispatchMode that refuses the forbidden
    operators of the families (`aten::max_pool2d_with_indices`, every overload, forward and backward alike)."""
    from torch.overrides import TorchFunctionMode
    from torch.utils._python_dispatch import TorchDispatchMode

    class FunctionGuard(TorchFunctionMode):
        def __torch_function__(self, func, types_, args=(), kwargs=None):
            if guards.stems:
                listed = guards.family_of(getattr(func, "__name__", None))
                if listed is not None:
                    guards.hits.append(listed)
                    raise ForbiddenAPIError(f"{listed} (or a routine of its family) is not allowed in this exercise")
            return func(*args, **(kwargs or {}))

    class OperatorGuard(TorchDispatchMode):
        def __torch_dispatch__(self, func, types_, args=(), kwargs=None):
            name = func._schema.name
            if name in guards.operators:
                guards.hits.append(name)
                raise ForbiddenAPIError(f"{name} (an operator of a forbidden routine) is not allowed in this "
                                        "exercise")
            return func(*args, **(kwargs or {}))

    raw = OperatorGuard.__dict__["__torch_dispatch__"]
    raw = getattr(raw, "__wrapped__", raw)
    setattr(raw, "__dynamo_disable", _unless_dynamo_runs(raw))
    return (FunctionGuard, OperatorGuard)


def _unless_dynamo_runs(dispatch):
    """torch wraps every dispatch mode's __torch_dispatch__ in torch._disable_dynamo, which imports torch._dynamo
    (0.7 s, in every submission that runs a torch operation under the guard) at its first call and caches the
    disabled function as the attribute `__dynamo_disable`. Disabling dynamo changes nothing while torch._dynamo is
    not imported (nothing can be compiled), so this stand-in calls the guard as it is until then; once it is
    imported (torch.compile, an optimizer step), it makes and caches torch's own disabled function, as torch
    would have."""
    def call(*args, **kwargs):
        dynamo = sys.modules.get("torch._dynamo")
        if dynamo is None or getattr(getattr(dynamo, "__spec__", None), "_initializing", False):
            return dispatch(*args, **kwargs)
        disabled = dynamo.disable(dispatch, True, wrapping=False)
        setattr(dispatch, "__dynamo_disable", disabled)
        return disabled(*args, **kwargs)

    return call


def resolve(name):
    """The object a dotted name stands for (importing the modules it needs), or None."""
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        except Exception:  # a module that fails to import for another reason: nothing to guard or time
            return None
        try:
            for attribute in parts[cut:]:
                obj = getattr(obj, attribute)
            return obj
        except AttributeError:
            return None
    return None


class Submission:
    """The import system's source of the submission's modules: exactly the texts the host read and scanned, sent
    with each import request, and only those of this worker's group. A file on disk is never read for them (an
    earlier module could have rewritten it; a coding declaration would decode it differently from the host's
    reading: a text is compiled as it is), and no other module of the submission can be found."""

    def __init__(self, work):
        self.work = work
        self.sources = {}

    def find_spec(self, name, path=None, target=None):
        if "." in name or name not in self.sources:
            return None
        return importlib.util.spec_from_file_location(name, os.path.join(self.work, name + ".py"), loader=self)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        code = compile(self.sources[module.__name__], module.__spec__.origin, "exec", dont_inherit=True)
        exec(code, module.__dict__)

    def get_source(self, name):
        return self.sources.get(name)


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
    try:
        frames = _student_frames(error, work)
        if location is None and frames:
            last = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(work + os.sep)][-1]
            location = [last.filename[len(work) + 1:], last.lineno]
    except Exception:  # a traceback the student's code tampered with
        frames = []
    kind = type(error)
    text = "\n".join(["Traceback (most recent call last):", *frames, f"{kind.__name__}: {message}"]) if frames \
        else f"{kind.__name__}: {message}"
    return {"type": str(kind.__name__)[:200], "mro": [str(c.__name__)[:200] for c in kind.__mro__][:20],
            "message": message, "traceback": text[:8000], "location": location}


def _signature(func):
    try:
        return str(inspect.signature(func))[:8192]  # the host refuses more than 4096 characters unparsed
    except Exception:
        return "(...)"


def _tensor_type():
    torch = sys.modules.get("torch")
    return torch.Tensor if torch is not None else None


def _decode_args(codec, wire, arena_fd, encoded):
    """The call's arguments: codec values, and arrays/tensors mapped from the arena."""
    args = {}
    for key, value in encoded.items():
        if isinstance(value, dict) and value.get("t") == "arena":
            array = wire.view(arena_fd, value["place"])
            if value.get("tensor"):
                import torch

                tensor = torch.from_numpy(array)
                dtype = getattr(torch, str(value.get("torch_dtype", "")), None)
                if isinstance(dtype, torch.dtype) and dtype != tensor.dtype:
                    tensor = tensor.to(dtype)
                args[key] = tensor.requires_grad_(True) if value.get("requires_grad") else tensor
            else:
                args[key] = array
        else:
            args[key] = codec.decode(value, tensors="torch")
    return args


def _to_device(value, device):
    tensor = _tensor_type()
    return value.to(device) if tensor is not None and isinstance(value, tensor) else value


def _synchronize(device):
    if device in (None, "cpu") or "torch" not in sys.modules:
        return
    cuda = sys.modules["torch"].cuda
    if cuda.is_initialized():
        cuda.synchronize()


def _spiller(wire, arena_fd, slot):
    """Where the host offered a slot of the arena (`spill`, for a call with large inputs): a function that copies
    the first large array of the returned value there (codec.encode's `spill`), once; None otherwise."""
    if not isinstance(slot, dict):
        return None
    used = []

    def spill(array):
        if used:
            return None
        place = wire.fill(arena_fd, slot, array)
        if place is not None:
            used.append(place)
        return place

    return spill


def _as_array(value):
    """A returned array or tensor as a NumPy array on the CPU, for a timed call's output slot; None otherwise."""
    import numpy as np

    tensor = _tensor_type()
    if type(value) is np.ndarray:
        return value
    if tensor is not None and type(value) in (tensor, sys.modules["torch"].nn.Parameter):
        data = value.detach()
        if data.dtype == sys.modules["torch"].bfloat16:
            data = data.float()
        return data.cpu().numpy()
    return None


def run(job_path):
    """Serve the host's requests until it stops sending; ends the process with os._exit."""
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    read_fd, write_fd, arena_fd = job["fds"]["request"], job["fds"]["response"], job["fds"]["arena"]
    work = job["work"]
    baseline_mode = bool(job.get("baseline"))
    # The submission's folder is not on sys.path: its modules are imported from the texts the host sends (Submission).
    sys.path[:] = [p for p in job["paths"] if p not in sys.path] + [p for p in sys.path if p != work]
    codec, wire = load_codec(), load_wire()
    sys.argv = ["submission"]
    if job["needs_torch"]:
        import torch  # noqa: F401  (imported once here so its cost is not charged to the first case)
    guards = Guards()
    if not baseline_mode:
        guards.install(job.get("forbidden", []))
        # Where a call is when it runs out of time: the host signals and reads the dump (autograder.sandbox.stack);
        # feedback only, so the student may silence it (their own hint lost), never change a verdict.
        with contextlib.suppress(Exception):  # no dump, no hint: never a reason to stop
            faulthandler.register(signal.SIGUSR2, file=write_fd, all_threads=True, chain=False)
    _become_subreaper()
    if job.get("refuse_processes"):
        _refuse_processes()
    send, receive = wire.write_frame, wire.read_frame
    # Nothing of the worker by name where the student's code looks first; the host does not rely on this.
    for name in ("_autograder_worker", "_autograder_codec", "_autograder_wire", "_autograder_jail",
                 "_autograder_process_filter"):
        sys.modules.pop(name, None)
    if sys.modules.get("__main__") is not None and getattr(sys.modules["__main__"], "run", None) is run:
        sys.modules["__main__"] = types.ModuleType("__main__")
    real_stdout, real_stderr = sys.stdout, sys.stderr
    modules = {}
    submission = Submission(work)
    if not baseline_mode:
        sys.meta_path.insert(0, submission)
    send(write_fd, {"op": "ready", "pid": os.getpid()})
    while True:
        try:
            request = receive(read_fd, MAX_REQUEST_BYTES)
        except EOFError:
            os._exit(0)
        op = request.get("op")
        if op == "import" and not baseline_mode:
            name = request["module"]
            submission.sources = dict(request.get("sources") or {})
            capture = CappedText()
            sys.stdout = sys.stderr = capture
            try:
                module = importlib.import_module(name)
            except BaseException as error:  # SystemExit and KeyboardInterrupt at import too
                sys.stdout, sys.stderr = real_stdout, real_stderr
                modules[name] = None
                send(write_fd, {"op": "imported", "module": name, "ok": False,
                                "error": _describe_error(error, work), "stdout": capture.text()})
                continue
            finally:
                sys.stdout, sys.stderr = real_stdout, real_stderr
            modules[name] = module
            functions = {}
            for function in request.get("functions", []):
                value = getattr(module, function, None)
                functions[function] = _signature(value) if callable(value) else None
            send(write_fd, {"op": "imported", "module": name, "ok": True, "functions": functions,
                            "stdout": capture.text()})
        elif op == "call":
            send(write_fd, _call(request, modules, guards, codec, wire, arena_fd, work, baseline_mode,
                                 real_stdout, real_stderr))
        else:
            os._exit(0)


def _call(request, modules, guards, codec, wire, arena_fd, work, baseline_mode, real_stdout, real_stderr):
    """One call, as the answer to send back."""
    key = request["id"]
    if baseline_mode:
        func = resolve(request["target"])
        if func is None:
            return {"op": "result", "id": key, "kind": "missing"}
    else:
        module = modules.get(request["module"])
        func = getattr(module, request["function"], None) if module is not None else None
        if not callable(func):
            return {"op": "result", "id": key, "kind": "missing"}
    device = request.get("device")
    try:
        args = _decode_args(codec, wire, arena_fd, request["args"])
        if device not in (None, "cpu"):
            args = {name: _to_device(value, device) for name, value in args.items()}
        sent = {name: codec.encode(value) for name, value in args.items()
                if not (isinstance(request["args"][name], dict) and request["args"][name].get("t") == "arena"
                        and device in (None, "cpu"))}
    except Exception as error:
        return {"op": "result", "id": key, "kind": "raised", "error": {
            "type": "WorkerError", "mro": ["WorkerError"], "location": None, "traceback": "",
            "message": f"the worker could not rebuild the arguments on {device or 'the CPU'}: "
                       f"{type(error).__name__}: {str(error)[:300]}"}}
    positional = request.get("positional")
    slot = request.get("out")
    capture = CappedText()
    sys.stdout = sys.stderr = capture
    try:
        with guards.entered(request.get("forbid", [])):
            value = func(*[args[n] for n in positional]) if positional else func(**args)
            _synchronize(device)
        outcome = {"kind": "returned"}
    except BaseException as error:
        outcome = {"kind": "raised", "error": _describe_error(error, work)}
        value = None
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr
        guards.active = frozenset()
    if outcome["kind"] == "returned":
        if slot is not None:
            array = _as_array(value)
            outcome["slot"] = wire.fill(arena_fd, slot, array) if array is not None else None
        else:
            try:
                outcome["value"] = codec.encode(value, spill=_spiller(wire, arena_fd, request.get("spill")))
            except Exception as error:  # too large, too deep
                outcome = {"kind": "raised", "error": {
                    "type": "ReturnValueError", "mro": ["ReturnValueError"], "location": None,
                    "message": f"the returned value cannot be sent back: {error}",
                    "traceback": f"the returned value cannot be sent back: {error}"}}
    changed = []
    for name, encoded in sent.items():
        try:
            if json.dumps(codec.encode(args[name]), sort_keys=True) != json.dumps(encoded, sort_keys=True):
                changed.append(name)
        except Exception:
            changed.append(name)
    return {"op": "result", "id": key, **outcome, "stdout": "" if slot is not None else capture.text(),
            "changed": changed, "forbidden": sorted(set(guards.hits))}


def _become_subreaper():
    """Orphaned descendants are re-parented to this process, so the CPU time they use lands in its children's
    time when reaped, where the host counts it (speed cases)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def load_process_filter():
    return _load("_autograder_process_filter", "process_filter.py")


def _refuse_processes():
    """The kernel's refusal of new processes, exec and signals to others (process_filter.py), in place before the
    student's first line. The host asked for it because it works on this machine: a worker that cannot install it
    stops (exit 125, a grader error) rather than run the student's code without it."""
    try:
        load_process_filter().install()
    except Exception as error:  # FilterError, or the runtime file missing: either way, not safe to go on
        os.write(2, f"autograder worker: could not install the process filter: {error}\n".encode())
        os._exit(125)


def main():
    run(sys.argv[1])


if __name__ == "__main__":
    main()
