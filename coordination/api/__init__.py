"""The REST API under /api/v1/: tokens, resources, the OpenAPI document and its page."""
