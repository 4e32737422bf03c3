"""Spec cases → concrete, seeded cases, built from spec objects directly (no YAML)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from autograder.cases import NO_EXPECT, Case, case_seed, correlate_valid, evaluate, expand_exercise
from autograder.spec import CaseSpec, Comparison, Const, ExerciseSpec, Generate, Limits, ListOf, MapOf, Ref

SEED = 721
ASSIGNMENT = "l10_convolutions"


def lst(*values) -> ListOf:
    return ListOf(tuple(v if isinstance(v, (Const, Ref, ListOf, MapOf, Generate)) else Const(v) for v in values))


def gen(kind: str, arg, **options) -> Generate:
    wrap = lambda v: v if isinstance(v, (Const, Ref, ListOf, MapOf, Generate)) else Const(v)  # noqa: E731
    return Generate(kind, wrap(arg), tuple((k, wrap(v)) for k, v in options.items()))


def case(name: str = "c", args=(), **fields) -> CaseSpec:
    return CaseSpec(name=name, args=tuple(args), **fields)


def exercise(*cases: CaseSpec, id: str = "conv2d") -> ExerciseSpec:
    return ExerciseSpec(id=id, module="conv_numpy", title="T", points=10.0, statement="", compare=Comparison(),
                        limits=Limits(), forbidden=(), cases=tuple(cases))


def expand(*cases: CaseSpec, student: str | None = None, seed: int = SEED, visible_only: bool = False,
           exercise_id: str = "conv2d") -> list[Case]:
    return expand_exercise(seed, ASSIGNMENT, exercise(*cases, id=exercise_id), student, visible_only)


def one(expr, name: str = "c", **fields):
    """The value of `expr` as the single arg `x` of one concrete case."""
    (concrete,) = expand(case(name, [("x", expr)], **fields))
    return concrete.args["x"]


def same(a, b) -> bool:
    """Byte-equal values, arrays and tensors included, nested in lists/dicts/tuples."""
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b)
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


RANDOM_ARGS = (("x", gen("normal", lst(3, 4))), ("k", gen("int", lst(0, 10**9))))


# ---- shape of the expansion ----------------------------------------------------------------------------------

def test_fixed_case_gives_one_case_with_its_fields():
    """Does a fixed case become one Case with its name, visibility, weight, raises and note?"""
    spec = case("small", [("n", Const(5)), ("f", Const(3))], visible=True, weight=2.0, raises="ValueError",
                note="odd kernel")
    (concrete,) = expand(spec)
    assert (concrete.exercise, concrete.name, concrete.visible, concrete.weight) == ("conv2d", "small", True, 2.0)
    assert concrete.args == {"n": 5, "f": 3}
    assert (concrete.raises, concrete.note) == ("ValueError", "odd kernel")
    assert concrete.key == "conv2d/small"


def test_count_gives_k_numbered_cases():
    """Does `count: k` give k cases named name[0] … name[k-1], in order?"""
    concrete = expand(case("random", RANDOM_ARGS, count=4))
    assert [c.name for c in concrete] == ["random[0]", "random[1]", "random[2]", "random[3]"]
    assert len({c.args["k"] for c in concrete}) == 4


def test_count_one_is_still_numbered():
    """Is a random case with count 1 named name[0] (count given), unlike a fixed case?"""
    assert [c.name for c in expand(case("r", RANDOM_ARGS, count=1))] == ["r[0]"]


def test_cases_keep_spec_order_and_visible_only_filter():
    """Are cases expanded in spec order, and does visible_only drop the hidden ones?"""
    specs = (case("a", visible=True), case("b", count=2), case("c", visible=True))
    assert [c.name for c in expand(*specs)] == ["a", "b[0]", "b[1]", "c"]
    assert [c.name for c in expand(*specs, visible_only=True)] == ["a", "c"]


def test_params_are_evaluated_in_order_and_refs_resolved():
    """Are params evaluated in order (a later one may use an earlier one) and $refs resolved in args and expect?"""
    spec = case("p", params=(("n", gen("int", lst(5, 9))), ("shape", lst(Ref("n"), Ref("n"))),
                             ("x", gen("normal", Ref("shape")))),
                args=(("image", Ref("x")), ("size", Ref("n")), ("again", Ref("x"))),
                expect=MapOf((("n", Ref("n")), ("pair", lst(Ref("n"), 1)))))
    (concrete,) = expand(spec)
    n = concrete.args["size"]
    assert 5 <= n <= 9
    assert concrete.args["image"].shape == (n, n)
    assert concrete.args["again"] is concrete.args["image"]  # drawn once, used twice
    assert concrete.expect == {"n": n, "pair": [n, 1]}


def test_expect_given_and_absent():
    """Does `expect` become Case.expect (an explicit null too), and its absence NO_EXPECT?"""
    (given,) = expand(case("g", expect=lst(1, 2)))
    (null,) = expand(case("n", expect=Const(None)))
    (absent,) = expand(case("a"))
    assert given.expect == [1, 2]
    assert null.expect is None
    assert absent.expect is NO_EXPECT


def test_evaluate_refuses_non_expressions():
    """Is a value that is not a spec expression refused with TypeError?"""
    with pytest.raises(TypeError):
        evaluate(5, {}, np.random.default_rng(0))


# ---- seeding ---------------------------------------------------------------------------------------------------

def test_same_seed_gives_identical_values():
    """Do two expansions with the same seed give byte-equal arrays and equal numbers?"""
    spec = case("r", RANDOM_ARGS + (("t", gen("normal", lst(2, 2), tensor=True)),), count=3)
    first, second = expand(spec), expand(spec)
    for a, b in zip(first, second):
        assert same(a.args, b.args)


def test_different_course_seed_changes_values():
    """Does another course seed give other values?"""
    spec = case("r", RANDOM_ARGS)
    assert not same(expand(spec)[0].args, expand(spec, seed=SEED + 1)[0].args)


def test_index_name_and_exercise_change_values():
    """Do different indices, case names and exercise ids draw different values?"""
    values = [c.args for c in expand(case("r", RANDOM_ARGS, count=3))]
    values.append(expand(case("other", RANDOM_ARGS))[0].args)
    values.append(expand(case("r", RANDOM_ARGS), exercise_id="conv2d_torch")[0].args)
    for i in range(len(values)):
        for j in range(i + 1, len(values)):
            assert not same(values[i], values[j]), (i, j)


def test_fixed_case_and_index_zero_share_a_seed():
    """Is a fixed case seeded like index 0 of a random case of the same name (only the name differs)?"""
    fixed = expand(case("r", RANDOM_ARGS))[0]
    counted = expand(case("r", RANDOM_ARGS, count=1))[0]
    assert same(fixed.args, counted.args)


def test_student_salt_only_affects_hidden_cases():
    """Does the student id change hidden cases' values but leave visible cases the same for everyone?"""
    visible = case("v", RANDOM_ARGS, visible=True)
    hidden = case("h", RANDOM_ARGS, visible=False)
    alice = expand(visible, hidden, student="alice")
    bob = expand(visible, hidden, student="bob")
    nobody = expand(visible, hidden)
    assert same(alice[0].args, bob[0].args) and same(alice[0].args, nobody[0].args)
    assert not same(alice[1].args, bob[1].args)
    assert not same(alice[1].args, nobody[1].args)
    assert same(alice[1].args, expand(visible, hidden, student="alice")[1].args)


