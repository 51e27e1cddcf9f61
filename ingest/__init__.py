"""Reading, cleaning and chunking articles into the index."""
