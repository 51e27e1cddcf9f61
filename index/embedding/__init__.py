"""Text to vectors: the bundled e5 model, derived offline, run on torch (fp32) or ONNX (int8)."""

from index.embedding.encoder import Embedder, Encoder, load_encoder, model_label

__all__ = ["Embedder", "Encoder", "load_encoder", "model_label"]
