"""The sandbox host against small submissions written on the fly: does one bad case cost only itself?"""
from __future__ import annotations

import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from autograder.sandbox import Call, OutcomeKind, SandboxOptions, SubmissionError, run_calls, speed
from autograder.sandbox.host import library_paths
from autograder.sandbox import isolation as isolation_
from autograder.sandbox.isolation import Level, Policy, choose

REPO = Path(__file__).resolve().parents[2]


def submission(tmp_path: Path, **modules: str) -> Path:
    folder = tmp_path / "submission"
    folder.mkdir()
    for name, source in modules.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(source))
    return folder


def call(function: str, module: str = "m", **args) -> Call:
    return Call(key=f"{function}/case", exercise=function, module=module, function=function, args=args,
                case_seconds=2.0, exercise_seconds=10.0)


def run(folder: Path, *calls: Call, **options):
    functions: dict[str, list[str]] = {}
    for c in calls:
        functions.setdefault(c.module, []).append(c.function)
    return run_calls(folder, list(calls), functions, SandboxOptions(**options))


def test_values_come_back_as_plain_data(tmp_path):
    """Do returned ints, arrays and nested structures arrive decoded, and is printed output kept per call?"""
    folder = submission(tmp_path, m="""
        import numpy as np
        def add(a, b):
            print("adding", a, b)
            return a + b
        def double(x):
            return x * 2
        def shapes():
            return [(1, 2, 3), {"k": np.eye(2)}]
    """)
    report = run(folder, call("add", a=1, b=2), call("double", x=np.arange(3.0)), call("shapes"))
    assert report.outcomes["add/case"].value == 3
    assert report.outcomes["add/case"].stdout == "adding 1 2\n"
    np.testing.assert_array_equal(report.outcomes["double/case"].value, [0.0, 2.0, 4.0])
    value = report.outcomes["shapes/case"].value
    assert value[0] == (1, 2, 3) and np.array_equal(value[1]["k"], np.eye(2))
    assert report.starts == 1


def test_a_hang_costs_only_its_own_case(tmp_path):
    """Is an infinite loop stopped at the case's time limit, and do the next cases still run?"""
    folder = submission(tmp_path, m="""
        def hang():
            while True:
                pass
        def fine():
            return "fine"
    """)
    report = run(folder, call("hang"), call("fine"))
    assert report.outcomes["hang/case"].kind is OutcomeKind.TIMEOUT
    assert "time limit of 2 s exceeded" in report.outcomes["hang/case"].message
    assert report.outcomes["fine/case"].value == "fine"
    assert report.starts == 2


@pytest.mark.parametrize("body, expected", [
    ("import os; os._exit(3)", "exited with status 3"),
    ("import ctypes; ctypes.string_at(0)", "crashed with signal 11 (SIGSEGV)"),
])
def test_a_crash_costs_only_its_own_case(tmp_path, body, expected):
    """Does a process that dies mid-call score that call as crashed and carry on with the rest?"""
    folder = submission(tmp_path, m=f"""
        def bad():
            {body}
        def fine():
            return 1
    """)
    report = run(folder, call("bad"), call("fine"))
    assert report.outcomes["bad/case"].kind is OutcomeKind.CRASHED
    assert expected in report.outcomes["bad/case"].message
    assert report.outcomes["fine/case"].value == 1


def test_system_exit_and_keyboard_interrupt_are_exceptions_of_the_call(tmp_path):
    """Are sys.exit() and KeyboardInterrupt inside a function reported as what they are, without a restart?"""
    folder = submission(tmp_path, m="""
        import sys
        def leave():
            sys.exit(0)
        def interrupt():
            raise KeyboardInterrupt
    """)
    report = run(folder, call("leave"), call("interrupt"))
    assert report.outcomes["leave/case"].error_type == "SystemExit"
    assert report.outcomes["interrupt/case"].error_type == "KeyboardInterrupt"
    assert report.starts == 1


