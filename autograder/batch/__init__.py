"""Batch grading of a whole class: find the submissions, grade them in parallel (threads, processes or a Dask
cluster), keep one result folder per student so that an interrupted run resumes, and summarize the class.

    submissions.py  which students are in SUBMISSIONS_DIR (folders, zips, nbgrader `submitted/`)
    unzip.py        a zip's members, refused when hostile (absolute or `..` paths, links, bombs)
    notebooks.py    a notebook's code cells as a module (nbgrader test cells and magics left out)
    jobs.py         one student's files, ready to send to a worker, and the worker's function
    store.py        grades/<student>/: results.json, run.json and the `.done` marker of resumed runs
    executors.py    local threads or processes, or a Dask cluster, behind one small interface
    progress.py     the progress bar with an ETA (one line per student where stderr is no terminal)
    summary.py      class statistics: mean, median, min, max, the distribution, each student's grading (a real 0
                    or an ungradable one), per exercise the mean, pass rate and known mistakes' counts
    runner.py       wiring: skip what is done, grade the rest, write each result as it comes
"""
