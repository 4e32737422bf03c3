"""`python -m benchmarks` (or `bash benchmarks/run`): the kernel and grading-throughput tables (docs/benchmark.md).

    python -m benchmarks                      # everything: kernels on CPU (and CUDA if present), grading of 50
    python -m benchmarks --quick              # fewer repeats, 10 submissions, 3 for nbgrader
    python -m benchmarks --only kernels       # or --only grading, --only kit (`check` in the student kit)
    python -m benchmarks --out notes/b.md     # where the Markdown table goes (default build/benchmark.md)
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats, 10 submissions, 3 nbgrader submissions")
    parser.add_argument("--only", choices=("kernels", "grading", "kit"), help="run one part only")
    parser.add_argument("--repeats", type=int, help="timed rounds per shape, at least (default 7, --quick 3); "
                                                    "fast kernels get more, until the rounds took --seconds")
    parser.add_argument("--seconds", type=float, help="time spent in the rounds of one shape, at least, up to 200 "
                                                      "rounds (default 2, --quick 0.5)")
    parser.add_argument("--submissions", type=int, help="submissions graded by grade-all (default 50, --quick 10)")
    parser.add_argument("--nbgrader-submissions", type=int, help="submissions autograded by nbgrader "
                                                                 "(default 5, --quick 3)")
    parser.add_argument("--out", default=str(REPO / "build" / "benchmark.md"),
                        help="Markdown file the tables are written to (default build/benchmark.md)")
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (3 if args.quick else 7)
    args.seconds = args.seconds if args.seconds is not None else (0.5 if args.quick else 2.0)
    args.submissions = args.submissions or (10 if args.quick else 50)
    args.nbgrader_submissions = args.nbgrader_submissions or (3 if args.quick else 5)
    return args


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table, columns padded so it also reads as plain text."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in rows]


def machine() -> list[str]:
    import numpy as np
    import torch

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cuda = (f"CUDA {torch.version.cuda}, {torch.cuda.get_device_name(0)}" if torch.cuda.is_available()
            else "no CUDA")
    return [f"{datetime.datetime.now():%Y-%m-%d %H:%M}, {platform.platform()}, {cpus} cores usable, "
            f"Python {platform.python_version()}, torch {torch.__version__} ({cuda}), numpy {np.__version__}, "
            f"torch threads {torch.get_num_threads()} ({_threads_from('OMP_NUM_THREADS', 'torch')}), "
            f"NumPy's BLAS threads: {_threads_from('OPENBLAS_NUM_THREADS', 'OpenBLAS')}, {load()}"]


def _threads_from(variable: str, library: str) -> str:
    """Where a thread count comes from: the benchmark never sets one, so it is the environment's or the default."""
    value = os.environ.get(variable)
    return f"{variable}={value}" if value else f"{library}'s default"


def load() -> str:
    """The 1-minute load average (above the number of cores, timings include waiting for a core) and, on Linux,
    the CPU pressure: the share of the last 60 s in which some runnable task waited for a core."""
    text = f"load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "load average unknown"
    try:
        some = Path("/proc/pressure/cpu").read_text().splitlines()[0]  # some avg10=.. avg60=.. avg300=.. total=..
        text += f", CPU pressure {float(some.split()[2].split('=')[1]):.0f}% over 60 s"
    except (OSError, IndexError, ValueError):
        pass
    return text


