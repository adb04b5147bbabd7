"""Case library benchmark: similar closed cases over 100,000 generated ones, beside a brute-force baseline."""
