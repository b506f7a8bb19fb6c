"""An ONNX graph of a BERT encoder, built from its safetensors weights.

The weights package ships PyTorch-format weights only, and converting them the usual way needs
PyTorch. A BERT encoder is a short, fixed sequence of standard ONNX operators, so the graph is
written out here and onnxruntime runs it: on two cores it parses a customer message in a few
milliseconds, where the same forward pass in numpy took 13 ms (memory-bound on the weights).
The graph's output is the last hidden state; pooling is the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17  # the first with LayerNormalization


@dataclass
class _GraphBuilder:
    nodes: list[onnx.NodeProto] = field(default_factory=list)
    initializers: list[onnx.TensorProto] = field(default_factory=list)
    _count: int = 0

    def constant(self, name: str, value: Any) -> str:
        self.initializers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(self, kind: str, inputs: list[str], outputs: int = 1, **attributes: Any) -> Any:
        self._count += 1
        names = [f"{kind}_{self._count}_{n}" for n in range(outputs)]
        self.nodes.append(helper.make_node(kind, inputs, names, **attributes))
        return names[0] if outputs == 1 else names

    def linear(self, x: str, name: str, weight: np.ndarray, bias: np.ndarray) -> str:
        """x @ weight.T + bias, for a PyTorch (out, in) weight."""
        w = self.constant(name + ".w", np.ascontiguousarray(weight.T, dtype=np.float32))
        b = self.constant(name + ".b", bias.astype(np.float32))
        return self.op("Add", [self.op("MatMul", [x, w]), b])

    def residual_norm(
        self, x: str, update: str, weights: dict[str, np.ndarray], key: str, eps: float
    ) -> str:
        """LayerNorm(x + update), with the state dict's `key`.weight and `key`.bias."""
        w = self.constant(key + ".weight", weights[key + ".weight"])
        b = self.constant(key + ".bias", weights[key + ".bias"])
        total = self.op("Add", [x, update])
        return self.op("LayerNormalization", [total, w, b], axis=-1, epsilon=eps)


@dataclass(frozen=True)
class _Shapes:
    """The constants every layer of the graph reuses."""

    heads: int
    hidden: int
    eps: float
    zero: str
    unit: str
    split_heads: str
    merge_heads: str
    thirds: str
    half: str
    root2: str

    @property
    def size(self) -> int:
        return self.hidden // self.heads


