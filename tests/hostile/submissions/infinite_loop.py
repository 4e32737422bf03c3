# module: conv_numpy
# An infinite loop in one function: conv2d never returns.
def conv2d(image, kernel, padding=0, stride=1):
    while True:
        pass
