# module: shapes
# raise SystemExit inside a function.
def same_padding(f):
    raise SystemExit("bye")
