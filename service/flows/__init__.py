"""Application services: the one way in for every change to a process instance.

Each public function is one use case and one transaction: load, act, run engine
steps, re-project tasks, compute the next wake-up, append audit events and outbox
rows, commit once. The HTTP API and the RQ jobs are thin callers.
"""
