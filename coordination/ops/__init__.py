"""Operations: health checks for load balancers, and trusting a reverse proxy."""
