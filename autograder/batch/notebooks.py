"""A Jupyter notebook's code as a Python module, as nbgrader submissions hold `<module>.ipynb`, and the answer
cells of `questions.ipynb` as an answers.yaml.

The code cells are concatenated in order, leaving out nbgrader's autograder test cells (metadata
`nbgrader: {grade: true, solution: false}`: the instructor's tests, not the student's code) and IPython-only
lines (magics `%...` and shell escapes `!...`), which are not Python. `from __future__` imports move to the
top, where Python requires them.

A notebook is the student's data, read on the host: one of more than MAX_NOTEBOOK_BYTES is refused unread, and
whatever `json` refuses (malformed JSON, an integer of more digits than Python converts, nesting deeper than the
parser's recursion limit) or a cell of the wrong shape makes the submission ungradable with the notebook's name
and the reason. The module it becomes is capped like any other (autograder/intake.py).

The answers are the Markdown answer cells of the questions' notebook (grade id `<question>_answer`,
autograder.nbgrader.questions), each turned into one quoted YAML string, so that whatever a student writes in
one cell is that question's answer only; the questions' grader (autograder.questions) reads them as it reads
a submitted answers.yaml.
"""
from __future__ import annotations

import json
from typing import Any

from autograder.batch.unzip import SubmissionRejected
from autograder.nbgrader.questions import ANSWER_STUB, NOTEBOOK as QUESTIONS_NOTEBOOK, answer_id

__all__ = ["MAX_NOTEBOOK_BYTES", "QUESTIONS_NOTEBOOK", "notebook_answers", "notebook_to_module"]

MAX_NOTEBOOK_BYTES = 8 * 1024 * 1024
"""One notebook file, outputs (plots) included; the code in it is capped at 256 KiB afterwards, as a module."""


def notebook_to_module(content: bytes, where: str) -> str:
    """The module's source; SubmissionRejected naming `where` when the notebook cannot be read."""
    chunks, futures = [], []
    for number, cell in enumerate(_cells(content, where), start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code" or _is_test_cell(cell):
            continue
        lines = [line for line in _text(cell, number, where).splitlines()
                 if not line.lstrip().startswith(("%", "!"))]
        futures += [line for line in lines if line.startswith("from __future__ import")]
        lines = [line for line in lines if not line.startswith("from __future__ import")]
        if any(line.strip() for line in lines):
            chunks.append(f"# cell {number}\n" + "\n".join(lines).rstrip() + "\n")
    header = "".join(f"{line}\n" for line in dict.fromkeys(futures))
    return header + "\n\n".join(chunks)


def cell_lines(content: bytes, where: str) -> tuple[tuple[int, str], ...]:
    """Where each code cell's code starts in the module `notebook_to_module` makes: (line, the cell's name), the
    name being nbgrader's grade id where the cell has one (`conv2d_solution`), else `cell N` (its place among
    all the notebook's cells), so that a line number in a message can be found in the notebook."""
    cells = _cells(content, where)
    starts = []
    for number, line in enumerate(notebook_to_module(content, where).splitlines(), start=1):
        number_text = line[7:]  # `# cell ³` or 5000 digits, typed by the student, are digits no int() reads
        if line.startswith("# cell ") and number_text.isascii() and number_text.isdigit() \
                and len(number_text) <= 9 and 1 <= int(number_text) <= len(cells):
            cell = cells[int(line[7:]) - 1]
            meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
            nbgrader = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
            grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
            starts.append((number + 1, grade_id if isinstance(grade_id, str) and grade_id else line[2:]))
    return tuple(starts)


def notebook_answers(content: bytes, where: str, questions: tuple[str, ...]) -> str:
    """answers.yaml's text from the questions' notebook: one `question: "answer"` line per question in
    `questions` (`null` where the answer cell is missing, empty or still `YOUR ANSWER HERE`)."""
    answers: dict[str, str] = {}
    wanted = {answer_id(q): q for q in questions}
    for number, cell in enumerate(_cells(content, where), start=1):
        meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
        nbgrader = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
        grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
        question = wanted.get(grade_id) if isinstance(grade_id, str) else None  # a list is no key: the student's
        if question is not None and question not in answers:  # a copied cell: the first one counts, as in nbgrader
            answers[question] = " ".join(_text(cell, number, where).replace(ANSWER_STUB, " ").replace("`", " ")
                                         .replace("*", " ").split())
    lines = [f"# The answer cells of {where}"]
    lines += [f"{q}: {_quoted(answers[q]) if answers.get(q) else 'null'}" for q in questions]
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar of printable ASCII that YAML reads back as `text`. Not JSON's
    escapes: YAML reads `"\\ud83d\\ude00"` (JSON's 😀) as two lone surrogates, which no file can hold."""
    escaped = (ch if 0x20 <= ord(ch) < 0x7F and ch not in '"\\' else
               f"\\{ch}" if ch in '"\\' else f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"
               for ch in text)
    return '"' + "".join(escaped) + '"'


def _cells(content: bytes, where: str) -> list:
    if len(content) > MAX_NOTEBOOK_BYTES:
        raise SubmissionRejected(f"{where}: {len(content) / 2**20:.1f} MiB, more than the "
                                 f"{MAX_NOTEBOOK_BYTES // 2**20} MiB a notebook may have; clear its outputs "
                                 f"(Kernel > Restart & Clear Output) and submit it again")
    try:
        notebook = json.loads(content.decode("utf-8"))
        if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
            raise TypeError("no list of `cells`")
        return notebook["cells"]
    except RecursionError:
        raise SubmissionRejected(f"{where}: not a Jupyter notebook (nested too deeply)") from None
    except (ValueError, TypeError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors, and so
        # is "Exceeds the limit (4300 digits) for integer string conversion"
        raise SubmissionRejected(f"{where}: not a Jupyter notebook ({type(error).__name__}: "
                                 f"{str(error)[:200]})") from None


def _text(cell: dict[str, Any], number: int, where: str) -> str:
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        source = "".join(source)
    if isinstance(source, str):
        # JSON may escape a lone surrogate (`"\ud800"`), which is no character: it cannot be written as UTF-8
        # (the module, answers.yaml); it becomes U+FFFD, as undecodable bytes of a .py file do (intake.py)
        return source.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    raise SubmissionRejected(f"{where}: cell {number}: its `source` is not text (a string or a list of "
                             f"strings); is this a notebook saved by Jupyter?")


def _is_test_cell(cell: dict[str, Any]) -> bool:
    meta = cell.get("metadata", {})
    nbgrader = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return isinstance(nbgrader, dict) and bool(nbgrader.get("grade")) and not nbgrader.get("solution", False)
