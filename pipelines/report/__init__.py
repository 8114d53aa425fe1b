"""Reports: Spanish HTML pages and charts drawn from the marts."""