def test_case_seed_is_pinned():
    """Is case_seed stable? (Regression pin: the value was computed once from the current implementation.)"""
    assert case_seed(721, "l10_convolutions", "conv2d", "random", 0) == 9943891434917811501
    assert case_seed(721, "l10_convolutions", "conv2d", "random", 0, "student", "s1") == 17329618843930722984
    assert 0 <= case_seed("x") < 2**64


def test_case_seed_separates_parts():
    """Do parts that concatenate alike ('ab','c' vs 'a','bc') give different seeds?"""
    assert case_seed("ab", "c") != case_seed("a", "bc")


# ---- generators --------------------------------------------------------------------------------------------------

def test_tuple_and_array_and_tensor_literals():
    """Do tuple, array and tensor build the literal value with the documented default dtypes?"""
    assert one(gen("tuple", lst(39, 39, 3))) == (39, 39, 3)
    array = one(gen("array", lst(lst(1, 2), lst(3, 4))))
    assert array.dtype == np.float64 and array.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert one(gen("array", lst(1, 2), dtype="int32")).dtype == np.int32
    tensor = one(gen("tensor", lst(lst(1, 2))))
    assert isinstance(tensor, torch.Tensor) and tensor.dtype == torch.float32 and tensor.shape == (1, 2)
    assert tensor.device.type == "cpu"
    assert one(gen("tensor", lst(1, 0), dtype="bool", device="cpu")).dtype == torch.bool


