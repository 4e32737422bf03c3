"""Pictures of image-like values (reporters/pictures.py), on hand-made values: no grading, no sandbox."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from autograder.codec import TensorData
from autograder.reporters.pictures import FAILING_PER_EXERCISE, choose, draw, pictures_for, plane
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status
from autograder.values import CaseValues

EDGE = np.array([[10.0] * 3 + [0.0] * 3] * 6)
EDGE_MAP = np.array([[0.0, 30, 30, 0]] * 4)


def run_of(*cases: tuple[str, bool, Status], exercise: str = "conv2d_single") -> GradingRun:
    results = tuple(CaseResult(exercise, name, visible, status, 0.0, 1.0, "m") for name, visible, status in cases)
    return GradingRun("l10", None, "sub", (ExerciseResult(exercise, "filters", "t", 1.0, results),))


def values_of(name: str, got=None, exercise: str = "conv2d_single") -> CaseValues:
    return CaseValues(exercise, name, {"image": EDGE, "kernel": np.array([[1.0, 0, -1]] * 3)}, EDGE_MAP,
                      EDGE_MAP if got is None else got)


@pytest.mark.parametrize("value, shape, label", [
    (np.zeros((4, 5)), (4, 5), ""),
    (np.zeros((4, 5, 3)), (4, 5), "[:, :, 0]"),  # NumPy volumes are channels-last
    (np.zeros((2, 4, 5, 3)), (4, 5), "[0, :, :, 0]"),
    (TensorData(np.zeros((2, 3, 4, 5), np.float32), "float32", "cpu"), (4, 5), "[0, 0]"),  # NCHW
    (TensorData(np.zeros((6, 4, 5)), "float64", "cpu"), (4, 5), "[0]"),  # (N, H, W)
    (np.zeros((4, 5), dtype=bool), (4, 5), ""),
])
def test_image_like_values_give_a_plane(value, shape, label):
    """Is the 2-D slice of a 2-D to 4-D value the first image and channel, labelled in Python's notation?"""
    found = plane(value)
    assert found is not None and found.values.shape == shape and found.label == label
    assert found.values.dtype == np.float64


@pytest.mark.parametrize("value", [3.0, np.zeros(5), np.zeros((0, 3)), np.zeros((2, 2, 2, 2, 2)),
                                   np.array([["a", "b"]]), [[1.0, 2.0]], {"vertical": np.eye(3)}, None])
def test_other_values_are_not_drawn(value):
    """Are scalars, vectors, empty and 5-D arrays, strings, lists and dicts left alone?"""
    assert plane(value) is None


def test_failing_visible_cases_are_chosen_first_and_bounded():
    """Are an exercise's failing visible cases drawn (at most FAILING_PER_EXERCISE), its passing ones not?"""
    names = [f"c{i}" for i in range(5)]
    run = run_of(("c0", True, Status.PASSED), *((n, True, Status.FAILED) for n in names[1:]))
    chosen = choose(run, [values_of(n) for n in names])
    assert [v.case for v in chosen] == names[1:1 + FAILING_PER_EXERCISE]


def test_an_exercise_that_passes_shows_no_picture():
    """Is nothing drawn for an exercise whose visible cases all pass (a picture is there to show what is wrong)?"""
    run = run_of(("a", True, Status.PASSED), ("b", True, Status.PASSED))
    assert choose(run, [values_of("a"), values_of("b")]) == []


def test_hidden_or_unknown_cases_are_never_chosen():
    """Is a value never drawn when the run says its case is hidden, or does not know the case?"""
    run = run_of(("secret", False, Status.FAILED))
    assert choose(run, [values_of("secret"), values_of("unknown")]) == []


def test_a_shifted_edge_map_is_drawn_with_its_difference():
    """Is a wrong edge map drawn as one bounded PNG of four panels, described in words?"""
    shifted = np.roll(EDGE_MAP, 1, axis=1)
    picture = draw(values_of("lecture_vertical_edge", shifted))
    image = Image.open(io.BytesIO(picture.png))
    assert image.format == "PNG" and image.size == (picture.width, picture.height)
    assert picture.width <= 1000 and picture.height <= 300 and len(picture.png) < 60_000
    assert picture.description == ("conv2d_single, case lecture_vertical_edge: the input image, the expected "
                                   "output, your output, the difference (yours minus expected)")
    assert len(np.unique(np.asarray(image.convert("RGB")).reshape(-1, 3), axis=0)) > 20  # not blank


def test_a_wrong_shape_or_a_non_array_is_still_drawn():
    """Do a result of the wrong shape and a result that is no array give a picture saying so?"""
    wrong_shape = draw(values_of("v", np.zeros((3, 3))))
    assert wrong_shape.description.endswith("your output, no difference: the shapes differ (yours (3, 3), "
                                            "expected (4, 4))")
    not_an_array = draw(values_of("v", 42))
    assert "your output (not an image)" in not_an_array.description


def test_nan_and_large_arrays_are_bounded():
    """Are NaN values and a large noisy array drawn within the same bounded size?"""
    noisy = np.random.default_rng(0).normal(size=(300, 300))
    noisy[0, 0] = np.nan
    value = CaseValues("conv2d", "big", {"image": noisy}, noisy, noisy * 2)
    picture = draw(value)
    small = draw(values_of("v"))
    assert (picture.width, picture.height) == (small.width, small.height)
    assert len(picture.png) < 200_000


def test_the_same_values_give_the_same_bytes_without_metadata():
    run = run_of(("a", True, Status.FAILED))
    first, second = pictures_for(run, [values_of("a", EDGE_MAP.T)]), pictures_for(run, [values_of("a", EDGE_MAP.T)])
    assert first == second and len(first) == 1
    png = first[0].png
    assert b"tEXt" not in png and b"tIME" not in png and b"iTXt" not in png


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("got", [np.full((4, 4), 1e308), np.array([[-1e308, 1e308, 0, 0]] * 4),
                                 np.full((4, 4), np.inf), np.full((4, 4), np.nan), np.zeros((4, 4), np.float16) + 65504])
def test_extreme_returned_values_are_drawn_quietly(got):
    """Do overflowing, infinite and NaN results still give a picture, without a warning on the grader's output?"""
    assert draw(values_of("v", got)).png.startswith(b"\x89PNG")
