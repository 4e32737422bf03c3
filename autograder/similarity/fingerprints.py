"""Fingerprints and overlaps: copydetect (winnowed k-grams of the tokenized code, names replaced by their kind,
comments and layout dropped; Schleimer, Wilkerson and Aiken's winnowing, as MOSS) fingerprints every unit, the
stub's unit being boilerplate; every pair's overlap is counted through an inverted index of the fingerprints, so
a class of 300 is 44,850 pairs per unit without 44,850 comparisons.

A pair's similarity is the mean of the two containments |A ∩ B| / |A| and |A ∩ B| / |B| over the fingerprints
that are not the stub's: 0 for nothing in common (or nothing written), 1 for the same code up to names,
comments, layout and order. Pages of close pairs use copydetect's own comparison for the matching regions."""
from __future__ import annotations

import concurrent.futures
import functools
import io
import logging
from dataclasses import dataclass

import numpy as np

from autograder.similarity.units import Unit

NOISE = 25
"""copydetect's noise threshold k: matches shorter than this many filtered characters are ignored."""
GUARANTEE = 25
"""copydetect's guarantee threshold: matches this long are always found (window = GUARANTEE - NOISE + 1)."""


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    """Student ids, a < b."""
    exercise: str
    """An exercise id, or "" for the whole submission."""
    similarity: float
    """0..1, higher is more alike: the mean containment of the shared fingerprints."""
    shared: int
    """Fingerprints in common (the stub's excluded)."""


@functools.lru_cache(maxsize=4096)
def fingerprint(text: str, boilerplate: frozenset[int] = frozenset()):
    """copydetect's CodeFingerprint of a unit's text (Python), without the `boilerplate` hashes; the same text
    is fingerprinted once (copies are common in a class, and a pair's page needs its units again)."""
    from copydetect import CodeFingerprint

    logging.getLogger().disabled, was = True, logging.getLogger().disabled  # its warnings on empty files
    try:
        return CodeFingerprint("unit.py", NOISE, GUARANTEE - NOISE + 1, boilerplate=list(boilerplate),
                               language="python", fp=io.StringIO(text))
    finally:
        logging.getLogger().disabled = was


def _hashes(job: tuple[tuple[str, ...], frozenset[int]]) -> list[frozenset[int]]:
    """The fingerprint hashes of each text (a process pool's task: plain data in and out)."""
    texts, boilerplate = job
    return [frozenset(fingerprint(text, boilerplate).hashes) if text else frozenset() for text in texts]


def compare_class(units: dict[str, dict[str, Unit]], stubs: dict[str, Unit],
                  exercises: tuple[str, ...], jobs: int = 1) -> list[Pair]:
    """Every pair of students, for each of `exercises` (WHOLE included), in that order, then by student ids.
    `units` {student: {exercise: unit}} (a student without a unit for an exercise has nothing there: 0 with
    everyone); `stubs` {exercise: the stub's unit}, whose fingerprints count for nobody. `jobs` processes
    fingerprint the units (tokenizing is most of the time)."""
    students = sorted(units)
    boilerplates = {e: frozenset(fingerprint(stubs[e].text).hashes) if e in stubs else frozenset()
                    for e in exercises}
    tasks = [(tuple(units[s][e].text if e in units[s] else "" for s in students), boilerplates[e])
             for e in exercises]
    if jobs > 1 and len(students) > 8:
        with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
            hashed = list(pool.map(_hashes, tasks))
    else:
        hashed = [_hashes(task) for task in tasks]
    pairs: list[Pair] = []
    for exercise, hashes in zip(exercises, hashed):
        shared = _shared_counts(hashes)
        sizes = [len(h) for h in hashes]
        for i in range(len(students)):
            for j in range(i + 1, len(students)):
                common = int(shared[i, j])
                value = 0.0 if not common else round((common / sizes[i] + common / sizes[j]) / 2, 4)
                pairs.append(Pair(students[i], students[j], exercise, value, common))
    return pairs


def _shared_counts(hashes: list[frozenset[int]]) -> np.ndarray:
    """n x n: how many hashes each pair of students shares, through an inverted index (hash -> students)."""
    n = len(hashes)
    holders: dict[int, list[int]] = {}
    for student, found in enumerate(hashes):
        for value in found:
            holders.setdefault(value, []).append(student)
    counts = np.zeros((n, n), dtype=np.int64)
    groups: dict[tuple[int, ...], int] = {}
    for members in holders.values():
        if len(members) > 1:
            key = tuple(members)
            groups[key] = groups.get(key, 0) + 1
    for members, times in groups.items():  # the same set of holders once, however many hashes they share
        index = np.array(members)
        counts[np.ix_(index, index)] += times
    return counts