def test_int_bounds_are_inclusive():
    """Does {int: [lo, hi]} give Python ints covering both bounds and nothing outside?"""
    values = [c.args["x"] for c in expand(case("i", [("x", gen("int", lst(2, 4)))], count=200))]
    assert all(type(v) is int for v in values)
    assert set(values) == {2, 3, 4}
    assert one(gen("int", lst(7, 7))) == 7


def test_float_is_in_range():
    """Does {float: [lo, hi]} give Python floats in [lo, hi)?"""
    values = [c.args["x"] for c in expand(case("f", [("x", gen("float", lst(-1.5, 2)))], count=100))]
    assert all(type(v) is float and -1.5 <= v < 2 for v in values)


def test_choice_picks_listed_values_and_evaluates_them():
    """Does choice give one of the listed values (each eventually), evaluating a chosen expression?"""
    values = [c.args["x"] for c in expand(case("c", [("x", gen("choice", lst(1, 3, 5)))], count=60))]
    assert set(values) == {1, 3, 5}
    nested = one(gen("choice", lst(gen("tuple", lst(1, 2)))))
    assert nested == (1, 2)


@pytest.mark.parametrize("kind", ["normal", "uniform"])
def test_float_arrays_default_dtype_and_shape(kind):
    """Do normal and uniform give float64 arrays of the given shape, dtype overridable?"""
    array = one(gen(kind, lst(2, 3, 4)))
    assert isinstance(array, np.ndarray) and array.dtype == np.float64 and array.shape == (2, 3, 4)
    assert one(gen(kind, lst(5), dtype="float32")).dtype == np.float32


def test_normal_scale():
    """Does the normal generator's scale set the spread (std ≈ scale)?"""
    small = one(gen("normal", lst(4000)))
    large = one(gen("normal", lst(4000), scale=10.0))
    assert 0.9 < small.std() < 1.1
    assert 9 < large.std() < 11


@pytest.mark.parametrize("kind,default", [("normal", torch.float32), ("uniform", torch.float32),
                                          ("integers", torch.int64)])
def test_tensor_option_builds_tensors(kind, default):
    """Does tensor: true give a torch tensor of the shape with dtype float32 (int64 for integers), overridable?"""
    tensor = one(gen(kind, lst(2, 5), tensor=True))
    assert isinstance(tensor, torch.Tensor) and tensor.dtype == default and tuple(tensor.shape) == (2, 5)
    assert tensor.device.type == "cpu"
    assert one(gen(kind, lst(3), tensor=True, dtype="float64", device="cpu")).dtype == torch.float64


def test_uniform_low_high():
    """Does uniform with low/high stay within [low, high)?"""
    array = one(gen("uniform", lst(1000), low=-3, high=-2))
    assert array.min() >= -3 and array.max() < -2
    default = one(gen("uniform", lst(1000)))
    assert default.min() >= 0 and default.max() < 1


def test_integers_low_high_and_dtype():
    """Does integers give an int64 array in [low, high) by default [0, 256), with dtype overridable?"""
    array = one(gen("integers", lst(2000), low=3, high=6))
    assert array.dtype == np.int64 and set(np.unique(array).tolist()) == {3, 4, 5}
    default = one(gen("integers", lst(5000)))
    assert default.min() >= 0 and default.max() <= 255 and default.max() > 200
    assert one(gen("integers", lst(4), dtype="uint8")).dtype == np.uint8


def test_shapes_may_hold_refs():
    """May a generator's shape use $params?"""
    spec = case("s", params=(("h", Const(4)),), args=(("x", gen("normal", lst(Ref("h"), 2))),))
    assert expand(spec)[0].args["x"].shape == (4, 2)


def test_correlate_generator_matches_direct_computation():
    """Does {correlate: {inputs, kernel}} give the valid cross-correlation of the param values?"""
    spec = case("c", params=(("x", gen("normal", lst(2, 5, 6))), ("k", gen("normal", lst(3, 3)))),
                args=(("inputs", Ref("x")),),
                expect=gen("correlate", MapOf((("inputs", Ref("x")), ("kernel", Ref("k"))))))
    (concrete,) = expand(spec)
    x = concrete.args["inputs"]
    assert concrete.expect.shape == (2, 3, 4)
    np.testing.assert_allclose(concrete.expect, loop_correlate(x, correlate_kernel(spec)), rtol=1e-12)


def correlate_kernel(spec: CaseSpec) -> np.ndarray:
    """The kernel param drawn for `spec` (drawn second, after `x`)."""
    (concrete,) = expand(case(spec.name, params=spec.params, args=(("k", Ref("k")),)))
    return concrete.args["k"]


