"""Hand-computation questions with per-student parameters, answered in answers.yaml (docs/variants.md).

    assignment.yaml `questions:` ──► draw (params seeded by course seed + student id) ──► render (QUESTIONS.md,
    answers.yaml template)          answers.yaml ──► answers (read safely) ──► grading (one CaseResult each)
"""