def test_import_failures_name_file_and_line(tmp_path):
    """Does a syntax error or an exception at import name the file and line, leaving other modules graded?"""
    folder = submission(tmp_path, broken="def f(:\n    pass\n", raising="x = 1\nraise RuntimeError('at import')\n",
                        good="def g():\n    return 2\n")
    report = run(folder, call("f", module="broken"), call("h", module="raising"), call("g", module="good"))
    assert not report.modules["broken"].ok
    assert "broken.py, line 1" in report.modules["broken"].message
    assert "raising.py, line 2" in report.modules["raising"].message
    assert "RuntimeError: at import" in report.modules["raising"].message
    assert report.outcomes["g/case"].value == 2


def test_exit_at_import_fails_only_that_module(tmp_path):
    """Does sys.exit() at import time fail that module's import and nothing else?"""
    folder = submission(tmp_path, quits="import sys\nsys.exit(1)\n", good="def g():\n    return 2\n")
    report = run(folder, call("f", module="quits"), call("g", module="good"))
    assert not report.modules["quits"].ok and "SystemExit" in report.modules["quits"].message
    assert report.outcomes["g/case"].value == 2


def test_missing_function_and_signature(tmp_path):
    """Is a missing function reported as missing, and the signature of a present one sent back?"""
    folder = submission(tmp_path, m="def present(a, b=1):\n    return a\n")
    report = run(folder, call("present", a=1), call("absent"))
    assert report.outcomes["absent/case"].kind is OutcomeKind.MISSING
    assert report.modules["m"].functions == {"present": "(a, b=1)", "absent": None}


def test_modified_inputs_are_detected(tmp_path):
    """Does the worker notice a function that changes its argument in place?"""
    folder = submission(tmp_path, m="def scale(x):\n    x *= 2\n    return x\n")
    report = run(folder, call("scale", x=np.ones(3)))
    assert report.outcomes["scale/case"].mutated == ("x",)


def test_lying_objects_never_reach_the_grader(tmp_path):
    """Is a subclass with a lying __eq__ returned as 'unsupported', and its methods never run on the host?"""
    folder = submission(tmp_path, m="""
        import numpy as np
        class Liar(np.ndarray):
            def __eq__(self, other):
                return True
        def lie():
            return np.zeros(3).view(Liar)
    """)
    outcome = run(folder, call("lie")).outcomes["lie/case"]
    assert outcome.kind is OutcomeKind.RETURNED
    assert "Liar" in repr(outcome.value) and "unsupported" in repr(outcome.value)


def test_the_student_process_cannot_see_the_repository(tmp_path):
    """Does the student's code run in a scratch folder holding only the submission, with no repository path
    on sys.path or in its environment?"""
    folder = submission(tmp_path, m="""
        import os, sys
        def where():
            return [os.getcwd(), sorted(os.listdir(".")), list(sys.path), dict(os.environ)]
    """)
    (folder / "notes.txt").write_text("mine")
    cwd, files, path, env = run(folder, call("where")).outcomes["where/case"].value
    assert files == ["m.py", "notes.txt"]
    assert not cwd.startswith(str(REPO)) and not cwd.startswith(str(folder))
    # Only site-packages (which may sit in the repository's .venv) and the standard library: not the submission's
    # folder, whose modules are imported from the texts the host read.
    assert all(p in library_paths() or p.startswith(sys.base_prefix) for p in path), path
    assert cwd not in path
    assert not any(p == str(REPO) or p.startswith(str(REPO / "solutions")) for p in path)
    assert not any(str(REPO) in value for value in env.values())


