"""Hand-computation questions (autograder.questions): prompts with per-student params and how each answer is
computed from the reference solutions."""
from __future__ import annotations

import re

from autograder.spec.model import AnswerSpec, QuestionSpec
from autograder.spec.nodes import Node, labelled_by, matching, one_of, optional, positive_number, unique
from autograder.spec.solutions import MISTAKES_MODULE, Solutions
from autograder.spec.values import Scope, int_or_ref, read_args, read_params


ANSWER_TYPES = ("integer", "shape")

_QUESTION_ID = re.compile(r"[a-z0-9_]+")

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def read_questions(n: Node, solutions: Solutions) -> tuple[QuestionSpec, ...]:
    seen: dict[str, int] = {}
    return tuple(_question(item, solutions, seen) for item in n.items(minimum=1))


def _question(n: Node, solutions: Solutions, seen: dict[str, int]) -> QuestionSpec:
    """One `{id, title, points, params, prompt, answer}`: the answer's function exists in the solutions and takes
    the arguments given, and every `{name}` of the prompt is a param."""
    n = labelled_by(n, "id")
    spec = n.mapping(("id", "title", "points", "prompt", "answer"), ("params",))
    question_id = matching(spec["id"], _QUESTION_ID, "a question id of lower-case letters, digits and _")
    unique(spec["id"], question_id, seen, "question id")
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
    return QuestionSpec(id=question_id, title=title, points=positive_number(spec["points"]), prompt=prompt,
                        params=params, answer=_answer(spec["answer"], solutions, Scope(names)),
                        location=n.location)


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
