"""Layer 2, storage: where bytes live (a local folder, or fsspec/S3), atomic writes, writer locks, log files.

`storage` (the one seam for remote workspaces), `s3`, `options`, `leftovers` (temporary files of dead
writers), `locks` (fcntl, leases), `redis_lock`, `log_writer` and its helper process. Knows nothing of
tasks or formats. May import `_luigi` and `errors`.
"""
