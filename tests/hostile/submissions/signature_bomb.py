# module: shapes
# A parameter default whose repr is 2 MiB: the signature text the worker reports is that long, and parsing it on
# the host cost 1.2 GB and 34 s. The signature is refused unparsed, with its length and the limit.
def same_padding(f: int, _table=[0] * 700_000) -> int:
    if f % 2 == 0:
        raise ValueError("same padding needs an odd filter size")
    return (f - 1) // 2
