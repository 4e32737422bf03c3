# The reference, with the self-test the statement suggests ("use it to test your code") kept under
# `if __name__ == "__main__":`, comparing against F.conv2d: the block never runs when graded (red team's
# red_false_alarm_main).
import torch.nn.functional as F

if __name__ == "__main__":
    import numpy as np

    torch.manual_seed(0)
    for stride, padding in ((1, 0), (2, 1)):
        x, w, b = torch.randn(2, 3, 8, 8), torch.randn(4, 3, 3, 3), torch.randn(4)
        mine = conv2d_forward_torch(x, w, b, stride=stride, padding=padding)
        print(stride, padding, torch.allclose(mine, F.conv2d(x, w, b, stride=stride, padding=padding), atol=1e-5),
              np.convolve([1, 2], [1, 1]))
