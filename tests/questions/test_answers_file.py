"""Reading a submission's answers.yaml: untrusted data, refused with `answers.yaml:LINE: ...` when hostile."""
from __future__ import annotations

import os

import pytest

from autograder.questions.answers import MAX_BYTES, parse_answers, read_answers

IDS = ("a", "b", "c")


def test_scalars_lists_and_nulls_are_read_with_their_lines():
    """Are numbers, flat lists and nulls read, each with its line?"""
    sheet = parse_answers("# mine\na: 280\nb: [7, 7, 40]\nc: null\n", IDS)
    assert {q: (a.value, a.line) for q, a in sheet.answers.items()} == {"a": (280, 2), "b": ([7, 7, 40], 3),
                                                                       "c": (None, 4)}
    assert (sheet.found, sheet.error, sheet.problems, sheet.unknown) == (True, None, {}, ())


def test_a_missing_file_is_not_an_error(tmp_path):
    """Is a folder without answers.yaml 'not found', with no error?"""
    sheet = read_answers(tmp_path, IDS)
    assert (sheet.found, sheet.error, sheet.answers) == (False, None, {})


@pytest.mark.parametrize("text, message", [
    ("a: &x [1, 2]\nb: *x\n", "answers.yaml:1: YAML anchors and aliases"),
    ("x: &x [1, 1, 1, 1, 1, 1, 1, 1, 1]\ny: &y [*x, *x, *x, *x, *x, *x, *x, *x, *x]\nz: [*y, *y, *y, *y, *y]\n",
     "answers.yaml:1: YAML anchors and aliases"),
    ("a: !!python/object/apply:os.system [echo hacked]\n", "answers.yaml:1: unsupported YAML tag "
                                                            "tag:yaml.org,2002:python/object/apply:os.system"),
    ("a: [[[[[[1]]]]]]\n", "answers.yaml:1: nested too deeply"),
    ("a: 1\nb: [1, 2\n", "answers.yaml:3: YAML syntax error"),
    ("a: 1\n  b: 2\n", "answers.yaml:2: YAML syntax error"),
    ("a: 1\n---\nb: 2\n", "answers.yaml:2: YAML syntax error"),
    ("- 1\n- 2\n", "answers.yaml:1: expected `question_id: answer` lines, got a list"),
])
def test_hostile_or_broken_files_are_refused_as_a_whole(text, message):
    """Are aliases (a billion laughs), Python tags, deep nesting and syntax errors refused with the line?"""
    sheet = parse_answers(text, IDS)
    assert sheet.error.startswith(message), sheet.error
    assert sheet.answers == {}


@pytest.mark.parametrize("value, message", [
    ("{x: 1}", "answers.yaml:1: a: expected a number or a list of numbers such as [7, 7, 40], got a mapping"),
    ("[1, {x: 1}]", "answers.yaml:1: a: expected a number or a list of numbers such as [7, 7, 40], got a mapping"),
    ("!!python/name:os.system", "answers.yaml:1: a: expected a number or a list of numbers, got a value tagged "
                                "tag:yaml.org,2002:python/name:os.system"),
    ("2024-01-01", "answers.yaml:1: a: expected a number or a list of numbers, got a value tagged "
                   "tag:yaml.org,2002:timestamp"),
    ("!!binary aGVsbG8=", "answers.yaml:1: a: expected a number or a list of numbers, got a value tagged"),
    ("9" * 5000, "answers.yaml:1: a: cannot read '99999999999999999999'"),
    ("0x" + "f" * 5000, "answers.yaml:1: a: cannot read '0xffffffffffffffffff'...: 5002 characters, more than"),
    ('"' + "9" * 5000 + '"', "answers.yaml:1: a: cannot read '99999999999999999999'...: 5000 characters"),
    ("[1, " + "1:" * 3000 + "1]", "answers.yaml:1: a: cannot read '1:1:1:1:1:1:1:1:1:1:'"),
])
def test_a_bad_answer_costs_only_its_question(value, message):
    """Is a non-scalar or tagged answer refused for its question only, the others still read?"""
    sheet = parse_answers(f"a: {value}\nb: 12\n", IDS)
    assert sheet.error is None
    assert sheet.problems["a"].startswith(message), sheet.problems["a"]
    assert {q: a.value for q, a in sheet.answers.items()} == {"b": 12}


def test_duplicates_and_unknown_keys():
    """Is a question answered twice refused, and an unknown key ignored with a note naming the questions?"""
    sheet = parse_answers("a: 1\nzz: 3\nb: 2\na: 4\n", IDS)
    assert sheet.problems == {"a": "answers.yaml:4: a: answered twice (also at line 1); keep one answer"}
    assert sheet.unknown == ("answers.yaml:2: 'zz' is no question of this assignment (ignored); the questions "
                             "are a, b, c",)
    assert {q: a.value for q, a in sheet.answers.items()} == {"b": 2}


def test_an_empty_file_answers_nothing():
    assert parse_answers("# nothing yet\n", IDS).answers == {}


def test_a_huge_file_is_not_read(tmp_path):
    """Is a file over the size limit refused before it is read?"""
    (tmp_path / "answers.yaml").write_text("a: 1\n" + "#" * MAX_BYTES)
    sheet = read_answers(tmp_path, IDS)
    assert sheet.error == f"answers.yaml: {MAX_BYTES + 5} bytes is more than the 64 KiB accepted; it holds one " \
                          f"short line per question"


def test_a_link_is_not_followed(tmp_path):
    """Is answers.yaml as a symbolic link (to a file of the grading machine) refused unread?"""
    secret = tmp_path / "secret.yaml"
    secret.write_text("a: 42\n")
    (tmp_path / "sub").mkdir()
    os.symlink(secret, tmp_path / "sub" / "answers.yaml")
    sheet = read_answers(tmp_path / "sub", IDS)
    assert sheet.error == "answers.yaml: is a link; submit it as a plain text file"
    assert "42" not in sheet.error


def test_a_folder_or_bad_encoding_is_refused(tmp_path):
    (tmp_path / "answers.yaml").mkdir()
    assert read_answers(tmp_path, IDS).error == "answers.yaml: is not a regular file; submit it as a plain text file"
    (tmp_path / "answers.yaml").rmdir()
    (tmp_path / "answers.yaml").write_bytes(b"a: 1\nb: \xff\n")
    assert read_answers(tmp_path, IDS).error.startswith("answers.yaml:2: not UTF-8 text")
