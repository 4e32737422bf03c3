"""Output formats: each module turns a GradingRun (or several) into one format and knows nothing else."""
