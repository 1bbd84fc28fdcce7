"""Score a batch of reports in parallel, reuse what did not change, and never stop on a
bad file: the phases are in pipeline.py, worker processes in pool.py and workers.py."""

from .discover import Job, discover, discover_jobs, output_names, safe_name
from .pipeline import BatchOutcome, BatchRequest, run_batch
from .pool import default_jobs
from .workers import score_file

__all__ = ["BatchOutcome", "BatchRequest", "Job", "default_jobs", "discover", "discover_jobs", "output_names",
           "run_batch", "safe_name", "score_file"]
