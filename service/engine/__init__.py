"""The SpiffWorkflow adapter: parse, validate, run and serialize processes.

Knows SpiffWorkflow and nothing of Flask, SQL or Redis; `flows` drives it.
"""
