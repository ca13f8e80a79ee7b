"""What an operator watches: structured logs with one access line per request, and Prometheus metrics."""
