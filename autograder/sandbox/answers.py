"""The worker's answers as the host reads them: every field checked, bounded, and of the type it must have.

An answer comes from the student's process, which may have written it itself, so nothing in it is taken as it is:
texts are cut to a bound, lists of names are kept only from a fixed vocabulary (the call's own argument names and
forbidden list), values go through the strict codec, and anything malformed is a ProtocolBreak (the case fails,
the worker is replaced), never an exception of the grader's.
"""
from __future__ import annotations

from autograder import codec
from autograder.sandbox.process import ProtocolBreak
from autograder.sandbox.protocol import Call, ModuleLoad, Outcome, OutcomeKind
from autograder.sandbox.static.families import guarded

def text(data: object, key: str, limit: int) -> str:
    value = data.get(key, "") if isinstance(data, dict) else ""
    return value[:limit] if isinstance(value, str) else ""


def _names(data: object, key: str) -> tuple[str, ...]:
    value = data.get(key, []) if isinstance(data, dict) else []
    if not isinstance(value, list):
        raise ProtocolBreak(f"'{key}' is not a list")
    return tuple(v[:200] for v in value[:100] if isinstance(v, str))


def module_load(module: str, answer: dict) -> ModuleLoad:
    if answer.get("module") != module or not isinstance(answer.get("ok"), bool):
        raise ProtocolBreak("an import answer for another module, or without 'ok'")
    stdout = text(answer, "stdout", 8000)
    if answer["ok"]:
        functions = answer.get("functions")
        if not isinstance(functions, dict):
            raise ProtocolBreak("an import answer without 'functions'")
        return ModuleLoad(module, True, functions={str(k)[:200]: (v[:8192] if isinstance(v, str) else None)
                                                   for k, v in list(functions.items())[:100]}, stdout=stdout)
    error = answer.get("error") if isinstance(answer.get("error"), dict) else {}
    return ModuleLoad(module, False, message=_import_message(module, error), traceback=text(error, "traceback", 8000),
                      stdout=stdout)


def _import_message(module: str, error: dict) -> str:
    location = error.get("location")
    valid = isinstance(location, list) and len(location) == 2 and isinstance(location[0], str) \
        and type(location[1]) is int
    where = f"{location[0][:200]}, line {location[1]}" if valid else f"{module}.py"
    return f"{module}.py could not be imported ({where}): {text(error, 'type', 200) or 'Error'}: " \
           f"{text(error, 'message', 2000)}"


def _hits(answer: dict, call: Call) -> tuple[str, ...]:
    """The forbidden APIs the worker's guards caught, as names of the call's forbidden list and its families
    (`aten::max_pool2d_with_indices` for the dispatcher's guard): a fixed vocabulary, never the worker's text."""
    reported = _names(answer, "forbidden")
    if not reported:
        return ()
    known = [name for name in guarded(call.forbidden) if name in reported]
    return tuple(dict.fromkeys(known)) or ("a forbidden API",)


def outcome(answer: dict, call: Call, mutated: list[str], seconds: float, spilled=None) -> Outcome:
    """The outcome of one call from the worker's answer; ProtocolBreak when the answer is malformed. `spilled`
    reads the array the worker put in the call's arena slot, where the host offered one (codec.decode)."""
    kind = answer.get("kind")
    # Names the worker reports are kept only from a fixed vocabulary (the call's own argument names and forbidden
    # list): free text from the student's process could carry a hidden case's inputs into the student's feedback.
    changed = [name for name in _names(answer, "changed") if name in call.args]
    common = {"seconds": seconds, "stdout": text(answer, "stdout", 8000),
              "mutated": tuple(dict.fromkeys([*mutated, *changed])), "forbidden": _hits(answer, call)}
    if kind == "returned":
        if "value" not in answer:
            raise ProtocolBreak("a result without a value")
        try:
            value = codec.decode(answer["value"], spilled=spilled)
        except (codec.CodecError, ValueError, TypeError, RecursionError) as error:
            return Outcome(OutcomeKind.RAISED, error_type="ReturnValueError",
                           message=f"the returned value could not be read: {str(error)[:300]}", **common)
        return Outcome(OutcomeKind.RETURNED, value=value, **common)
    if kind == "raised":
        error = answer.get("error")
        if not isinstance(error, dict):
            raise ProtocolBreak("an exception without its description")
        mro = tuple(v[:200] for v in error.get("mro", [])[:20] if isinstance(v, str)) \
            if isinstance(error.get("mro"), list) else ()
        return Outcome(OutcomeKind.RAISED, error_type=text(error, "type", 200) or "Exception", error_mro=mro,
                       message=text(error, "message", 2000), traceback=text(error, "traceback", 8000), **common)
    if kind == "missing":
        return Outcome(OutcomeKind.MISSING, message=f"{call.module}.py has no function {call.function}")
    raise ProtocolBreak(f"a result of unknown kind {str(kind)[:40]!r}")
