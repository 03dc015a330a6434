"""The service layer: business operations with no knowledge of HTTP requests."""
