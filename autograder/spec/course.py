"""course.yaml: the course's identity, seed, defaults, sandbox and GPU settings, and its assignments."""
from __future__ import annotations

import re
from pathlib import Path

from autograder.spec.assignment import load_assignment
from autograder.spec.budget import DEFAULT_GRADING_SECONDS, check_budget, grading_seconds
from autograder.spec.late import optional_late
from autograder.spec.model import Comparison, CourseSpec, Limits, Reporting, StudentIdRule
from autograder.spec.nodes import Node, display, matching, one_of, optional, read_yaml, unique
from autograder.spec.settings import COMPARE_READERS, LIMIT_READERS, REPORTING_READERS, override


ISOLATIONS = ("auto", "namespaces", "process")

CUDA_UNAVAILABLE = ("cpu", "drop")

_FOLDER_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def load_course(root: Path) -> CourseSpec:
    """Read and validate `root/course.yaml` and its assignments."""
    root = Path(root)
    course = read_yaml(root / "course.yaml", root).mapping(("code", "title", "term", "seed", "assignments"),
                                                             ("defaults", "sandbox", "gpu", "late", "student_id"))
    code, title, term = (course[key].string() for key in ("code", "title", "term"))
    seed = course["seed"].integer()
    defaults = optional(course, "defaults", lambda n: n.mapping((), ("limits", "compare", "reporting")), {})
    limits = override(defaults.get("limits"), Limits(), LIMIT_READERS)
    compare = override(defaults.get("compare"), Comparison(), COMPARE_READERS)
    reporting = override(defaults.get("reporting"), Reporting(), REPORTING_READERS)
    sandbox = optional(course, "sandbox", lambda n: n.mapping((), ("isolation", "warm_pool", "disk_mb",
                                                                   "grading_seconds")), {})
    isolation = optional(sandbox, "isolation", lambda n: one_of(n, ISOLATIONS), "auto")
    warm_pool = optional(sandbox, "warm_pool", Node.boolean, True)
    disk_mb = optional(sandbox, "disk_mb", _disk_mb, 256)
    budget = optional(sandbox, "grading_seconds", grading_seconds, DEFAULT_GRADING_SECONDS)
    gpu = optional(course, "gpu", lambda n: n.mapping((), ("cuda_unavailable",)), {})
    cuda_unavailable = optional(gpu, "cuda_unavailable", lambda n: one_of(n, CUDA_UNAVAILABLE), "cpu")
    late = optional_late(course)
    student_id = optional(course, "student_id", _student_id, StudentIdRule())
    assignments, seen = [], {}
    for item in course["assignments"].items(minimum=1):
        assignment_id = matching(item, _FOLDER_NAME, "an assignment id (a folder name: letters, digits, _ . -)")
        unique(item, assignment_id, seen, "assignment id")
        folder = root / "assignments" / assignment_id
        if not folder.is_dir():
            raise item.error(f"no folder {display(folder, root)}/ for this assignment; create it with its "
                             f"assignment.yaml, or remove {assignment_id!r} from the list")
        assignments.append(load_assignment(folder / "assignment.yaml", root, limits, compare,
                                           hidden_detail=reporting.hidden_detail, late=late))
    for assignment in assignments:
        check_budget(sandbox.get("grading_seconds"), budget, assignment, display(root / "course.yaml", root))
    return CourseSpec(code=code, title=title, term=term, seed=seed, limits=limits, compare=compare,
                      reporting=reporting, assignments=tuple(assignments), root=root, isolation=isolation,
                      warm_pool=warm_pool, disk_mb=disk_mb, cuda_unavailable=cuda_unavailable,
                      grading_seconds=budget, student_id=student_id)


def _disk_mb(n: Node) -> int:
    value = n.integer()
    if not 16 <= value <= 65536:
        raise n.error(f"disk_mb must be between 16 and 65536 (MB), not {value}")
    return value


STUDENT_ID_CASES = ("sensitive", "insensitive")


def _student_id(n: Node) -> StudentIdRule:
    """`student_id: {pattern: "s[0-9]{7}", case: insensitive, example: s2026042}`: every key optional."""
    spec = n.mapping((), ("pattern", "case", "example"))
    pattern = optional(spec, "pattern", Node.string)
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as error:
            raise spec["pattern"].error(f"not a regular expression: {error}") from None
        if re.fullmatch(pattern, "") is not None:
            raise spec["pattern"].error("the pattern matches an empty id; require at least one character")
    case = optional(spec, "case", lambda c: one_of(c, STUDENT_ID_CASES), "sensitive")
    rule = StudentIdRule(pattern=pattern, case_sensitive=case == "sensitive",
                         example=optional(spec, "example", lambda e: str(e.scalar()), ""))
    if rule.example and pattern is not None and rule.compiled().fullmatch(rule.example.strip()) is None:
        raise spec["example"].error(f"{rule.example!r} does not match the pattern {pattern!r}")
    return rule
