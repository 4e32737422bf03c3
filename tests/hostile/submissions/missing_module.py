# delete: filters
# The module filters.py is missing from the submission.
