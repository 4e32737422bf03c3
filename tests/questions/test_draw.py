"""Per-student variants: params from the course seed and the student id, answers from the reference."""
from __future__ import annotations

import dataclasses

from autograder.questions.draw import answer_key, answer_of, check_questions, draw_all
from autograder.reference import ReferenceSolutions

STUDENTS = [f"2024{n:05d}" for n in range(50)]


def test_students_get_different_parameters(course, assignment):
    """Over 50 student ids, does every question come in many different versions?"""
    drawn = [draw_all(course, assignment, s) for s in STUDENTS]
    for number, question in enumerate(assignment.questions):
        versions = {tuple(sorted(variants[number].params.items())) for variants in drawn}
        assert len(versions) >= 40, question.id


def test_the_same_id_gives_the_same_variant(course, assignment):
    """Is a variant a function of the course seed and the student id only, pinned across runs and machines?"""
    assert [v.params for v in draw_all(course, assignment, "alice")] == \
        [v.params for v in draw_all(course, assignment, "alice")]
    # Pinned: sha256-based seeding does not depend on the Python process (solutions/.../answers.yaml relies on it).
    assert [v.params for v in draw_all(course, assignment)][:2] == [{"n": 33, "f": 1, "c": 32},
                                                                  {"n": 26, "f": 7, "p": 3, "s": 2}]
    assert draw_all(course, assignment, "")[0].params == draw_all(course, assignment, None)[0].params


def test_the_course_seed_changes_every_variant(course, assignment):
    """Does another course seed (a new term) redraw the questions?"""
    new_term = dataclasses.replace(course, seed=course.seed + 1)
    assert draw_all(course, assignment, "alice")[0].params != draw_all(new_term, assignment, "alice")[0].params


def test_answers_follow_the_lecture_formulas(course, assignment):
    """Is each student's answer the one the lecture's formulas give for their params (so the YAML passes the
    params to the right arguments)?"""
    reference = ReferenceSolutions(assignment.solutions, assignment.id)
    for student in STUDENTS:
        layer, size, cnn = draw_all(course, assignment, student)
        p = layer.params
        assert answer_of(layer, reference) == (p["f"] * p["f"] * p["c"] + 1) * p["n"]
        p = size.params
        assert answer_of(size, reference) == (p["n"] + 2 * p["p"] - p["f"]) // p["s"] + 1
        p = cnn.params
        h, w = p["h"], p["w"]
        for k in range(1, p["layer"] + 1):
            f, s, pad = p[f"f{k}"], p[f"s{k}"], p[f"p{k}"]
            h, w = (h + 2 * pad - f) // s + 1, (w + 2 * pad - f) // s + 1
        assert answer_of(cnn, reference) == (h, w, p[f"n{p['layer']}"])


def test_every_variant_has_valid_geometry(course, assignment):
    """Do the param ranges give a valid question (the reference answers it) for 300 students?"""
    assert check_questions(course, assignment, [None, *(f"s{n}" for n in range(300))]) == []


def test_the_default_variant_is_what_the_reference_answers(course, assignment):
    """Does solutions/<id>/answers.yaml hold the default variant's answers?"""
    import yaml

    written = yaml.safe_load((assignment.solutions / "answers.yaml").read_text())
    key = answer_key(course, assignment)
    assert {q: tuple(v) if isinstance(v, list) else v for q, v in written.items()} == key
    assert answer_key(course, assignment, "alice") != key
