"""Open exports: reports and hotspots as GeoJSON, cases as CSV, and the table and XML writers."""
