"""Hostile and broken submissions, each the reference solution with one change (submissions/<name>.py is
appended to the module its header names, each further `# module: NAME` line starting a part for another module,
or `# delete: module` removes one): does each get the right score for
the exercises it breaks, full marks for the rest, a clear message, and a grader that keeps going?

All of them are graded once, two at a time, by the `graded` fixture (about a minute on 2 cores)."""
from __future__ import annotations

import json
import re
import shutil
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from support import ASSIGNMENT, REPO

from autograder.pipeline import grade
from autograder.reporters import gradescope
from autograder.results import GradingRun, Status
from autograder.sandbox.isolation import Level, Policy, choose, process_filter

HERE = Path(__file__).parent / "submissions"
LEVEL = choose(Policy.AUTO).level
ISOLATED = LEVEL is not Level.PROCESS
NO_NAMESPACES = f"this machine refuses namespaces ({choose(Policy.AUTO).reason}); see docs/security.md"
FILTERED = not process_filter()
"""The kernel refuses the worker new processes (the seccomp filter of sandbox/process_filter.py)."""
MODULES = ("shapes", "filters", "conv_numpy", "conv_torch")
SLEEP = "3017.25"  # a distinctive argument, to find the children `spawn_children` started
FAST = {"case_seconds": 3.0, "exercise_seconds": 6.0}
"""Time limits of the exercises a hostile submission breaks, so that timeouts cost seconds, not minutes."""
SLOW = {"case_seconds": 15.0, "exercise_seconds": 20.0}
BIG_LIST = "[" + "0, " * (4 * 2**20 // 3) + "]"
"""A 4 MiB list literal, for `parsing_bomb` (kept out of the repository)."""
SMALL_MEMORY_MB = 2048
"""The memory limit while grading `memory_hog`: filling 4 GB page by page takes longer than its time limit."""


@dataclass(frozen=True)
class Broken:
    """What one hostile submission does to one exercise: every case's status, and a pattern of its message."""

    status: Status | tuple[Status, ...]
    message: str | None
    """None for an exercise broken only because its reference calls the changed function."""


DEPENDENT = Broken((Status.ERROR, Status.FAILED), None)
"""learn_filter's reference calls conv2d_forward_torch: a submission that breaks the latter breaks it too."""


EXPECTED: dict[str, dict[str, Broken]] = {
    "infinite_loop": {"conv2d": Broken(Status.TIMEOUT, r"time limit of \d+ s (was used up|exceeded)|used up the "
                                                       r"exercise's time limit of \d+ s")},
    "memory_hog": {"same_padding": Broken((Status.ERROR, Status.TIMEOUT),
                                          rf"memory limit of {SMALL_MEMORY_MB} MB exceeded|time limit")},
    "exit_at_import": {e: Broken(Status.UNGRADABLE, r"filters\.py could not be imported.*SystemExit")
                       for e in ("apply_filter_at", "conv2d_single", "edge_kernels")},
    "os_exit_in_function": {"dense_param_count": Broken(Status.CRASHED,
                                                        r"exited with status 0|crashed the process in 3 earlier")},
    "system_exit_in_function": {"same_padding": Broken(Status.ERROR, r"SystemExit")},
    "keyboard_interrupt": {"apply_filter_at": Broken(Status.ERROR, r"KeyboardInterrupt")},
    "segfault": {"conv_param_count": Broken(Status.CRASHED,
                                            r"crashed with signal 11 \(SIGSEGV\)|crashed the process in 3 earlier")},
    "output_flood": {},
    "forged_results": {"conv_param_count": Broken(Status.FAILED, r"got \d+, expected \d+|values are wrong|expected ValueError")},
    "lying_objects": {"conv_param_count": Broken(Status.FAILED, r"unsupported( return type)? (shapes\.)?Liar")},
    "ndarray_subclass": {"conv2d": Broken(Status.FAILED, r"unsupported( return type)? (conv_numpy\.)?Always")},
    "tensor_subclass": {"conv2d_forward_torch": Broken(Status.FAILED,
                                                       r"unsupported( return type)? (conv_torch\.)?Always")},
    "reduce_payload": {"edge_kernels": Broken(Status.FAILED, r"unsupported return type"),
                       # os.system in a module with an exercise that forbids APIs: another process is unseen
                       "conv2d_single": Broken(Status.FORBIDDEN, r"os\.system")},
    "read_solutions": {"conv_param_count": Broken(Status.FAILED, r"got -1|returned int -1|values are wrong")},
    "spawn_children": {"cnn_output_shapes": Broken(Status.ERROR, r"PermissionError|Operation not permitted")}
    if FILTERED else {},
    "network": {},
    "mutates_input": {"conv_volume": Broken(Status.FAILED, r"modified its input")},
    # The protocol (issue 11): nothing the worker says but the answer to the call in flight is believed.
    "forged_channel": {"conv2d_forward_torch": Broken((Status.FAILED, Status.CRASHED),
                                                      r"broke the grading protocol|crashed the process in 3|got int 0"),
                       "learn_filter": Broken((Status.ERROR, Status.FAILED, Status.CRASHED), None)},
    "deadline_bypass": {"output_size": Broken((Status.FAILED, Status.CRASHED, Status.TIMEOUT),
                                              r"broke the grading protocol|crashed the process in 3|time limit"),
                        "cnn_output_shapes": Broken((Status.FAILED, Status.CRASHED, Status.TIMEOUT), None)},
    # Both defeated the in-process timing and check; both are now refused statically (a thread, which the run-time
    # guard does not reach; a module attribute replaced). tests/sandbox/test_host.py shows the host's own measure
    # (CPU time and shared memory) catching them without the scan.
    "speed_forgery": {"conv2d_forward_torch": Broken(Status.FORBIDDEN, r"setprofile|profile")},
    # Each case writes until the disk is full; on a busy machine the writes of 15 cases can use up the exercise's
    # (shortened: FAST) time before the last ones run: those are stopped by the time limit, the exercise lost alike.
    "disk_fill": {"same_padding": Broken((Status.ERROR, Status.CRASHED, Status.TIMEOUT),
                                         r"No space left on device|disk limit|crashed the process in 3|time limit")},
    "hides_mutation": {e: Broken(Status.FORBIDDEN, r"json\.dumps|module attribute|assign")
                       for e in ("conv2d", "conv_volume", "conv_layer_forward")},
    "lying_output_claim": {"conv2d_forward_torch": Broken(Status.FAILED, None)},  # the speed case only: below
    "hidden_leak_later_visible": {"output_size": Broken((Status.ERROR, Status.FAILED), r"leak")},
    "oversized_frame": {"edge_kernels": Broken((Status.FAILED, Status.CRASHED),
                                               r"broke the grading protocol|crashed the process in 3")},
    "nan_output": {"conv2d": Broken(Status.FAILED, r"contains NaN")},
    "wrong_dtype": {"conv2d_forward_torch": Broken(Status.FAILED, r"dtype (torch\.)?float64 differs")},
    "wrong_shape": {"conv_volume": Broken(Status.FAILED, r"shape \(\d+, \d+, 1\) differs from the expected")},
    "list_not_array": {"conv2d_single": Broken(Status.FAILED, r"expected a NumPy array.*got (a )?list|wrong type")},
    "numpy_not_tensor": {"conv2d_forward_torch": Broken(Status.FAILED, r"expected a torch tensor.*got"),
                         "learn_filter": DEPENDENT},
    "wrong_device": {"conv2d_forward_torch": Broken((Status.FAILED, Status.ERROR), r"meta|device"),
                     "learn_filter": DEPENDENT},
    "forbidden_static": {"conv2d_forward_torch": Broken(Status.FORBIDDEN, r"torch\.nn\.functional\.conv2d")},
    "forbidden_runtime": {"conv2d_forward_torch": Broken(Status.FORBIDDEN, r"importlib.*computed attribute name")},
    "forbidden_numpy": {"conv2d_single": Broken(Status.FORBIDDEN, r"numpy\.correlate")},
    "forbidden_torch_ops": {"conv2d_forward_torch": Broken(Status.FORBIDDEN, r"torch\.ops")},
    "forbidden_code_as_text": {"conv2d_forward_torch": Broken(Status.FORBIDDEN, r"timeit.*given as text")},
    "forbidden_private_functions": {"conv2d_forward_torch": Broken(Status.FORBIDDEN, r"torch\._C")},
    "forbidden_computed_import": {"conv2d_forward_torch": Broken(Status.FORBIDDEN,
                                                                 r"__import__.*computed attribute name")},
    "forbidden_module_level": {e: Broken(Status.FORBIDDEN, r"numpy\.correlate \(line \d+\)")
                               for e in ("conv2d", "conv_volume", "conv_layer_forward")},
    "forbidden_torch_in_numpy": {"conv2d_single": Broken(Status.FORBIDDEN, r"torch\.nn\.functional\.conv2d")},
    "syntax_error": {e: Broken(Status.UNGRADABLE, r"conv_numpy\.py.*line \d+")
                     for e in ("zero_pad", "conv2d", "conv_volume", "conv_layer_forward")},
    "missing_module": {e: Broken(Status.UNGRADABLE, r"filters\.py")
                       for e in ("apply_filter_at", "conv2d_single", "edge_kernels")},
    "missing_function": {"same_padding": Broken(Status.UNGRADABLE, r"no function same_padding")},
    "wrong_signature": {"same_padding": Broken(Status.UNGRADABLE, r"same_padding has the signature "
                                                                  r"same_padding\(filter_size, stride\), expected")},
    "process_limit": {"same_padding": Broken(Status.ERROR, r"PermissionError|Operation not permitted")} if FILTERED
    else {"same_padding": Broken(Status.ERROR, r"BlockingIOError|Resource temporarily unavailable")}
    if LEVEL is Level.ROOT else {},
    # issue 21: the timed rounds' work in helpers started with posix.fork and auto-reaped (their CPU never counted)
    # passed a 20x-slow loop; the kernel refuses the fork (or the scan refuses posix): the speed case, below.
    "posix_fork_speed": {"conv2d_forward_torch": Broken((Status.FAILED, Status.FORBIDDEN), None)},
    "parsing_bomb": {e: Broken(Status.UNGRADABLE, r"^filters\.py: 4\.\d MiB, more than the 256 KiB a module may have")
                     for e in ("apply_filter_at", "conv2d_single", "edge_kernels")},
    "signature_bomb": {"same_padding": Broken(Status.UNGRADABLE, r"^same_padding: its signature is \d{4,} characters "
                                                                 r"long, more than the 4096 the grader reads")},
    "hidden_prints": {"conv_param_count": Broken(Status.ERROR, r"raised RuntimeError: LEAK conv_param_count")},
    # issue 21, speed rounds read in place: the worker shrank the arena under the host's mapping (SIGBUS killed the
    # grader; before the mapping, the speed case read "modified its inputs"). The arena is sealed: full marks.
    "arena_shrunk_while_read": {},
    # issue 21, the codec's own .npy reader: forged answers whose headers claim 0 bytes for a 10**24-element shape,
    # 70 dimensions, or a header of megabytes; a tensor's dtype of 5 MB (results.json of 10 MB), a long string:
    # each is a malformed answer now (the 'S0' one was a 10 GB array).
    "forged_answer_bombs": {"conv_param_count": Broken((Status.ERROR, Status.FAILED, Status.CRASHED),
                                                       r"malformed|broke the grading protocol|crashed the process "
                                                       r"in 3|raised an exception")},
    # issue 21, clean groups share a worker (groups.merge_clean): an excused function handed to another module
    # through a shared object is seen by the scan (the decorator names it): no merge, both exercises lose.
    "merged_worker_shares_a_tool": {"conv2d_single": Broken(Status.FORBIDDEN, r"numpy\.correlate"),
                                    "conv2d": Broken((Status.ERROR, Status.FAILED), r"AttributeError")},
    # conv2d_single and conv2d share a worker (both clean): conv2d shows what conv2d_single saw, visible inputs only
    # (test_a_merged_worker_shows_no_hidden_input_of_the_other_module). Without the merge, conv2d would see nothing.
    "merged_worker_hidden_inputs": {"conv2d": Broken((Status.ERROR, Status.FAILED), r"leak")},
    # issue 21, no /proc sweep around the calls of a worker the kernel keeps alone: daemons' sockets reach nothing,
    # and the timed work in a thread is counted (test_a_worker_kept_alone_reaches_nothing_and_its_threads_count)
    "alone_worker": {"conv2d_forward_torch": Broken(Status.FAILED, None)},
}


class Listener:
    """A TCP server on the host's loopback that records whether anything connected."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self):
        self.stop.set()
        self.thread.join()
        self.socket.close()


def materialise(name: str, target: Path, tokens: dict[str, str]) -> tuple[Path, set[str]]:
    """The reference with submissions/<name>.py applied; returns the folder and the modules it changed."""
    target.mkdir()
    for module in MODULES:
        shutil.copyfile(REPO / "solutions" / ASSIGNMENT / f"{module}.py", target / f"{module}.py")
    source = (HERE / f"{name}.py").read_text()
    for token, value in tokens.items():
        source = source.replace("{" + token + "}", value)
    header = re.match(r"# (module|delete): (\w+)", source)
    assert header, f"submissions/{name}.py must start with '# module: NAME' or '# delete: NAME'"
    path = target / f"{header.group(2)}.py"
    if header.group(1) == "delete":
        path.unlink()
        return target
    # more than one module: each further `# module: NAME` line starts the part appended to that module
    parts = re.split(r"(?m)^# module: (\w+)\n", source)[1:]
    for module, part in zip(parts[::2], parts[1::2]):
        path = target / f"{module}.py"
        path.write_text(path.read_text() + "\n\n# ---- hostile change ----\n" + part)
    return target


def fast(assignment, names, memory_mb=None):
    """The assignment with short time limits on the exercises in `names` (and another memory limit, with the
    time to fill it)."""
    def limits(e):
        changed = replace(e.limits, **(SLOW if memory_mb else FAST)) if e.id in names else e.limits
        return replace(changed, memory_mb=memory_mb) if memory_mb else changed
    # questions=(): the hand-computation questions (answers.yaml) are not code; tests/questions covers them
    return replace(assignment, exercises=tuple(replace(e, limits=limits(e)) for e in assignment.exercises),
                   questions=())


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    """Every hostile submission graded once: {name: GradingRun}, plus what the side channels saw."""
    listener = Listener()
    marker = tmp_path_factory.mktemp("marker") / "unpickled"
    tokens = {"REPO": str(REPO), "PORT": str(listener.port), "MARKER": str(marker), "SLEEP": SLEEP,
              "BIG_LIST": BIG_LIST}
    root = tmp_path_factory.mktemp("hostile")
    assignment = course.assignment(ASSIGNMENT)

    def one(name: str) -> tuple[str, GradingRun, float]:
        folder = materialise(name, root / name, tokens)
        started = time.monotonic()
        memory = SMALL_MEMORY_MB if name == "memory_hog" else None
        run = grade(course, fast(assignment, set(EXPECTED[name]), memory), folder, student="hostile")
        return name, run, time.monotonic() - started

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            runs = {name: (run, seconds) for name, run, seconds in pool.map(one, sorted(EXPECTED))}
    finally:
        listener.close()
    return {"runs": runs, "connections": listener.connections, "marker": marker, "root": root}


def test_every_submission_in_the_folder_has_an_expectation():
    """Is every file in submissions/ graded by this test, and every expectation backed by a file?"""
    assert sorted(p.stem for p in HERE.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_submission_costs_only_what_it_breaks(graded, name):
    """Does the submission lose exactly the exercises it breaks, each case with its own clear message, and
    keep full marks everywhere else?"""
    run, _ = graded["runs"][name]
    for exercise in run.exercises:
        broken = EXPECTED[name].get(exercise.id)
        if broken is None:
            failing = [(c.case, c.status.value, c.message) for c in exercise.cases if not c.passed]
            assert exercise.score == exercise.points, f"{exercise.id} should have full marks: {failing[:3]}"
            continue
        statuses = broken.status if isinstance(broken.status, tuple) else (broken.status,)
        assert exercise.score < exercise.points
        # Cases that expect a ValueError may pass (the reference raised before the change) or fail otherwise; the
        # @cuda copies are skipped where there is no GPU (and take their CPU twin's score).
        assert all(c.status in (*statuses, Status.PASSED, Status.FAILED, Status.SKIPPED) for c in exercise.cases), \
            {c.case: c.status.value for c in exercise.cases if c.status not in statuses}
        if broken.message is None:
            continue
        visible = [c for c in exercise.cases if c.visible and c.status in statuses]
        assert visible and all(re.search(broken.message, c.message + "\n" + c.details, re.S) for c in visible), \
            [c.message for c in visible][:3]
        assert all(c.status is not Status.GRADER_ERROR for c in exercise.cases)


@pytest.mark.parametrize("name", sorted(n for n, broken in EXPECTED.items()
                                         if any(b.status is Status.FORBIDDEN for b in broken.values())))
def test_a_forbidden_api_costs_the_whole_exercise(graded, name):
    """Does an exercise that uses a forbidden API, or code the static scan refuses, get 0 on every case (raising
    cases too), each case FORBIDDEN (or skipped, scored as its CPU twin)?"""
    run, _ = graded["runs"][name]
    for exercise in run.exercises:
        if EXPECTED[name].get(exercise.id, DEPENDENT).status is not Status.FORBIDDEN:
            continue
        assert exercise.score == 0, exercise.id
        assert {c.status for c in exercise.cases} <= {Status.FORBIDDEN, Status.SKIPPED}, \
            {c.case: c.status.value for c in exercise.cases}


def test_the_whole_run_stays_bounded(graded):
    """Does no hostile submission hold the grader for long: an infinite loop costs its exercise's limit only?"""
    seconds = {name: round(s, 1) for name, (_, s) in graded["runs"].items()}
    assert max(seconds.values()) < 90, seconds


def test_output_is_capped_and_results_stay_small(graded):
    """Is a flood of output cut at the cap, said to be truncated, and results.json still small?"""
    run, _ = graded["runs"]["output_flood"]
    assert any("dropped" in note or "truncated" in note or "not shown" in note for note in run.notes) or \
        any("not shown" in c.details for e in run.exercises for c in e.cases)
    assert len(gradescope.dumps(run, "visible").encode()) < 400_000


def test_hidden_cases_show_nothing_the_code_printed_or_raised(graded):
    """Does a hidden case show the student nothing their code printed or put in an exception's message (which can
    be its inputs), in results.json and the text feedback, while staff keep it in run.json and visible cases
    still show it?"""
    from autograder.reporters import text

    run, _ = graded["runs"]["hidden_prints"]
    results = json.loads(gradescope.dumps(run, "visible"))
    hidden = [t for t in results["tests"] if t["output"].startswith("(hidden case)")]
    assert hidden and not [t["output"] for t in hidden if "LEAK" in t["output"]]
    assert "LEAK" not in results["output"]
    assert not [line for line in text.feedback(run).splitlines() if "(hidden)" in line and "LEAK" in line]
    assert not [note for note in run.notes if "LEAK" in note]
    assert "LEAK output_size" in "\n".join(run.staff_notes)  # kept for staff, in run.json
    cases = next(e for e in run.exercises if e.id == "conv_param_count").cases
    assert all("LEAK conv_param_count" in c.staff for c in cases if not c.visible)
    assert all("LEAK conv_param_count" in c.message for c in cases if c.visible)


def test_forged_answers_leave_results_small(graded):
    """Forged answers with names and headers of megabytes (a tensor's dtype, a string, a .npy header): does
    results.json stay small (the dtype used to be repeated whole in a visible message: 10 MB)?"""
    run, _ = graded["runs"]["forged_answer_bombs"]
    assert len(gradescope.dumps(run, "visible").encode()) < 400_000


def test_host_parsing_bombs_stay_small(graded):
    """Do the parsing bomb and the signature bomb cost seconds, not the minute of the old parse, and leave a small
    results.json (the 2 MiB signature is not repeated in every case's message)?"""
    for name in ("parsing_bomb", "signature_bomb"):
        run, seconds = graded["runs"][name]
        assert seconds < 60, (name, seconds)
        assert len(gradescope.dumps(run, "visible").encode()) < 400_000, name


def test_forged_results_do_not_stand(graded, tmp_path):
    """Do the grader's own results stand, whatever files the submission wrote or scores it printed?"""
    run, _ = graded["runs"]["forged_results"]
    results = json.loads(gradescope.dumps(run, "visible"))
    assert results["score"] == pytest.approx(run.score) and run.score < run.max_score
    if ISOLATED:
        assert not Path("/autograder/results/results.json").exists(), "the submission wrote outside its folder"


def test_nothing_is_unpickled_or_executed_on_the_grader(graded):
    """Does an object whose __reduce__ runs a command stay inert (the marker file it would create is absent)?"""
    assert not graded["marker"].exists()


def test_a_speed_forgery_with_forked_helpers_loses_the_speed_case(graded):
    """The red team's posix.fork helpers, SIGCHLD ignored: does the slow loop lose the speed case (or, refused by
    the scan, the exercise), and never pass it?"""
    run, _ = graded["runs"]["posix_fork_speed"]
    exercise = next(e for e in run.exercises if e.id == "conv2d_forward_torch")
    speed = next(c for c in exercise.cases if c.case == "vectorised_speed")
    assert not speed.passed
    if speed.status is Status.FAILED:
        assert "slower than 10x" in speed.message, speed.message
        assert [c.case for c in exercise.cases if not c.passed] == ["vectorised_speed"]


def test_a_worker_kept_alone_reaches_nothing_and_its_threads_count(graded):
    """Where the host no longer sweeps /proc around a worker's calls: did asking daemons' Unix sockets reach nothing
    (the function would raise: every other case passes), and the timed rounds' loop in a thread logging's
    QueueListener started, the function only waiting, make the speed case "slower than 10x"?"""
    run, _ = graded["runs"]["alone_worker"]
    exercise = next(e for e in run.exercises if e.id == "conv2d_forward_torch")
    failing = {c.case: c.message for c in exercise.cases if not c.passed and c.status is not Status.SKIPPED}
    assert list(failing) == ["vectorised_speed"] and "slower than 10x" in failing["vectorised_speed"], failing


def test_no_started_process_outlives_grading(graded):
    """Are the children and double-forked grandchildren of `spawn_children` (and `process_limit`) gone?"""
    survivors = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if SLEEP.encode() in command and state != "Z":
            survivors.append(entry.name)
    assert not survivors


@pytest.mark.skipif(not ISOLATED, reason=NO_NAMESPACES)
def test_network_is_refused(graded):
    """Did the submission that connects to a server on the host's loopback fail to reach it?"""
    assert graded["connections"] == 0


@pytest.mark.skipif(not ISOLATED, reason=NO_NAMESPACES)
def test_the_repository_is_invisible(graded):
    """Could the submission that looks for the solutions (walking up, environment, absolute path) find none?"""
    run, _ = graded["runs"]["read_solutions"]
    cases = next(e for e in run.exercises if e.id == "conv_param_count").cases
    assert all(c.status is Status.FAILED for c in cases)


def test_a_grader_crash_is_its_own_outcome(course, tmp_path, monkeypatch):
    """Does a failure of the grader itself give GRADER_ERROR with the traceback for staff only, not a crash?"""
    import autograder.pipeline as pipeline

    def explode(*args, **kwargs):
        raise RuntimeError("the grader's own bug")

    monkeypatch.setattr(pipeline, "run_calls", explode)
    run = grade(course, course.assignment(ASSIGNMENT), REPO / "solutions" / ASSIGNMENT)
    cases = [c for e in run.exercises if e.id != "questions" for c in e.cases]  # answers.yaml needs no sandbox
    assert {c.status for c in cases} == {Status.GRADER_ERROR}
    assert all("instructor" in c.message and "the grader's own bug" in c.staff for c in cases)
    assert "the grader's own bug" not in gradescope.dumps(run, "visible")


def test_the_protocol_attacks_cost_seconds_not_minutes(graded):
    """Forged answers, a deadline bypass and an announced 4 GB frame are refused at once: each of those
    submissions is graded in well under a minute, and the grader goes on."""
    for name in ("forged_channel", "deadline_bypass", "oversized_frame", "disk_fill"):
        _, seconds = graded["runs"][name]
        assert seconds < 60, (name, seconds)


def test_a_lying_timed_answer_costs_the_speed_case_only(graded):
    """A forged answer to a timed run whose output claims an impossible shape: is it the speed case that fails
    ("could not be timed"), never a grader error, with every other case of the submission graded?"""
    run, _ = graded["runs"]["lying_output_claim"]
    assert not any(c.status is Status.GRADER_ERROR for e in run.exercises for c in e.cases)
    exercise = next(e for e in run.exercises if e.id == "conv2d_forward_torch")
    failing = {c.case: c.message for c in exercise.cases if not c.passed and c.status is not Status.SKIPPED}
    assert list(failing) == ["vectorised_speed"] and "could not be timed" in failing["vectorised_speed"], failing


def test_no_visible_case_shows_what_a_hidden_case_was_given(graded, course):
    """The arguments a function remembers from earlier calls can reach a later visible case's message: are they
    all visible cases' arguments (every visible case runs before any hidden one)?"""
    run, _ = graded["runs"]["hidden_leak_later_visible"]
    from autograder.cases import expand_assignment

    cases = expand_assignment(course, course.assignment(ASSIGNMENT), "hostile")
    dense = {tuple(c.args.values()): c.visible for c in cases if c.exercise == "dense_param_count"}
    shown = [c.message + c.details for e in run.exercises for c in e.cases if c.visible and "leak" in c.message]
    leaked = {tuple(int(v) for v in match) for text in shown
              for match in re.findall(r"\((\d+), (\d+), (\d+), (\d+)\)", text)}
    assert shown and leaked and all(dense.get(args) is True for args in leaked), (leaked, dense)


def test_a_merged_worker_shows_no_hidden_input_of_the_other_module(graded, course):
    """filters.py's conv2d_single and conv_numpy.py's conv2d, both clean, share a worker (groups.merge_clean): the
    images conv2d_single was given reach conv2d's visible messages through a file; are they all visible cases'
    images (every visible case of the merged worker runs before any hidden one)?"""
    import numpy as np

    from autograder.cases import expand_assignment

    run, _ = graded["runs"]["merged_worker_hidden_inputs"]
    cases = expand_assignment(course, course.assignment(ASSIGNMENT), "hostile")
    images = {}
    for case in cases:
        if case.exercise == "conv2d_single":
            image = np.asarray(case.args["image"], dtype=float)
            images.setdefault((tuple(image.shape), round(float(image.sum()), 6)), set()).add(case.visible)
    shown = [c.message for e in run.exercises for c in e.cases if c.visible and "leak" in c.message]
    leaked = {(tuple(json.loads(shape)), round(float(total), 6)) for text in shown
              for shape, total in re.findall(r"\[(\[[\d, ]+\]), (-?[\d.e+-]+)\]", text)}
    assert shown and leaked, shown[:2]
    assert all(True in images.get(image, ()) for image in leaked), (leaked, images)  # a visible case had it
