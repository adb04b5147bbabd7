"""The residents' public web page: report a hazard from any browser, follow it, and the public map of reports."""
