"""The worker's seccomp filter: the kernel refuses the student's process every new process, every exec, and every
signal or debugger call aimed at another process. Threads stay allowed (torch's and OpenMP's pools need them).

Standalone (standard library plus PyPI's `pyseccomp`, a ctypes binding of the machine's libseccomp, API-compatible
with libseccomp's own Python bindings, which PyPI does not carry), like worker.py and jail.py beside it in a
private runtime folder. The worker calls `install()` after its set-up and before the student's first line
(warm or cold, after the jail); a seccomp filter cannot be removed and is inherited, so nothing the student's
code does afterwards undoes it. The rules (RULES below), everything else allowed:

    fork, vfork, clone without CLONE_THREAD     EPERM: no new process (a thread is clone with CLONE_THREAD)
    clone3                                      ENOSYS: glibc then falls back to clone, whose flags the filter
                                                reads (clone3's are behind a pointer, which seccomp cannot read)
    execve, execveat                            EPERM: nothing else replaces the worker's program
    kill, tgkill, rt_sigqueueinfo,              EPERM unless aimed at the worker's own pid: no signal to the
    rt_tgsigqueueinfo, pidfd_open               grader, another worker, anything else of the grader's uid
    tkill, pidfd_send_signal                    EPERM (a thread id or a /proc folder cannot be checked)
    fcntl F_SETOWN/F_SETOWN_EX, ioctl           EPERM: no SIGIO (a chosen signal) sent to another process
    FIOSETOWN/SIOCSPGRP
    ptrace, process_vm_readv/writev,            EPERM: no reading or writing another process
    pidfd_getfd, kcmp
    memfd_create                                EPERM: memory in files with no name, which no limit counts
    System V IPC: shmget, shmat, shmctl,        EPERM: shared memory, queues and semaphores live in the kernel,
    msg*, sem* (shmdt allowed); POSIX           not in the worker: no limit counts them and, without an IPC
    message queues: mq_*                        namespace, they outlive it (a red team held 3 GB that way)
    io_uring_setup/enter/register               ENOSYS: its kernel workers act outside this filter's view

Syscalls of another ABI (i386's `int 0x80`, x32) kill the thread (libseccomp's default for a foreign
architecture). `python -I -S process_filter.py --probe` exits 0 where the filter works here (a fork under it
fails with EPERM), and prints why not otherwise.
"""
import errno
import os
import sys

CLONE_THREAD = 0x00010000
F_SETOWN, F_SETOWN_EX = 8, 15
FIOSETOWN, SIOCSPGRP = 0x8901, 0x8902
LOW_32 = 0xFFFFFFFF
PR_SET_NO_NEW_PRIVS = 38

REFUSED = ("fork", "vfork", "execve", "execveat", "tkill", "pidfd_send_signal", "ptrace", "process_vm_readv",
           "process_vm_writev", "pidfd_getfd", "kcmp", "memfd_create",
           "shmget", "shmat", "shmctl", "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop",
           "semctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr")
"""Refused outright (EPERM)."""
ABSENT = ("clone3", "io_uring_setup", "io_uring_enter", "io_uring_register")
"""Made to look unimplemented (ENOSYS), so that libraries take their older path."""
OWN_PID_ONLY = ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_open")
"""Allowed only with the worker's own pid as their first argument."""


class FilterError(Exception):
    """The filter could not be built or loaded here."""


def _seccomp():
    try:
        import pyseccomp
    except (ImportError, OSError) as error:  # OSError: libseccomp.so.2 is missing
        raise FilterError(f"no libseccomp binding (pip install pyseccomp; libseccomp2): {error}") from None
    return pyseccomp


def build(own_pid):
    """The filter as a pyseccomp SyscallFilter, not loaded yet."""
    seccomp = _seccomp()
    refuse, absent = seccomp.ERRNO(errno.EPERM), seccomp.ERRNO(errno.ENOSYS)
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    for name in REFUSED:
        _add(seccomp, rules, refuse, name)
    for name in ABSENT:
        _add(seccomp, rules, absent, name)
    # A process, not a thread: clone whose flags lack CLONE_THREAD (fork, posix_spawn's vfork, a raw clone).
    _add(seccomp, rules, refuse, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_THREAD, 0))
    for name in OWN_PID_ONLY:  # compared on all 64 bits: only exactly the own pid passes
        _add(seccomp, rules, refuse, name, seccomp.Arg(0, seccomp.NE, own_pid))
    # The kernel reads these commands as 32-bit: compare the low 32 bits, whatever a raw call puts above them.
    for command in (F_SETOWN, F_SETOWN_EX):
        _add(seccomp, rules, refuse, "fcntl", seccomp.Arg(1, seccomp.MASKED_EQ, LOW_32, command))
    for command in (FIOSETOWN, SIOCSPGRP):
        _add(seccomp, rules, refuse, "ioctl", seccomp.Arg(1, seccomp.MASKED_EQ, LOW_32, command))
    return rules


def _add(seccomp, rules, action, name, *args):
    try:
        rules.add_rule(action, name, *args)
    except (OSError, ValueError) as error:
        if _known(seccomp, name):
            raise FilterError(f"cannot add the rule for {name}: {error}") from None
        # A syscall this architecture does not have (fork on arm64): nothing to refuse.


def _known(seccomp, name):
    try:
        return seccomp.resolve_syscall(seccomp.Arch.NATIVE, name) >= 0
    except (OSError, ValueError):
        return False


def install():
    """Load the filter into this process (every thread started later inherits it). Raises FilterError."""
    rules = build(os.getpid())
    # Loading a filter needs no_new_privs (or CAP_SYS_ADMIN); the jail sets it too. Neither can be undone.
    import ctypes

    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise FilterError(f"prctl(NO_NEW_PRIVS): {os.strerror(ctypes.get_errno())}")
    try:
        rules.load()
    except OSError as error:
        raise FilterError(f"the kernel refused the seccomp filter: {error}") from None


def probe():
    """'' where the filter loads and refuses a fork here, else why not."""
    try:
        _seccomp()
    except FilterError as error:
        return str(error)
    pid = os.fork()
    if pid == 0:
        try:
            install()
        except FilterError as error:
            os.write(2, f"{error}\n".encode())
            os._exit(2)
        try:
            child = os.fork()
        except PermissionError:
            os._exit(0)
        if child == 0:
            os._exit(0)
        os.write(2, b"the filter loaded but a fork still succeeded\n")
        os._exit(3)
    _, status = os.waitpid(pid, 0)
    return "" if status == 0 else f"exit status {os.waitstatus_to_exitcode(status)}"


def main(argv):
    if argv[1:] == ["--probe"]:
        refused = probe()
        if refused:
            sys.stderr.write(refused + "\n")
        return 1 if refused else 0
    sys.stderr.write("usage: process_filter.py --probe\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