def test_the_worker_runs_the_text_the_host_read_and_nothing_else_of_the_submission(tmp_path):
    """Does the worker import a module from the text the host read (not from the file, rewritten meanwhile), leave
    out the submission's other code (a helper module, a test file, a package, bytecode) while its data files stay
    at their paths, and refuse to import the helper?"""
    folder = submission(tmp_path, m="""
        import os
        def probe():
            found = sorted(os.path.relpath(os.path.join(root, name)) for root, _, names in os.walk(".")
                           for name in names)
            try:
                import helper
                imported = helper.__file__
            except ImportError as error:
                imported = type(error).__name__
            return [found, imported, "from the host"]
    """)
    (folder / "helper.py").write_text("x = 1\n")
    (folder / "test_m.py").write_text("import m\n")
    (folder / "pkg").mkdir()
    (folder / "pkg" / "__init__.py").write_text("")
    (folder / "pkg" / "table.csv").write_text("1,2\n")
    (folder / "m.cpython-311.pyc").write_bytes(b"")
    (folder / "notes.txt").write_text("mine")
    text = (folder / "m.py").read_text()
    (folder / "m.py").write_text(text.replace("from the host", "from the file"))
    outcome = run_calls(folder, [call("probe")], {"m": ["probe"]}, sources={"m": text}).outcomes["probe/case"]
    assert outcome.value == [["m.py", "notes.txt", "pkg/table.csv"], "ModuleNotFoundError", "from the host"]


def test_the_autograder_package_is_not_importable(tmp_path):
    """Is the grader's own package (and with it the repository's location) out of the student's reach?"""
    folder = submission(tmp_path, m="""
        def probe():
            try:
                import autograder
            except ImportError:
                return "hidden"
            return autograder.__file__
    """)
    assert run(folder, call("probe")).outcomes["probe/case"].value == "hidden"


def test_output_is_capped(tmp_path):
    """Is a flood of output kept only up to the limit, and counted?"""
    folder = submission(tmp_path, m="""
        import os
        os.write(1, b"x" * 5_000_000)
        def f():
            print("y" * 100_000)
            return 0
    """)
    report = run(folder, call("f"), output_kb=4)
    assert len(report.output) == 4096 and report.output_dropped == 5_000_000 - 4096
    assert len(report.outcomes["f/case"].stdout) < 5000


def test_grader_messages_cannot_be_forged_through_stdout(tmp_path):
    """Does text that looks like a worker message, printed by the student, change nothing?"""
    folder = submission(tmp_path, m="""
        import os
        def f():
            os.write(1, b'{"event": "result", "id": "f/case", "kind": "returned", "value": {"t": "int", "v": "99"}}\\n')
            return 1
    """)
    assert run(folder, call("f")).outcomes["f/case"].value == 1


def test_memory_limit(tmp_path):
    """Does a runaway allocation hit the memory limit as a MemoryError instead of exhausting the machine?"""
    folder = submission(tmp_path, m="""
        def hog():
            blocks = []
            while True:
                blocks.append(bytearray(50 * 2**20))
    """)
    outcome = run(folder, call("hog"), memory_mb=600).outcomes["hog/case"]
    assert outcome.error_type == "MemoryError"


def test_oversized_or_missing_submission(tmp_path):
    """Is a missing folder refused with its path named, and one whose folders are nested deeper than Python's
    walk recurses (1,200) refused as such, not a grader error?"""
    with pytest.raises(SubmissionError, match="does not exist"):
        run(tmp_path / "nowhere", call("f"))
    folder = submission(tmp_path, m="def f():\n    return 1\n")
    (folder / "/".join(["d"] * 40)).mkdir(parents=True)
    with pytest.raises(SubmissionError, match="nested more than 32 deep"):
        run(folder, call("f"))


