"""Hazard reports: intake, who may see them, the API and its schemas, presenters."""
