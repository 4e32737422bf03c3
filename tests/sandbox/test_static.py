"""Static scan for forbidden APIs: aliases resolved, helpers followed, line numbers right."""
from __future__ import annotations

import textwrap

from autograder.sandbox.static import Use, forbidden_uses, scan_submission

CONV = ("torch.nn.functional.conv2d",)


def uses(source: str, function: str = "f", forbidden: tuple[str, ...] = CONV) -> list[Use]:
    return forbidden_uses(textwrap.dedent(source).lstrip("\n"), function, forbidden)


def test_full_dotted_name_is_found():
    """Is `torch.nn.functional.conv2d(...)` after `import torch` reported with its line?"""
    found = uses("""
        import torch

        def f(x, w):
            return torch.nn.functional.conv2d(x, w)
    """)
    assert found == [Use("torch.nn.functional.conv2d", 4)]


def test_import_as_alias():
    """Is `F.conv2d` after `import torch.nn.functional as F` reported?"""
    found = uses("""
        import torch.nn.functional as F
        def f(x, w):
            y = x + 1
            return F.conv2d(y, w)
    """)
    assert found == [Use("torch.nn.functional.conv2d", 4)]


def test_from_import_module():
    """Is `nn.functional.conv2d` after `from torch import nn` reported?"""
    found = uses("""
        from torch import nn

        def f(x, w):
            return nn.functional.conv2d(x, w)
    """)
    assert [u.line for u in found] == [4]


def test_from_import_function_as_alias():
    """Is a bare `c(...)` after `from torch.nn.functional import conv2d as c` reported?"""
    found = uses("""
        from torch.nn.functional import conv2d as c
        def f(x, w):
            return c(x, w)
    """)
    assert found == [Use("torch.nn.functional.conv2d", 3)]


def test_reference_without_call_is_found():
    """Is merely naming the function (`op = F.conv2d`) reported too?"""
    found = uses("""
        import torch.nn.functional as F
        def f(x, w):
            op = F.conv2d
            return op(x, w)
    """)
    assert [u.line for u in found] == [3]


def test_import_inside_the_function():
    """Is an alias imported inside the function itself resolved?"""
    found = uses("""
        def f(x, w):
            import torch.nn.functional as G
            return G.conv2d(x, w)
    """)
    assert [u.line for u in found] == [3]


def test_transitive_helpers_are_followed():
    """Is a forbidden use two helper calls away reported, at the helper's line?"""
    found = uses("""
        import torch.nn.functional as F

        def f(x, w):
            return helper(x, w)

        def helper(x, w):
            return deeper(x, w) * 2

        def deeper(x, w):
            return F.conv2d(x, w)
    """)
    assert found == [Use("torch.nn.functional.conv2d", 10)]


def test_recursive_helpers_terminate():
    """Do mutually recursive helpers not loop forever?"""
    found = uses("""
        import torch
        def f(x):
            return g(x)
        def g(x):
            return f(x) if x else torch.nn.functional.conv2d(x, x)
    """)
    assert [u.line for u in found] == [5]


def test_functions_not_reached_are_ignored():
    """Are forbidden uses in functions the exercise does not call, and at module level, ignored?"""
    found = uses("""
        import torch.nn.functional as F
        CHECK = F.conv2d

        def f(x, w):
            return x * w

        def other(x, w):
            return F.conv2d(x, w)
    """)
    assert found == []


def test_allowed_names_are_not_reported():
    """Are other attributes of the same module, and similar names, left alone?"""
    found = uses("""
        import torch.nn.functional as F
        import torch
        def f(x, w):
            a = F.relu(x)
            b = torch.conv2d
            c = F.conv2d_transpose if False else None
            return F
    """)
    assert found == []


def test_several_uses_in_line_order():
    """Are several forbidden names reported each at its own line, sorted by line?"""
    forbidden = ("torch.nn.functional.conv2d", "numpy.convolve", "torch.nn.Conv2d")
    found = uses("""
        import numpy as np
        from torch import nn
        import torch.nn.functional as F

        def f(x, w):
            layer = nn.Conv2d(1, 1, 3)
            y = np.convolve(x, w)
            return F.conv2d(x, w), F.conv2d(y, w)
    """, forbidden=forbidden)
    assert found == [Use("torch.nn.Conv2d", 6), Use("numpy.convolve", 7), Use("torch.nn.functional.conv2d", 8)]


def test_multiline_call_reports_the_name_line():
    """Is a use inside a multi-line expression reported at the line where the name is written?"""
    found = uses("""
        import torch
        def f(x, w):
            return (
                x
                + torch.nn.functional.conv2d(
                    x, w)
            )
    """)
    assert [u.line for u in found] == [5]


def test_syntax_error_gives_nothing():
    """Does a module that does not parse give [] (the import reports the syntax error)?"""
    assert uses("def f(x:\n    return F.conv2d(x)\n") == []


def test_missing_function_gives_nothing():
    """Does a module without the exercise's function give []?"""
    assert uses("import torch\ndef g(x):\n    return torch.nn.functional.conv2d(x, x)\n") == []


def test_empty_forbidden_list_gives_nothing():
    """With nothing forbidden, is nothing reported?"""
    assert uses("import torch\ndef f(x):\n    return torch.nn.functional.conv2d(x, x)\n", forbidden=()) == []


def test_scan_submission_reads_the_module(tmp_path):
    """Does scan_submission read <module>.py from the submission, and give [] when it is missing?"""
    (tmp_path / "conv_torch.py").write_text("import torch.nn.functional as F\n\ndef f(x):\n    return F.conv2d(x)\n")
    assert scan_submission(tmp_path, "conv_torch", "f", CONV) == [Use("torch.nn.functional.conv2d", 4)]
    assert scan_submission(tmp_path, "absent", "f", CONV) == []