def loop_correlate(inputs: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    n, h, w = inputs.shape
    kh, kw = kernel.shape
    out = np.zeros((n, h - kh + 1, w - kw + 1))
    for b in range(n):
        for i in range(h - kh + 1):
            for j in range(w - kw + 1):
                total = 0.0
                for a in range(kh):
                    for c in range(kw):
                        total += float(inputs[b, i + a, j + c]) * float(kernel[a, c])
                out[b, i, j] = total
    return out


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_correlate_valid_numpy_equals_double_loop(dtype):
    """For NumPy inputs, is correlate_valid the double loop's result, in the inputs' float dtype?"""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 6, 7)).astype(dtype)
    k = rng.normal(size=(3, 3))
    out = correlate_valid(x, k)
    assert isinstance(out, np.ndarray) and out.dtype == dtype and out.shape == (3, 4, 5)
    np.testing.assert_allclose(out, loop_correlate(x, k), rtol=1e-5 if dtype == np.float32 else 1e-12)


def test_correlate_valid_is_not_convolution():
    """Is the kernel applied unflipped (cross-correlation, as in CNN layers)?"""
    x = np.arange(9.0).reshape(1, 3, 3)
    k = np.array([[1.0, 0.0], [0.0, 0.0]])
    assert correlate_valid(x, k).tolist() == [[[0.0, 1.0], [3.0, 4.0]]]


def test_correlate_valid_int_inputs_give_float64():
    """For integer NumPy inputs, is the result float64 (not truncated to ints)?"""
    x = np.arange(16).reshape(1, 4, 4)
    out = correlate_valid(x, np.full((2, 2), 0.5))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, loop_correlate(x, np.full((2, 2), 0.5)))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_correlate_valid_tensor_equals_double_loop(dtype):
    """For tensor inputs (and a tensor kernel), is the result a tensor of the inputs' dtype equal to the loop?"""
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(2, 5, 5, generator=generator, dtype=dtype)
    k = torch.randn(2, 3, generator=generator, dtype=dtype)
    out = correlate_valid(x, k)
    assert isinstance(out, torch.Tensor) and out.dtype == dtype and tuple(out.shape) == (2, 4, 3)
    assert out.device == x.device
    expected = loop_correlate(x.double().numpy(), k.double().numpy())
    np.testing.assert_allclose(out.double().numpy(), expected, rtol=1e-5 if dtype == torch.float32 else 1e-12)
    torch_reference = torch.nn.functional.conv2d(x.unsqueeze(1), k[None, None]).squeeze(1)
    torch.testing.assert_close(out, torch_reference)


def test_correlate_valid_tensor_with_numpy_kernel():
    """Does a tensor input with a NumPy kernel work too?"""
    x = torch.ones(1, 3, 3)
    assert correlate_valid(x, np.ones((2, 2))).tolist() == [[[4.0, 4.0], [4.0, 4.0]]]


def test_every_case_runs_on_each_listed_device():
    """With `devices: [cpu, cuda]`, does every case come twice, the CUDA copy named `<case>@cuda` with the same
    arguments and its CPU twin named, while a speed case runs on the CPU only?"""
    from dataclasses import replace

    from autograder.spec import SpeedSpec

    speed = SpeedSpec(baseline="torch.nn.functional.conv2d", args=("x",), max_ratio=10.0)
    spec = replace(exercise(case("a", [("x", gen("normal", lst(2, 2), tensor=Const(True)))], count=2,
                                     params=(("n", gen("int", lst(1, 3))),)),
                            case("fast", [("x", Const(1))], speed=speed)), devices=("cpu", "cuda"))
    cases = expand_exercise(SEED, ASSIGNMENT, spec)
    assert [(c.name, c.device, c.twin) for c in cases] == [
        ("a[0]", "cpu", None), ("a[0]@cuda", "cuda", "a[0]"), ("a[1]", "cpu", None), ("a[1]@cuda", "cuda", "a[1]"),
        ("fast", "cpu", None)]
    assert torch.equal(cases[0].args["x"], cases[1].args["x"]) and cases[1].args["x"].device.type == "cpu"
    auto = expand_exercise(SEED, ASSIGNMENT, replace(spec, devices=("auto",)))
    assert [(c.name, c.device) for c in auto] == [("a[0]", "auto"), ("a[1]", "auto"), ("fast", "cpu")]
    assert [c.device for c in expand_exercise(SEED, ASSIGNMENT, replace(spec, devices=()))] == [None] * 3
