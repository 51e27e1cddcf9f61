"""Training the answer reader (`make train-reader`): examples, cached features, the loop."""