@pytest.mark.parametrize("warm_pool", [True, False], ids=["warm", "cold"])
@pytest.mark.parametrize("isolation", list(Policy))
def test_no_process_outlives_grading(tmp_path, monkeypatch, isolation, warm_pool):
    """Where the kernel does not refuse processes (no seccomp filter: monkeypatched off here), are children the
    submission started, including a double fork that left the process group with setsid, all gone when grading
    ends, whatever the isolation level, for forked and fresh workers alike?"""
    if isolation is Policy.NAMESPACES and choose(Policy.AUTO).level is Level.PROCESS:
        pytest.skip("this machine refuses namespaces")
    monkeypatch.setattr(isolation_, "process_filter", lambda python=None: "off for this test")
    folder = submission(tmp_path, m="""
        import os, subprocess
        def spawn():
            child = subprocess.Popen(["sleep", "300"], env={})
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.setsid()
                grandchild = os.fork()
                if grandchild == 0:
                    os.chdir("/")
                    import time
                    time.sleep(300)
                os.write(write, str(grandchild).encode())
                os._exit(0)
            os.waitpid(pid, 0)
            os.close(write)
            return [child.pid, int(os.read(read, 100))]
    """)
    pids = run(folder, call("spawn"), isolation=isolation, warm_pool=warm_pool).outcomes["spawn/case"].value
    assert len(pids) == 2
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        except FileNotFoundError:
            continue
        assert state == "Z", f"process {pid} survived grading"


FORK_CHAIN = """
    import os

    def chain():
        marker = os.environ["AUTOGRADER_SCRATCH"]
        if os.fork() == 0:  # a chain of shells in a session of its own: each starts the next and exits
            os.setsid()
            os.execv("/bin/sh", ["sh", "-c", "g() { sleep 0.002; g & }; g"])
        return marker
"""


def survivors(marker: str) -> list[int]:
    """Processes whose environment holds the scratch folder's marker."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if f"AUTOGRADER_SCRATCH={marker}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("kernel", ["filter", "no filter"])
@pytest.mark.parametrize("isolation", [Policy.AUTO, Policy.PROCESS])
def test_a_fork_chain_does_not_outlive_grading(tmp_path, monkeypatch, isolation, kernel):
    """A red team's chain of forks in its own session outran the host's single sweeps of /proc (3 gradings of 5
    left a process running). Refused by the kernel where the filter holds; without it, frozen sweep after sweep
    (and, as root, killed with its private uid): is nothing of it left when grading returns, 3 times in a row?"""
    if kernel == "no filter":
        monkeypatch.setattr(isolation_, "process_filter", lambda python=None: "off for this test")
    elif isolation_.process_filter():
        pytest.skip(f"no seccomp filter here: {isolation_.process_filter()}")
    folder = submission(tmp_path, m=FORK_CHAIN)
    for _ in range(3):
        outcome = run(folder, call("chain"), isolation=isolation).outcomes["chain/case"]
        if kernel == "filter":
            assert outcome.kind is OutcomeKind.RAISED and outcome.error_type == "PermissionError", outcome
            continue
        assert outcome.kind is OutcomeKind.RETURNED, outcome
        assert survivors(outcome.value) == [], "a process of the chain outlived its grading"


def timed(function: str, **args) -> Call:
    from autograder.sandbox.protocol import Timing

    return Call(key=f"{function}/case", exercise=function, module="m", function=function, args=args,
                case_seconds=10.0, exercise_seconds=30.0, timing=Timing("numpy.add", ("a", "b"), 5, 10.0))


def test_a_speed_case_is_timed_from_outside_against_a_baseline_in_another_process(tmp_path):
    """Does a speed case come back with the CPU time per call of the student's function and of the baseline
    (numpy.add here), measured by the host, the baseline running where the student's patches cannot reach it?
    One certainly over the limit (CERTAIN_FACTOR times) is stopped by its CPU time during the graded call, before
    any wall-clock limit."""
    folder = submission(tmp_path, m="""
        import time
        import numpy
        numpy.add = lambda a, b: time.sleep(1)  # a student patching the baseline does not slow it down
        def fast(a, b):
            return a + b
        def slow(a, b):
            end = time.process_time() + 0.5  # CPU time: speed cases measure CPU, which a busy machine does not inflate
            while time.process_time() < end:
                pass
            return a + b
    """)
    a = np.ones((200, 200))
    report = run_calls(folder, [timed("fast", a=a, b=a), timed("slow", a=a, b=a)], {"m": ["fast", "slow"]})
    fast, slow = report.outcomes["fast/case"], report.outcomes["slow/case"]
    assert fast.timing is not None and slow.timing is not None
    assert fast.timing[1] < 0.1 and fast.timing[0] / fast.timing[1] < 10 and len(fast.timing_ratios) == 1
    np.testing.assert_array_equal(fast.value, a + a)
    assert slow.kind is OutcomeKind.TIMEOUT and slow.timing[0] < 0.5, "stopped before it returned"
    assert slow.timing[0] / slow.timing[1] > speed.CERTAIN_FACTOR * 10, slow.timing


def test_a_submission_that_changes_the_clock_is_timed_all_the_same(tmp_path):
    """If the student's code replaces every clock it can reach (time.process_time, time.perf_counter), is the
    time still the one the kernel counted? The host reads it (and stops the call by it); nothing in the student's
    process is asked."""
    folder = submission(tmp_path, m="""
        import time
        _real = time.process_time
        time.process_time = time.perf_counter = time.monotonic = lambda: 0.0
        def forged(a, b):
            end = _real() + 0.4
            while _real() < end:
                pass
            return a + b
    """)
    a = np.ones(3)
    outcome = run_calls(folder, [timed("forged", a=a, b=a)], {"m": ["forged"]}).outcomes["forged/case"]
    assert outcome.kind is OutcomeKind.TIMEOUT and outcome.timing is not None, outcome
    assert outcome.timing[0] / outcome.timing[1] > speed.CERTAIN_FACTOR * 10


def test_remembering_the_first_answer_does_not_pass_a_speed_case(tmp_path):
    """A function that answers once and then from memory (or with anything quick) is not fast: the timed runs get
    fresh inputs and their outputs are compared with the baseline's."""
    folder = submission(tmp_path, m="""
        _memory = []
        def remembers(a, b):
            if not _memory:
                _memory.append(a + b)
            return _memory[0]
    """)
    a = np.ones((50, 50))
    outcome = run_calls(folder, [timed("remembers", a=a, b=a)], {"m": ["remembers"]}).outcomes["remembers/case"]
    assert outcome.kind is OutcomeKind.RETURNED and outcome.timing is None
    assert "differ from numpy.add" in outcome.timing_problem


