"""What the scan refuses wherever it is written, and why: modules, dotted paths, built-ins, attributes; and the
bounds on what it follows."""
from __future__ import annotations

from functools import lru_cache

ALLOWED_DUNDER_ATTRIBUTES = frozenset({
    "__name__", "__doc__", "__class__", "__init__", "__call__", "__repr__", "__str__", "__len__",
    "__getitem__", "__setitem__", "__iter__", "__next__", "__enter__", "__exit__",
})
"""Dunder attributes a correct submission may read (`type(self).__name__`, `super().__init__()`); every other
`__x__` attribute is refused (`__dict__`, `__globals__`, `__code__`, `__wrapped__`, `__self__`, `__subclasses__`
reach what plain names do not). Defining any dunder method in one's own class is fine."""

ALLOWED_DUNDER_NAMES = frozenset({"__name__", "__file__", "__doc__", "__all__", "__version__", "__author__",
                                  "__debug__", "__slots__"})
"""Module dunders a submission may read or set (`if __name__ == "__main__":`); `__builtins__`, `__import__`,
`__loader__`, `__spec__` and the rest are refused."""

_DYNAMIC = "the grader cannot tell which function it reaches"
_PROCESS = "the grader cannot see what runs there"
_PICKLE = "loading code from bytes, which the grader cannot read"
_UNREAD = "code the grader has not read could run (only the assignment's modules are read and imported)"

REFUSED_MODULES: dict[str, str] = {
    "importlib": f"imports modules by computed names: {_DYNAMIC}",
    "builtins": f"reaches Python's built-in functions through a module: {_DYNAMIC}",
    "ctypes": "calls native code directly, past every check",
    "cffi": "calls native code directly, past every check",
    "gc": "reaches every object of the interpreter through the garbage collector",
    "inspect": "reads the interpreter's frames and functions' internals",
    "pickle": _PICKLE, "marshal": _PICKLE, "dill": _PICKLE, "cloudpickle": _PICKLE, "copyreg": _PICKLE,
    "shelve": _PICKLE, "joblib": _PICKLE,
    "subprocess": f"starts another process: {_PROCESS}",
    "multiprocessing": f"starts another process: {_PROCESS}",
    "concurrent": f"runs code in another thread or process: {_PROCESS}",
    "threading": f"runs code in another thread: {_PROCESS}",
    "asyncio": f"runs code in other threads or processes: {_PROCESS}",
    "code": f"runs code given as text: {_DYNAMIC}", "codeop": f"compiles code given as text: {_DYNAMIC}",
    "runpy": f"runs code by module or file name: {_DYNAMIC}",
    "trace": "installs a trace hook, which can change what the grader's checks see",
    "pdb": "installs a trace hook, which can change what the grader's checks see",
    "bdb": "installs a trace hook, which can change what the grader's checks see",
    "cProfile": "installs a profile hook, which can change what the grader's checks see",
    "profile": "installs a profile hook, which can change what the grader's checks see",
    "pty": f"starts another process on a terminal: {_PROCESS}",
    "webbrowser": f"starts another program: {_PROCESS}",
    "signal": "changes how the process handles signals (child processes, alarms), which the grader relies on",
    # Code given as text, or objects found by dotted names written as text, through library routines (a red team,
    # issue 21 round 4, ran torch's private guard switches and F.conv2d from a string given to timeit: 16/16)
    "timeit": f"compiles and runs statements given as text: {_DYNAMIC}",
    "doctest": f"runs the code written in docstrings: {_DYNAMIC}",
    "pydoc": f"finds objects by dotted names given as text (pydoc.locate): {_DYNAMIC}",
    "sympy": f"evaluates expressions given as text (sympify, lambdify): {_DYNAMIC}",
    "dis": f"hands out functions' code objects (Bytecode(f).codeobj), from which new functions are built: {_DYNAMIC}",
    **{name: f"imports modules from files or names chosen at run time: {_UNREAD}"
       for name in ("site", "zipimport", "pkgutil", "imp")},
}
"""Modules refused outright (importing them, or anything from them)."""