def kernel_section(args: argparse.Namespace, targets: list[list[str]]) -> list[str]:
    import torch

    from benchmarks import kernels

    out = [f"## Convolution forward, stride 1, padding {kernels.PADDING}, torch threads {torch.get_num_threads()}",
           "", f"Median time of at least {args.repeats} rounds (more, up to 200, until a shape's rounds took "
           f"{args.seconds:g} s) after a warm-up, the implementations timed in turn; the naive loop: median of "
           f"{min(args.repeats, 3)}, no warm-up. Ratios: time / time of F.conv2d on the same device.", ""]
    devices = [torch.device("cpu")]
    if torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    header = ["device", "(N, C, H, W, F, k)", "implementation", "dtype", "time (ms)", "GFLOP/s",
              "x F.conv2d same dtype", "x F.conv2d float32", "max abs err"]
    rows, ceilings = [], []
    for device in devices:
        for row in kernels.measure(device, repeats=args.repeats, min_seconds=args.seconds):
            rows.append([row.device, str(row.shape), row.name, row.dtype, f"{row.seconds * 1e3:.2f}",
                         f"{row.gflops:.1f}" if row.gflops >= 1 else f"{row.gflops:.2g}", f"{row.ratio:.2f}", f"{row.ratio_f32:.2f}", f"{row.max_error:.1e}"])
            if row.name.startswith("NumPy") and row.shape != kernels.SHAPES[0]:
                targets.append([f"NumPy reference within 3x of F.conv2d float64 (like for like) at {row.shape}",
                                f"{row.ratio:.2f}x", verdict(row.ratio <= 3)])
                targets.append([f"NumPy reference within 3x of F.conv2d float32 at {row.shape}",
                                f"{row.ratio_f32:.2f}x", verdict(row.ratio_f32 <= 3)])
        size = kernels.MATMUL_SIZE
        ceilings.append(f"- matmul ceiling on {device.type}: {size}x{size} float32 "
                        f"{kernels.matmul_gflops(device):.1f} GFLOP/s"
                        + (f", float64 {kernels.matmul_gflops(device, dtype=torch.float64):.1f} GFLOP/s"
                           if device.type == "cpu" else ""))
    out += table(header, rows) + [""] + ceilings
    if not torch.cuda.is_available():
        why = ("this torch build has no CUDA support" if torch.version.cuda is None
               else f"torch {torch.__version__} is built for CUDA {torch.version.cuda} but sees no GPU")
        out.append(f"- CUDA rows skipped: torch.cuda.is_available() is False ({why})")
    return out


def grading_section(args: argparse.Namespace, targets: list[list[str]]) -> list[str]:
    from benchmarks import grading

    import_s, graded, nb = grading.measure(args.submissions, args.nbgrader_submissions,
                                           import_repeats=3 if args.quick else 5)
    runs = 2 * (3 if args.quick else 5)
    kinds = ", ".join(f"{n} {kind}" for kind, n in graded.kinds.items())
    out = [f"## Grading throughput (submissions: {kinds})", ""]
    rows = [[f"python -c \"import torch\" (median of {runs}, before and after)", "-",
             f"{import_s:.2f}", f"{import_s:.2f}", "1.00"]]
    if not graded.failed:
        rows.append([f"autograder grade-all ({graded.jobs} jobs, processes)", str(graded.submissions),
                     f"{graded.seconds:.1f}", f"{graded.per_submission:.2f}",
                     f"{graded.per_submission / import_s:.2f}"])
    if not nb.skipped:
        rows.append(["nbgrader autograde (sequential, total / count)", str(nb.submissions), f"{nb.seconds:.1f}",
                     f"{nb.per_submission:.2f}", f"{nb.per_submission / import_s:.2f}"])
    out += table(["measurement", "submissions", "wall (s)", "per submission (s)", "per submission / import torch"],
                 rows)
    if graded.failed:
        out += ["", f"- grade-all: not measured (failed: {graded.failed})"]
    if nb.skipped:
        out += ["", f"- nbgrader: not measured ({nb.skipped})"]
    target = f"grade-all per submission (over {graded.submissions}) below one `import torch`"
    if graded.failed:
        targets.append([target, "grade-all failed", "n/a"])
    else:
        targets.append([target, f"{graded.per_submission / import_s:.2f}x import torch",
                        verdict(graded.per_submission < import_s)])
    if nb.skipped or graded.failed:
        targets.append([">= 10x the throughput of nbgrader autograde", "not measured", "n/a"])
    else:
        speedup = nb.per_submission / graded.per_submission
        targets.append([">= 10x the throughput of nbgrader autograde", f"{speedup:.1f}x", verdict(speedup >= 10)])
    return out


def kit_section(args: argparse.Namespace, targets: list[list[str]]) -> list[str]:
    from benchmarks import kit

    repeats = 3 if args.quick else 5
    out, rows = kit.section(kit.measure(repeats), repeats)
    targets += rows
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sys.path.insert(0, str(REPO))
    lines = ["# Benchmark", "", *machine(), ""]
    print("\n".join(lines), flush=True)
    targets: list[list[str]] = []
    sections = (("kernels", kernel_section), ("grading", grading_section), ("kit", kit_section))
    for name, section in sections:
        if args.only in (None, name):
            part = section(args, targets) + [""]
            print("\n".join(part), flush=True)
            lines += part
    part = ["## Targets", ""] + table(["target", "measured", "result"], targets) + ["", f"At the end: {load()}."]
    print("\n".join(part))
    lines += part
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