def test_skipping_a_share_of_the_output_does_not_pass_a_speed_case(tmp_path):
    """The host compares the timed outputs at positions it draws after each answer (speed.SAMPLE of them): does a
    function that leaves 2% of a 40,000-element output uncomputed (to be faster) still fail the comparison?"""
    folder = submission(tmp_path, m="""
        import numpy as np
        def partly(a, b):
            out = np.zeros_like(a)
            cut = int(a.size * 0.98)
            out.reshape(-1)[:cut] = (a.reshape(-1)[:cut] + b.reshape(-1)[:cut])
            return out
    """)
    a = np.ones((200, 200))
    outcome = run_calls(folder, [timed("partly", a=a, b=a)], {"m": ["partly"]}).outcomes["partly/case"]
    assert outcome.kind is OutcomeKind.RETURNED and outcome.timing is None
    assert "differ from numpy.add" in outcome.timing_problem


@pytest.mark.parametrize("warm_pool", [True, False], ids=["warm", "cold"])
def test_a_worker_with_cuda_cases_is_limited_on_data_not_address_space(tmp_path, warm_pool):
    """CUDA reserves tens of GB of address space when it starts: does a worker that runs CUDA cases get its memory
    limit on data (RLIMIT_DATA) instead of the address space, and every other worker on the address space?"""
    import resource

    folder = submission(tmp_path, m="""
        import resource
        def limits():
            return [resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_DATA)[0]]
    """)
    plain = run(folder, call("limits"), memory_mb=3000, warm_pool=warm_pool).outcomes["limits/case"].value
    cuda = run_calls(folder, [replace(call("limits"), device="cuda")], {"m": ["limits"]},
                     SandboxOptions(memory_mb=3000, warm_pool=warm_pool)).outcomes["limits/case"].value
    assert plain == [3000 * 2**20, resource.RLIM_INFINITY]
    assert cuda == [resource.RLIM_INFINITY, 3000 * 2**20]


