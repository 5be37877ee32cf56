"""Operating the service: Prometheus metrics, the doctor's checks, heartbeats (no business logic here)."""
