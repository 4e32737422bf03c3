"""Packages for the platforms instructors grade on: Gradescope's autograder zip and GitHub Classroom's workflow."""
