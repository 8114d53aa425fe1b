"""The analysts' review loop for what inference cannot settle."""