REFUSED_PATHS: dict[str, str] = {
    "torch.ops": "calls PyTorch's operators by their internal names, past the forbidden-API check",
    "torch.library": "registers or overrides PyTorch operators",
    "torch.overrides": "changes how PyTorch functions are dispatched",
    "torch.utils.cpp_extension": "compiles native code",
    "torch.classes": "loads a native library from any file (torch.classes.load_library), past every check",
    "torch.load": f"unpickles a file: {_PICKLE}",
    "torch.jit.load": f"loads a compiled program: {_PICKLE}",
    "torch.package": f"loads packaged code: {_PICKLE}",
    "torch.hub": "downloads and runs code",
    "torch.multiprocessing": f"starts other processes: {_PROCESS}",
    "torch.compile": f"compiles code into a program of its own: {_DYNAMIC}",
    "torch.compiler": f"compiles code into a program of its own: {_DYNAMIC}",
    "torch.jit": f"compiles code (given as text, too) into a program of its own: {_DYNAMIC}",
    "torch.fx": f"builds and runs code from a graph of names: {_DYNAMIC}",
    "torch.export": f"compiles code into a program of its own: {_DYNAMIC}",
    "numpy.core": "reaches NumPy's internal modules",
    "numpy.ctypeslib": "calls native code directly, past every check",
    "sys.modules": f"takes modules out of the interpreter's table: {_DYNAMIC}",
    "sys.settrace": "installs a trace hook, which can change what the grader's checks see",
    "sys.setprofile": "installs a profile hook, which can change what the grader's checks see",
    "sys.monitoring": "installs a monitoring hook, which can change what the grader's checks see",
    "sys.addaudithook": "installs an audit hook, which can change what the grader's checks see",
    "sys.meta_path": f"changes how modules are imported: {_DYNAMIC}",
    "sys.path_hooks": f"changes how modules are imported: {_DYNAMIC}",
    "sys.path_importer_cache": f"changes how modules are imported: {_DYNAMIC}",
    "sys.path": f"changes where Python finds modules: {_UNREAD}",
    "threading.settrace": "installs a trace hook, which can change what the grader's checks see",
    "threading.setprofile": "installs a profile hook, which can change what the grader's checks see",
    "operator.attrgetter": f"gets attributes by computed names: {_DYNAMIC}",
    "torch.utils.benchmark": f"compiles and runs statements given as text (Timer): {_DYNAMIC}",
    "torch.serialization": f"unpickles a file (torch.serialization.load is torch.load): {_PICKLE}",
    "torch.utils.model_zoo": f"downloads and unpickles a file: {_PICKLE}",
    "numpy.lib.format": f"reads arrays that may be pickled objects (read_array with allow_pickle): {_PICKLE}",
    "numpy.lib.npyio": f"reads files that may hold pickled objects (NpzFile with allow_pickle): {_PICKLE}",
    "pandas.read_pickle": f"unpickles a file: {_PICKLE}",
    "typing.get_type_hints": f"evaluates annotations written as text (eval): {_DYNAMIC}",
    "typing.ForwardRef": f"evaluates an annotation written as text (eval): {_DYNAMIC}",
    "functools.singledispatch": f"evaluates its functions' annotations written as text (eval): {_DYNAMIC}",
    "functools.singledispatchmethod": f"evaluates its methods' annotations written as text (eval): {_DYNAMIC}",
    "logging.config": f"builds objects from dotted names given as text (ext://, '()'): {_DYNAMIC}",
    "unittest.mock": f"finds and replaces objects by dotted names given as text (patch): {_DYNAMIC}",
    "unittest.TestLoader": f"imports tests by dotted names given as text: {_DYNAMIC}",
    "unittest.defaultTestLoader": f"imports tests by dotted names given as text: {_DYNAMIC}",
    "unittest.main": f"imports tests by dotted names given as text: {_DYNAMIC}",
    "unittest.loader": f"imports tests by dotted names given as text: {_DYNAMIC}",
    # A function built from bytecode written as bytes (a red team: 16 of 16 points with F.conv2d, guards off)
    "types.CodeType": f"builds code from bytecode written as bytes: {_DYNAMIC}",
    "types.FunctionType": f"builds a function from a code object: {_DYNAMIC}",
    "types.LambdaType": f"builds a function from a code object: {_DYNAMIC}",
    **{f"yaml.{name}": f"builds objects by dotted names written in the text (!!python/name, /object/apply): {_DYNAMIC}"
       for name in ("load", "load_all", "full_load", "full_load_all", "unsafe_load", "unsafe_load_all", "Loader",
                    "FullLoader", "UnsafeLoader", "CLoader", "CFullLoader", "CUnsafeLoader", "loader", "cyaml",
                    "constructor")},  # yaml.safe_load stays allowed
    "string.Formatter": f"gets attributes and items by names given as text (get_field): {_DYNAMIC}",
    "operator.methodcaller": f"calls methods by computed names: {_DYNAMIC}",
    **{f"{module}.{name}": f"starts another program: {_PROCESS}"
       for module in ("os", "posix", "nt")  # posix and nt: what os takes its process functions from
       for name in ("system", "popen", "fork", "forkpty", "posix_spawn", "posix_spawnp",
                    "execv", "execve", "execl", "execle", "execlp", "execlpe", "execvp", "execvpe",
                    "spawnv", "spawnve", "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnvp", "spawnvpe")},
}
"""Dotted paths refused wherever they are reached (the path itself or anything under it), by any path to the
same module (`os.sys.modules` is `sys.modules`: static/modules.py)."""

