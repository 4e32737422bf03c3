# module: shapes
# same_padding with another parameter list.
def same_padding(filter_size, stride):
    return (filter_size - 1) // 2