def test_a_baseline_that_cannot_be_imported_is_the_graders_fault(tmp_path):
    """If a speed case names a baseline this machine cannot import, is that case a grader error (not blamed on the
    student), and the function never called?"""
    from autograder.sandbox.protocol import Timing

    folder = submission(tmp_path, m="""
        def f(a, b):
            return a + b
    """)
    speed = replace(timed("f", a=1, b=2), timing=Timing("nowhere.to.be.found", ("a", "b"), 5, 10.0))
    outcome = run_calls(folder, [speed], {"m": ["f"]}).outcomes["f/case"]
    assert outcome.grader_fault and "nowhere.to.be.found" in outcome.message


def test_cpu_burnt_while_the_baseline_runs_is_the_students(tmp_path):
    """A thread of the student's process that spins whenever the student's function is not running (that is,
    while an in-process baseline would run) made the baseline look slow when both were timed in one process. With
    the baseline in another process, is that CPU time counted on the student's side instead?"""
    folder = submission(tmp_path, m="""
        import threading, time
        _inside = threading.Event()
        def _spin():
            while True:
                if not _inside.is_set():
                    sum(i for i in range(1000))
                else:
                    time.sleep(0.0005)
        threading.Thread(target=_spin, daemon=True).start()
        def sneaky(a, b):
            _inside.set()
            try:
                end = time.process_time() + 0.02
                while time.process_time() < end:
                    pass
                return a + b
            finally:
                _inside.clear()
    """)
    a = np.ones((100, 100))
    outcome = run_calls(folder, [timed("sneaky", a=a, b=a)], {"m": ["sneaky"]}).outcomes["sneaky/case"]
    assert outcome.timing is not None
    student, baseline = outcome.timing
    assert student / baseline > 10, outcome.timing


def test_an_input_changed_in_place_is_seen_by_the_host_whatever_the_worker_says(tmp_path):
    """If the student's code makes every in-process comparison say "unchanged" (json.dumps patched, the worker's
    own check among them), is an array input changed in place still reported? The host reads the input's shared
    memory itself after the call."""
    folder = submission(tmp_path, m="""
        import json
        _real = json.dumps
        json.dumps = lambda *a, **k: "unchanged" if k.get("sort_keys") else _real(*a, **k)
        def scribble(x):
            total = float(x.sum())
            x.fill(0)
            return total
    """)
    outcome = run(folder, call("scribble", x=np.arange(6.0))).outcomes["scribble/case"]
    assert outcome.kind is OutcomeKind.RETURNED and outcome.value == 15.0
    assert outcome.mutated == ("x",)


def test_names_in_an_answer_come_from_a_fixed_vocabulary(tmp_path):
    """An answer forged on the response pipe whose "forbidden" and "changed" lists carry free text (a hidden case's
    inputs, say): does the host keep only names it knows (the call's forbidden list, its argument names)?"""
    folder = submission(tmp_path, m="""
        import json, os
        def forge(x):
            body = json.dumps({"op": "result", "id": "forge/case", "kind": "returned", "value": {"t": "int", "v": "1"},
                               "forbidden": ["numpy.convolve", "image=[[1, 2], [3, 4]]"],
                               "changed": ["x", "image=[[1, 2]]"]}).encode()
            os.write(4, f"{len(body):08x}".encode() + body)
            import time
            time.sleep(5)
    """)
    forging = replace(call("forge", x=np.arange(3.0)), forbidden=("numpy.convolve", "numpy.correlate"))
    outcome = run(folder, forging).outcomes["forge/case"]
    assert outcome.kind is OutcomeKind.RETURNED and outcome.value == 1
    assert outcome.forbidden == ("numpy.convolve",) and outcome.mutated == ("x",)


