# module: conv_numpy
# A syntax error at the end of the module.
def broken(:
    pass
