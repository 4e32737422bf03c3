"""Pictures of image-like case values for the HTML report: the input, the expected output, the student's output
and their difference side by side, so that an edge map shifted by one pixel or mirrored shows at a glance.

Only visible cases are drawn (their values are the only ones a report ever gets: autograder/values.py), and only
the first few failing ones per exercise: a picture is there to show what went wrong. (Drawing a passing case of
every exercise too doubled the cost of `grade-all` per student for a picture that shows nothing new.) Rendering uses
matplotlib's Agg canvas directly (no pyplot: no global state, safe in threads), a fixed figure size (so an
image's size is bounded whatever the array's), and PNG metadata without software or dates, so that the same run
gives the same bytes.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from autograder.results import GradingRun, Status
from autograder.values import CaseValues

FAILING_PER_EXERCISE = 2
"""Failing visible cases drawn per exercise; an exercise whose visible cases all pass shows none."""
PANEL_INCHES = (2.4, 2.6)
DPI = 80
ANNOTATE_UP_TO = 8
"""Arrays with at most this many rows and columns get their values written in the cells."""


@dataclass(frozen=True)
class Picture:
    """One case drawn: a PNG of its panels side by side."""

    exercise: str
    case: str
    png: bytes
    width: int
    height: int
    """Pixels."""
    description: str
    """What the panels show, in words (the image's alt text)."""


@dataclass(frozen=True)
class Plane:
    """A 2-D slice of an image-like value, and how it was taken from the value."""

    values: np.ndarray
    """float64, 2-D."""
    label: str
    """The slice in Python's notation, '' for a 2-D value: '[0, 0]' (first image and channel of NCHW)."""
    shape: tuple[int, ...]
    """The whole value's shape."""


def pictures_for(run: GradingRun, values: Iterable[CaseValues]) -> tuple[Picture, ...]:
    """The pictures of a run: for each exercise, its first failing visible image-like cases (at most
    FAILING_PER_EXERCISE)."""
    passed = {f"{c.exercise}/{c.case}" for e in run.exercises for c in e.cases if c.passed}
    drawn = (_draw_or_none(v, annotate=v.key not in passed) for v in choose(run, values))
    return tuple(picture for picture in drawn if picture is not None)


def _draw_or_none(value: CaseValues, annotate: bool) -> Picture | None:
    """A picture is a help, not a grade: a returned value matplotlib cannot draw leaves its picture out instead
    of failing the report (in `grade-all`, the student's whole grading)."""
    try:
        return draw(value, annotate)
    except (ValueError, TypeError, OverflowError, MemoryError):
        return None


def choose(run: GradingRun, values: Iterable[CaseValues]) -> list[CaseValues]:
    """Which cases to draw, in the run's order. A case is drawn only if the run says it is visible (a value
    kept by mistake for a hidden case is never drawn) and its expected value is image-like."""
    results = {f"{c.exercise}/{c.case}": c for e in run.exercises for c in e.cases}
    drawable: dict[str, list[tuple[CaseValues, Status]]] = {}
    for value in values:
        result = results.get(value.key)
        if result is None or not result.visible or plane(value.expected) is None:
            continue
        drawable.setdefault(value.exercise, []).append((value, result.status))
    chosen = []
    for exercise in run.exercises:
        failing = [v for v, status in drawable.get(exercise.id, []) if status.is_student_fault]
        chosen.extend(failing[:FAILING_PER_EXERCISE])
    return chosen


def plane(value: Any) -> Plane | None:
    """The 2-D slice to draw of an image-like value (2-D to 4-D, numeric, not empty), else None. NumPy values
    are channels-last ((H, W, C): channel 0; (n, H, W, C): [0, :, :, 0]); tensors are NCHW (first image, first
    channel) or (N, H, W) (first image)."""
    array, tensor = _array(value)
    if array is None or array.ndim not in (2, 3, 4) or array.size == 0:
        return None
    if array.dtype.kind not in "biuf":
        return None
    if array.ndim == 2:
        index, label = (), ""
    elif tensor:
        index = (0,) * (array.ndim - 2)
        label = "[" + ", ".join("0" for _ in index) + "]"
    elif array.ndim == 3:
        index, label = (slice(None), slice(None), 0), "[:, :, 0]"
    else:
        index, label = (0, slice(None), slice(None), 0), "[0, :, :, 0]"
    return Plane(np.asarray(array[index], dtype=np.float64), label, tuple(array.shape))


def _array(value: Any) -> tuple[np.ndarray | None, bool]:
    """(the value as an ndarray, whether it is a tensor), or (None, False) for anything else."""
    if isinstance(value, np.ndarray):
        return value, False
    inner = getattr(value, "array", None)  # codec.TensorData
    if isinstance(inner, np.ndarray):
        return inner, True
    if type(value).__module__.startswith("torch") and hasattr(value, "detach"):
        try:
            return value.detach().cpu().numpy(), True
        except (TypeError, RuntimeError):  # a dtype NumPy lacks (bfloat16): not drawn
            return None, False
    return None, False


def input_plane(args: dict[str, Any]) -> tuple[str, Plane] | None:
    """The argument to draw as the input: the largest image-like one (the image, not the kernel)."""
    found = [(name, p) for name, p in ((n, plane(v)) for n, v in args.items()) if p is not None]
    if not found:
        return None
    return max(found, key=lambda pair: int(np.prod(pair[1].shape)))


def draw(value: CaseValues, annotate: bool = True) -> Picture:
    """The case's panels: input (if an argument is image-like), expected, the student's output, and their
    difference (when the shapes agree), expected and output on one colour scale. `annotate` writes the values
    of small arrays in their cells: what finds a wrong element, so only for a case that failed (the text is most
    of the drawing time: a report of a passing submission took 1 s with it, a third of that without)."""
    expected, got, source = plane(value.expected), plane(value.got), input_plane(value.args)
    if expected is None:
        raise ValueError(f"{value.key}: the expected value is not image-like; draw only what choose() returns")
    with np.errstate(all="ignore"):  # a returned 1e308 overflows the colour scale's arithmetic: drawn anyway
        return _draw(value, expected, got, source, annotate)


def _draw(value: CaseValues, expected: Plane, got: Plane | None, source: tuple[str, Plane] | None,
          annotate: bool) -> Picture:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    panels = 3 + (source is not None)
    figure = Figure(figsize=(PANEL_INCHES[0] * panels, PANEL_INCHES[1]), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = iter(figure.subplots(1, panels, squeeze=False)[0])
    described = []
    if source is not None:
        name, image = source
        _show(next(axes), image, f"input: {name}{image.label}", "gray", annotate=annotate)
        described.append(f"the input {name}{image.label}")
    low, high = _range(expected.values, got.values if got is not None else None)
    _show(next(axes), expected, f"expected{expected.label}", "viridis", low, high, annotate=annotate)
    described.append("the expected output")
    target = next(axes)
    if got is None:
        _message(target, "your output", f"not an image:\n{_kind(value.got)}")
        described.append("your output (not an image)")
    else:
        _show(target, got, f"yours{got.label}", "viridis", low, high, annotate=annotate)
        described.append("your output")
    target = next(axes)
    if got is not None and got.shape == expected.shape:
        _difference(target, got.values - expected.values, annotate)
        described.append("the difference (yours minus expected)")
    elif got is not None:
        _message(target, "difference", f"shapes differ:\nyours {got.shape}\nexpected {expected.shape}")
        described.append(f"no difference: the shapes differ (yours {got.shape}, expected {expected.shape})")
    else:
        _message(target, "difference", "nothing to compare")
    figure.subplots_adjust(left=0.02, right=0.98, top=0.86, bottom=0.14, wspace=0.12)
    png, width, height = _png(figure)
    text = f"{value.exercise}, case {value.case}: " + ", ".join(described)
    return Picture(value.exercise, value.case, png, width, height, text)


def _png(figure) -> tuple[bytes, int, int]:
    """The figure as a 256-colour PNG without metadata (no software name, no date): a third of the bytes of
    matplotlib's RGBA PNG, which matters for noisy arrays, and the same bytes every time."""
    from PIL import Image

    figure.canvas.draw()
    pixels = Image.fromarray(np.asarray(figure.canvas.buffer_rgba())).convert("RGB")
    indexed = pixels.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    indexed.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), pixels.width, pixels.height


def _range(*arrays: np.ndarray | None) -> tuple[float, float]:
    finite = [a[np.isfinite(a)] for a in arrays if a is not None]
    finite = [a for a in finite if a.size]
    if not finite:
        return 0.0, 1.0
    low, high = min(float(a.min()) for a in finite), max(float(a.max()) for a in finite)
    return (low - 0.5, high + 0.5) if low == high else (low, high)


def _show(axes, image: Plane, title: str, colours: str, low: float | None = None, high: float | None = None,
          annotate: bool = True) -> None:
    import matplotlib

    values = np.ma.masked_invalid(image.values)
    if low is None or high is None:
        low, high = _range(image.values)
    palette = matplotlib.colormaps[colours].with_extremes(bad="#ff00ff")
    axes.imshow(values, cmap=palette, vmin=low, vmax=high, interpolation="antialiased")
    _frame(axes, title, f"{_shape(image.shape)}, {_span(image.values)}")
    if annotate:
        _annotate(axes, image.values, palette, low, high)


def _difference(axes, difference: np.ndarray, annotate: bool) -> None:
    import matplotlib

    finite = np.abs(difference[np.isfinite(difference)])
    largest = float(finite.max()) if finite.size else 0.0
    palette = matplotlib.colormaps["RdBu_r"].with_extremes(bad="#ff00ff")
    scale = largest or 1.0
    axes.imshow(np.ma.masked_invalid(difference), cmap=palette, vmin=-scale, vmax=scale, interpolation="antialiased")
    wrong = int(np.count_nonzero(~np.isclose(difference, 0.0, atol=1e-12) | ~np.isfinite(difference)))
    caption = "no difference" if wrong == 0 else f"{wrong} of {difference.size} differ, max |d| {largest:.3g}"
    _frame(axes, "yours − expected", caption)
    if annotate:
        _annotate(axes, difference, palette, -scale, scale)


def _message(axes, title: str, text: str) -> None:
    _frame(axes, title, "")
    axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=9, wrap=True, transform=axes.transAxes)


