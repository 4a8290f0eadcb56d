#!/usr/bin/env python3
"""Small PyTorch checkpoints in both formats, to test nets' own reader: the same state dict
(float, double, half and int64 tensors, one of them a non-contiguous view) saved in the zip
format (torch.save default) and the legacy format (_use_new_zipfile_serialization=False).

Run from this folder: python3 make_checkpoint_fixtures.py  (writes small_zip.pth,
small_legacy.pth and checkpoints.json with the expected values as float32).
"""
import collections
import json

import torch

torch.manual_seed(7)
base = torch.randn(3, 4)
sd = collections.OrderedDict()
sd["layer.weight"] = torch.randn(2, 3)
sd["layer.bias"] = torch.randn(2)
sd["bn.running_var"] = torch.rand(5).double()
sd["bn.num_batches_tracked"] = torch.tensor(1234)
sd["half"] = torch.randn(4).half()
sd["transposed"] = base.t()  # a view with strides (1, 4)
torch.save(sd, "small_zip.pth")
torch.save(sd, "small_legacy.pth", _use_new_zipfile_serialization=False)
expected = {k: {"shape": list(v.shape), "values": [float(x) for x in v.float().reshape(-1)]} for k, v in sd.items()}
with open("checkpoints.json", "w") as f:
    json.dump(expected, f)
