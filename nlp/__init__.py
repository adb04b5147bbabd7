"""GridWatch nlp: normalisation, PII masking, segmentation, keywords, places, speech, hotspots."""
