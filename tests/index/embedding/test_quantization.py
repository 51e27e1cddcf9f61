"""The int8 recipe leaves the nodes it is told to leave in fp32, and fails loudly when none is
found (a renamed export would otherwise be quantized whole without a word)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from index.embedding.onnx_int8 import quantize_int8


def two_layer_graph(path: Path) -> None:
    """x -> MatMul (a feed-forward input projection) -> MatMul (its output projection)."""
    rng = np.random.default_rng(0)
    up = numpy_helper.from_array(rng.normal(size=(8, 16)).astype(np.float32), "up_w")
    down = numpy_helper.from_array(rng.normal(size=(16, 8)).astype(np.float32), "down_w")
    nodes = [
        helper.make_node("MatMul", ["x", "up_w"], ["h"], name="/layer.0/intermediate/dense/MatMul"),
        helper.make_node("MatMul", ["h", "down_w"], ["y"], name="/layer.0/output/dense/MatMul"),
    ]
    graph = helper.make_graph(
        nodes,
        "ffn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 8])],
        [up, down],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))


def matmuls(path: Path) -> dict[str, str]:
    """Each matrix product of the graph (MatMul in fp32, MatMulInteger in int8) by name."""
    nodes = onnx.load(str(path)).graph.node
    return {node.name: node.op_type for node in nodes if node.op_type.startswith("MatMul")}


def test_the_named_projection_stays_fp32_and_the_rest_is_quantized(tmp_path: Path) -> None:
    two_layer_graph(tmp_path / "fp32.onnx")
    quantize_int8(tmp_path / "fp32.onnx", tmp_path / "all.onnx")
    quantize_int8(
        tmp_path / "fp32.onnx", tmp_path / "kept.onnx", (r"/layer\.\d+/output/dense/MatMul$",)
    )
    everything = matmuls(tmp_path / "all.onnx")
    assert set(everything.values()) == {"MatMulInteger"}
    kept = matmuls(tmp_path / "kept.onnx")
    assert kept["/layer.0/output/dense/MatMul"] == "MatMul"
    assert sorted(kept.values()) == ["MatMul", "MatMulInteger"]
    # Both still compute the same function, within int8's error.
    x = np.random.default_rng(1).normal(size=(4, 8)).astype(np.float32)
    (reference,) = ort.InferenceSession(str(tmp_path / "fp32.onnx")).run(None, {"x": x})
    (mixed,) = ort.InferenceSession(str(tmp_path / "kept.onnx")).run(None, {"x": x})
    assert np.corrcoef(reference.ravel(), mixed.ravel())[0, 1] > 0.99


def test_a_pattern_that_names_no_node_stops_the_build(tmp_path: Path) -> None:
    two_layer_graph(tmp_path / "fp32.onnx")
    with pytest.raises(ValueError, match="matches"):
        quantize_int8(tmp_path / "fp32.onnx", tmp_path / "out.onnx", (r"/renamed/MatMul$",))
    assert not (tmp_path / "out.onnx").exists()