def _shapes(g: _GraphBuilder, config: dict[str, Any]) -> _Shapes:
    heads, hidden = int(config["num_attention_heads"]), int(config["hidden_size"])
    return _Shapes(
        heads=heads,
        hidden=hidden,
        eps=float(config["layer_norm_eps"]),
        zero=g.constant("zero", np.array([0], np.int64)),
        unit=g.constant("unit", np.array(1.0, np.float32)),
        split_heads=g.constant(
            "split_heads", np.array([0, 0, 3, heads, hidden // heads], np.int64)
        ),
        merge_heads=g.constant("merge_heads", np.array([0, 0, hidden], np.int64)),
        thirds=g.constant("thirds", np.array([1, 1, 1], np.int64)),
        half=g.constant("half", np.array(0.5, np.float32)),
        root2=g.constant("root2", np.array(np.sqrt(2.0), np.float32)),
    )


def _embeddings(g: _GraphBuilder, w: dict[str, np.ndarray], shapes: _Shapes) -> str:
    """Word plus position embeddings (token type 0), normalised."""
    one = g.constant("one", np.array([1], np.int64))
    words = g.constant("word_embeddings", w["embeddings.word_embeddings.weight"])
    positions = g.constant("position_embeddings", w["embeddings.position_embeddings.weight"])
    token_type = g.constant("token_type_0", w["embeddings.token_type_embeddings.weight"][0])
    length = g.op("Gather", [g.op("Shape", ["input_ids"]), one])
    zero = shapes.zero
    x = g.op(
        "Add",
        [g.op("Gather", [words, "input_ids"]), g.op("Slice", [positions, zero, length, zero])],
    )
    return g.residual_norm(x, token_type, w, "embeddings.LayerNorm", shapes.eps)


def _padding(g: _GraphBuilder, shapes: _Shapes) -> str:
    """Padding gets a large negative attention score: batch x 1 x 1 x tokens."""
    padding = g.op(
        "Mul",
        [
            g.op("Sub", [shapes.unit, "attention_mask"]),
            g.constant("big", np.array(-1e9, np.float32)),
        ],
    )
    return g.op("Unsqueeze", [padding, g.constant("axes_1_2", np.array([1, 2], np.int64))])


def _attention(
    g: _GraphBuilder, x: str, w: dict[str, np.ndarray], p: str, padding: str, shapes: _Shapes
) -> str:
    """Multi-head self-attention of layer prefix `p`, before its residual norm."""
    # Query, key and value as one product; the query pre-scaled by 1/sqrt(head size).
    scale = 1.0 / np.sqrt(shapes.size)
    qkv = g.linear(
        x,
        p + "qkv",
        np.vstack(
            [
                w[p + "attention.self.query.weight"] * scale,
                w[p + "attention.self.key.weight"],
                w[p + "attention.self.value.weight"],
            ]
        ),
        np.concatenate(
            [
                w[p + "attention.self.query.bias"] * scale,
                w[p + "attention.self.key.bias"],
                w[p + "attention.self.value.bias"],
            ]
        ),
    )
    # batch x tokens x 3 x heads x size -> 3 x batch x heads x tokens x size
    qkv = g.op("Transpose", [g.op("Reshape", [qkv, shapes.split_heads])], perm=[2, 0, 3, 1, 4])
    # Split, not Gather: onnxruntime 1.19's GatherSliceToSplit fusion names its nodes
    # alike and then rejects the graph.
    q, k, v = (
        g.op("Squeeze", [t, shapes.zero])
        for t in g.op("Split", [qkv, shapes.thirds], outputs=3, axis=0)
    )
    scores = g.op("MatMul", [q, g.op("Transpose", [k], perm=[0, 1, 3, 2])])
    attention = g.op("Softmax", [g.op("Add", [scores, padding])], axis=-1)
    context = g.op("Transpose", [g.op("MatMul", [attention, v])], perm=[0, 2, 1, 3])
    context = g.op("Reshape", [context, shapes.merge_heads])
    return g.linear(
        context,
        p + "attention.output",
        w[p + "attention.output.dense.weight"],
        w[p + "attention.output.dense.bias"],
    )


def _feed_forward(
    g: _GraphBuilder, x: str, w: dict[str, np.ndarray], p: str, shapes: _Shapes
) -> str:
    inner = g.linear(
        x, p + "intermediate", w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"]
    )
    # BERT's exact GELU: x * (1 + erf(x / sqrt 2)) / 2.
    gelu = g.op(
        "Mul",
        [
            g.op("Mul", [inner, shapes.half]),
            g.op("Add", [g.op("Erf", [g.op("Div", [inner, shapes.root2])]), shapes.unit]),
        ],
    )
    return g.linear(gelu, p + "output", w[p + "output.dense.weight"], w[p + "output.dense.bias"])


def bert_graph(weights: dict[str, np.ndarray], config: dict[str, Any]) -> onnx.ModelProto:
    """Inputs `input_ids` (int64, batch x tokens) and `attention_mask` (float32, 1 = token);
    output `hidden` (float32, batch x tokens x hidden size), as Hugging Face's BertModel.
    """
    g, w = _GraphBuilder(), weights
    shapes = _shapes(g, config)
    x = _embeddings(g, w, shapes)
    padding = _padding(g, shapes)
    for n in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{n}."
        attended = _attention(g, x, w, p, padding, shapes)
        x = g.residual_norm(x, attended, w, p + "attention.output.LayerNorm", shapes.eps)
        out = _feed_forward(g, x, w, p, shapes)
        x = g.residual_norm(x, out, w, p + "output.LayerNorm", shapes.eps)
    g.nodes.append(helper.make_node("Identity", [x], ["hidden"]))
    batch_tokens = ["batch", "tokens"]
    graph = helper.make_graph(
        g.nodes,
        "bert",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, batch_tokens),
            helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, batch_tokens),
        ],
        [
            helper.make_tensor_value_info(
                "hidden", TensorProto.FLOAT, [*batch_tokens, shapes.hidden]
            )
        ],
        g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8  # what onnxruntime 1.19 reads
    onnx.checker.check_model(model)
    return model
