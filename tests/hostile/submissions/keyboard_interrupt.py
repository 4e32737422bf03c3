# module: filters
# raise KeyboardInterrupt inside a function: must not stop the grader.
def apply_filter_at(image, kernel, row, col):
    raise KeyboardInterrupt
