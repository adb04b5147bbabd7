"""The category taxonomy: the pipeline's source and the API for the phone's picker."""
