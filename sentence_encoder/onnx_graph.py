"""An ONNX graph of a BERT encoder, built from its safetensors weights.

The weights package ships PyTorch-format weights only, and converting them the usual way needs
PyTorch. A BERT encoder is a short, fixed sequence of operators, so the graph is written out
here and onnxruntime runs it: on two cores it parses a customer message in a few milliseconds,
where the same forward pass in numpy took 13 ms (memory-bound on the weights).

Each layer is seven nodes: onnxruntime's fused CPU kernels of the com.microsoft domain
(Attention: the query/key/value product, heads and the padding mask in one kernel;
BiasGelu; SkipLayerNormalization: bias, residual and LayerNorm in one) between the three
other matrix products. The maths is BERT's own (exact erf GELU, the same scaling), so the
vectors equal those of the standard-operator graph this replaced to float rounding, in about a
quarter of the nodes (bench/README.md, "Where the Rasa server's time goes").
The graph's output is the last hidden state; pooling is the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17  # the first with LayerNormalization
FUSED = "com.microsoft"  # onnxruntime's contrib operators


@dataclass
class _GraphBuilder:
    nodes: list[onnx.NodeProto] = field(default_factory=list)
    initializers: list[onnx.TensorProto] = field(default_factory=list)
    _count: int = 0

    def constant(self, name: str, value: Any) -> str:
        self.initializers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def weight(self, name: str, torch_weight: np.ndarray) -> str:
        """A PyTorch (out, in) weight as the (in, out) right operand of MatMul."""
        return self.constant(name, np.ascontiguousarray(torch_weight.T, dtype=np.float32))

    def op(self, kind: str, inputs: list[str], **attributes: Any) -> str:
        self._count += 1
        name = f"{kind}_{self._count}"
        self.nodes.append(helper.make_node(kind, inputs, [name], **attributes))
        return name


def _embeddings(g: _GraphBuilder, w: dict[str, np.ndarray], eps: float) -> str:
    """Word plus position embeddings (token type 0), normalised."""
    zero = g.constant("zero", np.array([0], np.int64))
    words = g.constant("word_embeddings", w["embeddings.word_embeddings.weight"])
    positions = g.constant("position_embeddings", w["embeddings.position_embeddings.weight"])
    token_type = g.constant("token_type_0", w["embeddings.token_type_embeddings.weight"][0])
    length = g.op("Gather", [g.op("Shape", ["input_ids"]), g.constant("one", np.array([1]))])
    x = g.op(
        "Add",
        [g.op("Gather", [words, "input_ids"]), g.op("Slice", [positions, zero, length, zero])],
    )
    gamma = g.constant("embeddings.gamma", w["embeddings.LayerNorm.weight"])
    beta = g.constant("embeddings.beta", w["embeddings.LayerNorm.bias"])
    x = g.op("Add", [x, token_type])
    return g.op("LayerNormalization", [x, gamma, beta], axis=-1, epsilon=eps)


def _attention(
    g: _GraphBuilder, x: str, w: dict[str, np.ndarray], p: str, mask: str, heads: int
) -> str:
    """Self-attention of layer prefix `p` through its output product (bias not yet added)."""
    parts = [p + f"attention.self.{part}." for part in ("query", "key", "value")]
    qkv_weight = np.vstack([w[part + "weight"] for part in parts])
    qkv_bias = np.concatenate([w[part + "bias"] for part in parts]).astype(np.float32)
    # Scales the scores by 1/sqrt(head size), as BERT does; padding gets -10000 before softmax.
    context = g.op(
        "Attention",
        [x, g.weight(p + "qkv.w", qkv_weight), g.constant(p + "qkv.b", qkv_bias), mask],
        domain=FUSED,
        num_heads=heads,
    )
    output = g.weight(p + "attention.out.w", w[p + "attention.output.dense.weight"])
    return g.op("MatMul", [context, output])


def _feed_forward(g: _GraphBuilder, x: str, w: dict[str, np.ndarray], p: str) -> str:
    """The feed-forward block with BERT's exact (erf) GELU, its output bias not yet added."""
    inner = g.op("MatMul", [x, g.weight(p + "inner.w", w[p + "intermediate.dense.weight"])])
    bias = g.constant(p + "inner.b", w[p + "intermediate.dense.bias"])
    gelu = g.op("BiasGelu", [inner, bias], domain=FUSED)
    return g.op("MatMul", [gelu, g.weight(p + "out.w", w[p + "output.dense.weight"])])


def _residual_norm(
    g: _GraphBuilder, x: str, update: str, w: dict[str, np.ndarray], key: str, eps: float
) -> str:
    """LayerNorm(x + update + the dense bias), with LayerNorm weights `key`.LayerNorm.*."""
    gamma = g.constant(key + "gamma", w[key + "LayerNorm.weight"])
    beta = g.constant(key + "beta", w[key + "LayerNorm.bias"])
    bias = g.constant(key + "bias", w[key + "dense.bias"])
    return g.op("SkipLayerNormalization", [update, x, gamma, beta, bias], domain=FUSED, epsilon=eps)


def bert_graph(weights: dict[str, np.ndarray], config: dict[str, Any]) -> onnx.ModelProto:
    """Inputs `input_ids` (int64, batch x tokens) and `attention_mask` (float32, 1 = token);
    output `hidden` (float32, batch x tokens x hidden size), as Hugging Face's BertModel.
    """
    g, w = _GraphBuilder(), weights
    heads, hidden = int(config["num_attention_heads"]), int(config["hidden_size"])
    eps = float(config["layer_norm_eps"])
    x = _embeddings(g, w, eps)
    mask = g.op("Cast", ["attention_mask"], to=TensorProto.INT32)  # what Attention takes
    for n in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{n}."
        attended = _attention(g, x, w, p, mask, heads)
        x = _residual_norm(g, x, attended, w, p + "attention.output.", eps)
        x = _residual_norm(g, x, _feed_forward(g, x, w, p), w, p + "output.", eps)
    g.nodes.append(helper.make_node("Identity", [x], ["hidden"]))
    batch_tokens = ["batch", "tokens"]
    graph = helper.make_graph(
        g.nodes,
        "bert",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, batch_tokens),
            helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, batch_tokens),
        ],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, [*batch_tokens, hidden])],
        g.initializers,
    )
    opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid(FUSED, 1)]
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 8  # what onnxruntime 1.19 reads
    onnx.checker.check_model(model)
    return model
