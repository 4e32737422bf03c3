# module: filters
# Returns objects whose __reduce__ would run code on whoever unpickles them (and a lambda, and a generator).
import os as _os


class Payload:
    def __reduce__(self):
        return (_os.system, ("touch {MARKER}",))


def edge_kernels():
    return {"vertical": Payload(), "horizontal": lambda: None, "sobel_vertical": (i for i in range(3)),
            "sobel_horizontal": Payload(), "scharr_vertical": Payload(), "scharr_horizontal": Payload()}