def test_a_module_that_fails_only_when_imported_again_shows_no_text_of_its_own(tmp_path):
    """A case writes its input to the folder and crashes the worker; the replacement worker's import reads it
    back and raises it. Does the module's failure say only that it failed again, never the text its code chose
    (which could carry a hidden case's inputs out), while the first, clean import's failure would say why?"""
    left = tmp_path / "outside" / "left.txt"  # outside the sandbox's folders, which each worker gets afresh
    left.parent.mkdir()
    folder = submission(tmp_path, m=f"""
        import os
        if os.path.exists({str(left)!r}):
            raise ImportError("secret=" + open({str(left)!r}).read())
        def leave(x):
            open({str(left)!r}, "w").write(str(x))
            os._exit(3)
        def other():
            return 1
    """)
    # Process isolation: without namespaces a worker can write anywhere the grader can, so a file it leaves outside
    # its folders reaches the next worker (with namespaces it cannot write there)
    report = run(folder, call("leave", x=9012), call("other"), isolation=Policy.PROCESS)
    load = report.modules["m"]
    assert not load.ok and "could not be imported again" in load.message
    assert "9012" not in load.message + load.traceback + load.stdout
    assert report.outcomes["leave/case"].kind is OutcomeKind.CRASHED


def test_a_worker_the_kernel_keeps_alone_is_not_looked_for_in_proc(tmp_path, monkeypatch):
    """Under the seccomp filter a worker cannot start a process, so the host does not sweep /proc around each of
    its calls (a sweep reads every process of the machine: 350 per grading cost 0.2 s of the host's CPU); the
    sweep at the worker's end stays. Without the filter, the calls that forbid APIs are swept around."""
    from dataclasses import replace

    from autograder.sandbox import host, isolation

    sweeps = []
    real = host.sandbox_processes

    def counted(*args, **kwargs):
        sweeps.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(host, "sandbox_processes", counted)
    folder = submission(tmp_path, m="""
        def same(x):
            return x
    """)
    calls = [replace(call("same", x=i), key=f"same/{i}", forbidden=("numpy.convolve",)) for i in range(6)]
    if isolation.process_filter():
        pytest.skip(f"no seccomp filter here: {isolation.process_filter()}")
    report = run(folder, *calls)
    assert all(o.kind is OutcomeKind.RETURNED for o in report.outcomes.values()), report.outcomes
    assert sweeps == []
    monkeypatch.setattr(isolation, "process_filter", lambda python=None: "off for this test")
    report = run(folder, *calls)
    assert all(o.kind is OutcomeKind.RETURNED for o in report.outcomes.values()), report.outcomes
    assert len(sweeps) >= 2 * len(calls)


def test_a_large_returned_array_or_tensor_comes_back_through_the_arena(tmp_path, monkeypatch):
    """A call with large inputs (a speed case's) returns its array through a slot of the arena, not as text (15 ms
    less for 2 MB): does the value arrive whole, as an array or a tensor with its dtype, and a small call's as
    before?"""
    import torch

    from autograder.codec import TensorData
    from autograder.sandbox import arguments

    used = []
    original = arguments.spilled

    def counting(arena, slot):
        load = original(arena, slot)

        def counted(described):
            used.append(described)
            return load(described)

        return counted

    monkeypatch.setattr(arguments, "spilled", counting)
    folder = submission(tmp_path, m="""
        import numpy as np
        import torch
        def big(x):
            return x * 2
        def pair(x):
            return (x + 1, torch.from_numpy(x).float() * 3)
    """)
    x = np.arange(256 * 256, dtype=np.float64).reshape(256, 256)
    report = run(folder, call("big", x=x), call("pair", x=x))
    assert np.array_equal(report.outcomes["big/case"].value, x * 2)
    first, second = report.outcomes["pair/case"].value
    assert np.array_equal(first, x + 1)
    assert isinstance(second, TensorData) and second.dtype == "float32"
    assert np.array_equal(second.array, (torch.from_numpy(x).float() * 3).numpy())
    assert len(used) == 2  # one array per answer through the slot, the pair's second as text
    small = run(folder, call("big", x=np.ones(3))).outcomes["big/case"].value
    assert np.array_equal(small, np.full(3, 2.0)) and len(used) == 2
