"""Marshmallow schemas: request validation and the OpenAPI document."""
