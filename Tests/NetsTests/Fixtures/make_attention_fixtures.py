#!/usr/bin/env python3
"""Reference values of AttentionLayer, NormalizationLayer, NetMapOperator and a Transformer
encoder block, computed with PyTorch (torch 2.13.0+cpu, float64, then stored as float32):

- "dot": F.scaled_dot_product_attention of 2 queries over 5 keys/values (key size 4, value
  size 3), scaled by 1/sqrt(4), with the gradients of keys, values and queries for an
  upstream gradient "gy";
- "causal": self-attention of 5 vectors with is_causal=True (unscaled: scale=1);
- "bilinear": scores k . W . q written out with torch.einsum;
- "layerNorm": nn.LayerNorm(4, eps=1e-3) on {2, 3, 4} with random weight and bias;
- "multiHead": nn.MultiheadAttention(8, 2, batch_first=True) self-attention of {2, 5, 8};
- "encoder": nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0,
  layer_norm_eps=1e-3, batch_first=True) in eval mode, with the input's gradient for "gy".

Every weight is stored under the name NetsTests gives it. Run from this folder:
python3 make_attention_fixtures.py  (writes attention.json).
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(1130)
torch.set_default_dtype(torch.float64)


def t(x):
    x = x.detach().to(torch.float32)
    return {"shape": list(x.shape), "values": [float(v) for v in x.reshape(-1)]}


def leaf(*shape):
    return torch.randn(*shape).requires_grad_(True)


out = {}

# Single-head dot attention, batch 2.
k, v, q = leaf(2, 5, 4), leaf(2, 5, 3), leaf(2, 2, 4)
y = F.scaled_dot_product_attention(q, k, v)
gy = torch.randn_like(y)
y.backward(gy)
out["dot"] = {"key": t(k), "value": t(v), "query": t(q), "output": t(y), "gy": t(gy),
              "dkey": t(k.grad), "dvalue": t(v.grad), "dquery": t(q.grad)}

# Causal self-attention without rescaling.
x = torch.randn(2, 5, 4)
y = F.scaled_dot_product_attention(x, x, x, is_causal=True, scale=1.0)
out["causal"] = {"input": t(x), "output": t(y)}

# Bilinear scores s = k . W . q.
w = torch.randn(4, 3) * 0.5
k, v, q = torch.randn(2, 5, 4), torch.randn(2, 5, 3), torch.randn(2, 2, 3)
scores = torch.einsum("bjk,kq,biq->bij", k, w, q)
y = torch.softmax(scores, dim=-1) @ v
out["bilinear"] = {"weights": t(w), "key": t(k), "value": t(v), "query": t(q), "output": t(y)}

# Layer normalization of each vector of a sequence.
ln = torch.nn.LayerNorm(4, eps=1e-3)
with torch.no_grad():
    ln.weight.copy_(torch.rand(4) + 0.5)
    ln.bias.copy_(torch.randn(4) * 0.1)
x = torch.randn(2, 3, 4)
out["layerNorm"] = {"scaling": t(ln.weight), "biases": t(ln.bias), "input": t(x), "output": t(ln(x))}


def projections(w, b, d):
    """The packed in-projection of MultiheadAttention as the query, key and value linear layers."""
    return {name: {"Weights": t(w[i * d:(i + 1) * d]), "Biases": t(b[i * d:(i + 1) * d])}
            for i, name in enumerate(["query", "key", "value"])}


# Multi-head self-attention: 2 heads of size 4.
mha = torch.nn.MultiheadAttention(8, 2, batch_first=True)
with torch.no_grad():
    mha.in_proj_bias.copy_(torch.randn(24) * 0.1)
    mha.out_proj.bias.copy_(torch.randn(8) * 0.1)
x = torch.randn(2, 5, 8)
y = mha(x, x, x, need_weights=False)[0]
arrays = projections(mha.in_proj_weight, mha.in_proj_bias, 8)
arrays["output"] = {"Weights": t(mha.out_proj.weight), "Biases": t(mha.out_proj.bias)}
out["multiHead"] = {"arrays": arrays, "input": t(x), "output": t(y)}

# A Transformer encoder block (post-norm, ReLU feed-forward).
block = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, layer_norm_eps=1e-3, batch_first=True)
with torch.no_grad():
    block.self_attn.in_proj_bias.copy_(torch.randn(24) * 0.1)
    for norm in (block.norm1, block.norm2):
        norm.weight.copy_(torch.rand(8) + 0.5)
        norm.bias.copy_(torch.randn(8) * 0.1)
block.eval()
x = leaf(2, 5, 8)
y = block(x)
gy = torch.randn_like(y)
y.backward(gy)
a = block.self_attn
arrays = projections(a.in_proj_weight, a.in_proj_bias, 8)
arrays["output"] = {"Weights": t(a.out_proj.weight), "Biases": t(a.out_proj.bias)}
arrays["norm1"] = {"Scaling": t(block.norm1.weight), "Biases": t(block.norm1.bias)}
arrays["hidden"] = {"Weights": t(block.linear1.weight), "Biases": t(block.linear1.bias)}
arrays["projection"] = {"Weights": t(block.linear2.weight), "Biases": t(block.linear2.bias)}
arrays["norm2"] = {"Scaling": t(block.norm2.weight), "Biases": t(block.norm2.bias)}
out["encoder"] = {"arrays": arrays, "input": t(x), "output": t(y), "gy": t(gy), "dinput": t(x.grad)}

with open("attention.json", "w") as fh:
    json.dump(out, fh)