def _frame(axes, title: str, caption: str) -> None:
    axes.set_title(title, fontsize=9)
    axes.set_xlabel(caption, fontsize=8)
    axes.set_xticks([])
    axes.set_yticks([])


def _annotate(axes, values: np.ndarray, palette, low: float, high: float) -> None:
    rows, columns = values.shape
    if rows > ANNOTATE_UP_TO or columns > ANNOTATE_UP_TO:
        return
    size = 7 if max(rows, columns) <= 5 else 6
    for (i, j), x in np.ndenumerate(values):
        shade = palette((x - low) / (high - low)) if np.isfinite(x) and high > low else (1, 1, 1, 1)
        dark = 0.299 * shade[0] + 0.587 * shade[1] + 0.114 * shade[2] < 0.5
        axes.text(j, i, f"{x:.3g}", ha="center", va="center", fontsize=size, color="white" if dark else "black")


def _shape(shape: tuple[int, ...]) -> str:
    return " × ".join(str(n) for n in shape)


def _span(values: np.ndarray) -> str:
    finite = values[np.isfinite(values)]
    bad = values.size - finite.size
    span = f"{finite.min():.3g} … {finite.max():.3g}" if finite.size else "no finite values"
    return f"{span}, {bad} NaN/inf" if bad else span


def _kind(value: Any) -> str:
    array, _ = _array(value)
    if array is not None:
        return f"array of shape {tuple(array.shape)}, dtype {array.dtype}"
    return type(value).__name__
