"""Hand-computation questions (autograder.questions): prompts with per-student params and how each answer is
computed from the reference solutions."""
from __future__ import annotations

import re

from autograder.spec.distinguish import read_distinguish
from autograder.spec.model import AnswerSpec, ExerciseSpec, QuestionSpec
from autograder.spec.nodes import Node, labelled_by, matching, one_of, optional, positive_number, unique
from autograder.spec.solutions import MISTAKES_MODULE, Solutions
from autograder.spec.values import Scope, int_or_ref, read_args, read_params


ANSWER_TYPES = ("integer", "shape")

_QUESTION_ID = re.compile(r"[a-z0-9_]+")

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def read_questions(n: Node, solutions: Solutions, exercises: tuple[ExerciseSpec, ...] = ()) -> tuple[QuestionSpec, ...]:
    seen: dict[str, int] = {}
    return tuple(_question(item, solutions, seen, exercises) for item in n.items(minimum=1))


def _question(n: Node, solutions: Solutions, seen: dict[str, int],
              exercises: tuple[ExerciseSpec, ...] = ()) -> QuestionSpec:
    """One `{id, title, points, params, prompt, answer, distinguish}`: the answer's function exists in the
    solutions and takes the arguments given, every `{name}` of the prompt is a param, and every mistake to
    distinguish takes the answer function's arguments."""
    n = labelled_by(n, "id")
    spec = n.mapping(("id", "title", "points", "prompt", "answer"), ("params", "distinguish"))
    question_id = matching(spec["id"], _QUESTION_ID, "a question id of lower-case letters, digits and _")
    unique(spec["id"], question_id, seen, "question id")
    if question_id == "student_id":  # answers.yaml records the student id under it (autograder.questions.answers)
        raise spec["id"].error("`student_id` is the key answers.yaml records the student id under; rename the question")
    title = spec["title"].string()
    if "\n" in title.strip():
        raise spec["title"].error("a title is one line; put the question itself in `prompt`")
    params = optional(spec, "params", read_params, ())
    names = tuple(name for name, _ in params)
    prompt = spec["prompt"].string()
    for field in _PLACEHOLDER.findall(prompt.replace("{{", "").replace("}}", "")):
        if field not in names:
            raise spec["prompt"].error(f"placeholder {{{field}}} names no param; params: {', '.join(names) or 'none'}"
                                       f" (write {{{{ and }}}} for literal braces)")
    answer = _answer(spec["answer"], solutions, Scope(names))
    exercise = next((e for e in exercises if (e.module, e.id) == (answer.module, answer.function)), None)
    distinguish = optional(spec, "distinguish", lambda d: read_distinguish(
        d, solutions, solutions.signature(spec["answer"], answer.module, spec["answer"], answer.function),
        exercise.mistakes if exercise else ()), ())
    return QuestionSpec(id=question_id, title=title, points=positive_number(spec["points"]), prompt=prompt,
                        params=params, answer=answer, location=n.location, distinguish=distinguish)


def _answer(n: Node, solutions: Solutions, scope: Scope) -> AnswerSpec:
    """`{function: module.name, args: {...}, type: integer|shape, item: k}`."""
    spec = n.mapping(("function", "args", "type"), ("item",))
    dotted = matching(spec["function"], re.compile(r"[A-Za-z_]\w*\.[A-Za-z_]\w*"),
                       "module.function of the reference solutions: MODULE.FUNCTION for the function "
                       "FUNCTION of solutions/<assignment id>/MODULE.py")
    module, function = dotted.split(".")
    if module == MISTAKES_MODULE:
        raise spec["function"].error(f"{MISTAKES_MODULE}.py holds wrong implementations; name a reference module")
    signature = solutions.signature(spec["function"], module, spec["function"], function)
    item = None
    if "item" in spec:
        item = int_or_ref(spec["item"], scope, minimum=1)
    return AnswerSpec(module=module, function=function, args=read_args(spec["args"], signature, scope),
                      type=one_of(spec["type"], ANSWER_TYPES), item=item)
