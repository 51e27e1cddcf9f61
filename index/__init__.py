"""Storage, retrieval and answering over the news index."""
