# module: filters
# A 4 MiB list literal at module level (filled in by the test: BIG_LIST): parsing it costs Python's parser
# about 2 GB, which the host must never spend. filters.py is ungradable with its size and the limit; the other
# modules are graded as usual.
_TABLE = {BIG_LIST}