MODULES_WITH_REFUSED_PATHS = frozenset(path.rsplit(".", cut)[0] for path in REFUSED_PATHS
                                       for cut in range(1, path.count(".") + 1))
"""Modules that hold a refused path (`sys`, `os`, `posix`, `torch`, `numpy`): passing one around as a value is
refused, since the grader cannot follow what is reached from it (`def g(m): return m.modules`, `g(sys)`)."""

WORKER_PROCESSES = ("DataLoader",)
"""Classes of the listed packages that start worker processes when given `num_workers` (torch's DataLoader):
refused when called with workers (or with arguments the grader cannot read), and as values."""

REFUSED_BUILTINS: dict[str, str] = {
    "eval": f"runs code given as text (eval): {_DYNAMIC}",
    "exec": f"runs code given as text (exec): {_DYNAMIC}",
    "compile": f"compiles code given as text (compile): {_DYNAMIC}",
    "__import__": f"imports a module by a computed name (__import__): {_DYNAMIC}",
    "vars": f"reads an object's or module's namespace as a dictionary (vars): {_DYNAMIC}",
    "globals": f"reads the module's namespace as a dictionary (globals): {_DYNAMIC}",
    "locals": f"reads a namespace as a dictionary (locals): {_DYNAMIC}",
    "dir": f"lists attributes to pick from at run time (dir): {_DYNAMIC}",
    "breakpoint": "starts the debugger, which installs a trace hook",
}
"""Built-in functions refused wherever they are named (unless the module binds the name itself)."""

ATTRIBUTE_FUNCTIONS = ("getattr", "setattr", "delattr", "hasattr")
"""Built-ins that take an attribute name: allowed with a constant name (checked like `obj.name`; `hasattr`, which
only answers yes or no, not at all), refused with a computed one, and refused as values (`f = getattr`)."""

FRAME_ATTRIBUTES = frozenset({
    "f_back", "f_globals", "f_locals", "f_builtins", "f_code", "f_trace", "tb_frame", "tb_next",
    "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame", "ag_code",
})
"""Attributes of frames, tracebacks, generators and coroutines: they lead to other functions' variables."""

MAX_PATH_PARTS = 12
"""Alias chains longer than this are not followed (`a = a.x` would grow without end)."""
MAX_PATHS = 32
"""At most this many dotted paths per name: a name bound to more is refused where it is used."""
MAX_STARS = 4
"""At most this many distinct `from M import *`; more are refused (each one is a source of every name)."""
MAX_SIBLINGS = 16

MAIN = "<main>"
"""The `top` of code under a module-level `if __name__ == "__main__":`, which never runs when graded (the module
is imported): what is only there is not held against any exercise, and naming an exercise there does not make
its body count for the others. Unless the module binds `__name__` anywhere, or code outside the block uses a
module-level name the block binds: then the block counts like any other code."""


def _dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _private(name: str) -> bool:
    return name.startswith("_") and not _dunder(name)


def _shortest(paths: set[str]) -> str:
    return min(paths, key=lambda p: (len(p), p))


@lru_cache(maxsize=4096)
def _refused_path(path: str) -> str | None:
    """Why a dotted path is refused (REFUSED_MODULES, REFUSED_PATHS), or None."""
    parts = path.split(".")
    if parts[0] in REFUSED_MODULES:
        return f"uses {parts[0]}, which {REFUSED_MODULES[parts[0]]}"
    for cut in range(len(parts), 0, -1):
        prefix = ".".join(parts[:cut])
        if prefix in REFUSED_PATHS:
            return f"uses {prefix}, which {REFUSED_PATHS[prefix]}"
    return None
