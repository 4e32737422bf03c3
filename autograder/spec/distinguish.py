"""`distinguish:` on a question or a random case: the known mistakes every drawn variant must tell apart from the
right answer (docs/variants.md, "Variants that tell mistakes apart"). Checked here as far as reading can: each
name is a listed mistake of the exercise or a function of the mistakes module that takes the call's arguments.
Whether the params' ranges allow it is proved by running them (autograder.distinguish, `autograder validate`)."""
from __future__ import annotations

from autograder.spec.model import Distinction, MistakeSpec
from autograder.spec.nodes import Node, identifier
from autograder.spec.solutions import Signature, Solutions


def read_distinguish(n: Node, solutions: Solutions, signature: Signature,
                     mistakes: tuple[MistakeSpec, ...] = ()) -> tuple[Distinction, ...]:
    """A list of names: a mistake id of `mistakes` (the exercise's `mistakes:`) or a function of mistakes.py,
    which is called with the same keyword arguments as `signature`."""
    listed = {m.id: m.function for m in mistakes}
    found: dict[str, Distinction] = {}
    for item in n.items(minimum=1):
        name = identifier(item, "a known mistake (a mistake id of the exercise or a function of mistakes.py)")
        function = listed.get(name, name)
        if function in {d.function for d in found.values()}:
            raise item.error(f"{name!r} names a mistake listed already; list each once")
        wrong = solutions.mistake(item, function)
        missing = [k for k in signature.keywords if k not in wrong.keywords and not wrong.any_keyword]
        extra = [k for k in wrong.required if k not in signature.keywords]
        if missing or extra:
            problem = (f"does not take {', '.join(map(repr, missing))}" if missing
                       else f"requires {', '.join(map(repr, extra))}, which {signature.function} does not take")
            raise item.error(f"{wrong} {problem}; a mistake is called with the arguments of {signature}")
        found[name] = Distinction(name=name, function=function, location=item.location)
    return tuple(found.values())
