"""Code similarity across a class, as information for the instructor, never a grade (`autograder similarity`,
docs/batch.md "Code similarity").

    units.py         each submission's code as units: the whole submission, and per exercise its function with
                     the helpers it calls (so a copy moved into a helper still counts)
    fingerprints.py  copydetect's fingerprints of each unit, the stubs' as boilerplate; every pair's overlap
    pages.py         pairs.csv, the index page and one page per close pair, matching regions side by side
"""
from autograder.similarity.fingerprints import Pair, compare_class
from autograder.similarity.units import Unit, WHOLE, units_of

__all__ = ["Pair", "Unit", "WHOLE", "compare_class", "units_of"]
