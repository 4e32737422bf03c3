"""Does `captured` keep everything a block writes off stderr (prints, warnings, descriptor 2), and put it back?"""
from __future__ import annotations

import os
import sys
import warnings

from autograder.nbgrader.capture import captured


def test_prints_warnings_and_descriptor_2_are_captured(capfd):
    with captured() as output:
        print("out")
        print("err", file=sys.stderr)
        for _ in range(3):
            warnings.warn("careful", UserWarning)  # the same warning, kept once
        os.write(2, b"from C\n")
    assert capfd.readouterr() == ("", "")
    assert output.text.startswith("out\nerr\nfrom C\n")
    assert output.text.count("UserWarning: careful (test_capture.py:") == 1


def test_streams_and_descriptor_2_are_restored_after_an_exception(capfd):
    stdout, stderr = sys.stdout, sys.stderr
    try:
        with captured():
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert (sys.stdout, sys.stderr) == (stdout, stderr)
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "after\n"


def test_an_inner_block_takes_what_is_written_inside_it(capfd):
    with captured() as outer:
        print("outer")
        with captured() as inner:
            os.write(2, b"inner C\n")
            print("inner")
    assert inner.text == "inner\ninner C\n"
    assert outer.text == "outer\n"
    assert capfd.readouterr() == ("", "")


def test_output_beyond_the_limit_is_dropped_and_counted():
    with captured(limit=10) as output:
        print("x" * 25)
    assert output.text == "x" * 10 + "\n[16 more characters of output dropped]\n"


def test_loggings_default_handler_is_captured(capfd):
    import logging

    logger = logging.getLogger("a.student.logger")
    logger.propagate = False  # no handler anywhere (pytest adds one to the root): logging's last resort writes
    with captured() as output:
        logger.warning("logged")
    assert output.text == "logged\n" and capfd.readouterr() == ("", "")
