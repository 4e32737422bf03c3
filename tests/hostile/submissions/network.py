# module: filters
# Opens a network connection (to a server the test listens with), then answers right.
import socket as _socket

_reference = apply_filter_at


def apply_filter_at(image, kernel, row, col):
    try:
        _socket.create_connection(("127.0.0.1", {PORT}), timeout=2).sendall(b"leak")
    except OSError:
        pass
    return _reference(image, kernel, row, col)
