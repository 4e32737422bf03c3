"""Sub-commands of `autograder` that live in modules of their own (see COMMAND_MODULES in autograder/cli.py)."""
