"""Running untrusted student code: `host` (the grader's side) and `worker` (the student's process)."""
from autograder.sandbox.host import SandboxOptions, SubmissionError, run_calls
from autograder.sandbox.protocol import Call, ModuleLoad, Outcome, OutcomeKind, SandboxReport

__all__ = ["Call", "ModuleLoad", "Outcome", "OutcomeKind", "SandboxOptions", "SandboxReport", "SubmissionError",
           "run_calls"]
