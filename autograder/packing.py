"""Concrete cases → a case pack (autograder.casepack): expected values from the reference solutions and each
known mistake's output, computed at build time on the instructor's side (trusted code only), so that the
student's copy (kit or notebook) can check and diagnose without solutions/ or mistakes.py."""
from __future__ import annotations

from autograder.casepack import CasePack, MistakeOutput, PackedCase, PackedMistake
from autograder.cases import Case, case_maxima
from autograder.reference import ReferenceSolutions, expected_for
from autograder.spec import MISTAKES_MODULE, ExerciseSpec


def packed_exercise(exercise: ExerciseSpec, all_cases: list[Case], chosen: list[Case],
                    reference: ReferenceSolutions, with_mistakes: bool = True) -> list[PackedCase]:
    """The `chosen` cases of the exercise packed; `all_cases` are every case of the exercise, over which its
    points are shared (so a visible case is worth in the pack what it is worth when graded)."""
    shares = dict(zip((c.key for c in all_cases), case_maxima(exercise.points, all_cases)))
    return [_packed(case, shares[case.key], exercise, reference, with_mistakes) for case in chosen]


def _packed(case: Case, share: float, exercise: ExerciseSpec, reference: ReferenceSolutions,
            with_mistakes: bool) -> PackedCase:
    expected = expected_for(case, exercise.module, reference)
    mistakes = {}
    if with_mistakes and case.device != "cuda" and case.speed is None:  # as autograder.diagnose.attempts
        for mistake in exercise.mistakes:
            value, error = reference.call(MISTAKES_MODULE, mistake.function, case.args)
            mistakes[mistake.id] = MistakeOutput(raises=type(error).__name__) if error is not None \
                else MistakeOutput(value=value)
    return PackedCase(exercise=exercise.id, name=case.name, visible=case.visible, max_score=share, args=case.args,
                      expected=expected.value, raises=expected.raises, note=case.note, weight=case.weight,
                      device=case.device, twin=case.twin, mistakes=mistakes, speed=case.speed)


def pack_mistakes(exercises: list[ExerciseSpec]) -> tuple[PackedMistake, ...]:
    """The exercises' known mistakes as the pack names them: id and message."""
    return tuple(PackedMistake(exercise=e.id, id=m.id, message=m.message) for e in exercises for m in e.mistakes)


def pack(exercises: list[ExerciseSpec], cases: list[PackedCase]) -> CasePack:
    return CasePack(cases=tuple(cases), mistakes=pack_mistakes(exercises))
