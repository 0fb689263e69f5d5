"""Generate the PyTorch fixtures of the import tests (run once, with real PyTorch; not a test).

For every cell (nn.RNN, nn.LSTM, nn.GRU), 1 and 2 layers, language model and classifier, a tiny
``nn.Embedding -> nn.<cell> -> nn.Linear`` network with random weights is written as

* ``NAME.safetensors``  its state dict (the parameter names of nn.Embedding/nn.<cell>/nn.Linear),
* ``NAME.onnx``         ``torch.onnx.export`` of the same network (ONNX LSTM/GRU/RNN ops),
* ``NAME.npz``          PyTorch's own outputs on fixed inputs: per layer the hidden state h
                        (and the LSTM cell state c) at every step, computed step by step with
                        nn.RNNCell/LSTMCell/GRUCell from the layer's weights and checked
                        against the whole module; the language model's logits, or the
                        classifier's class probabilities per document.

plus ``vocab.txt`` (the vocabulary, torchtext-style: ``<unk>`` 0, ``<pad>`` 1). PyTorch is not a
dependency of rnnvis; run this in a separate virtualenv::

    python3 -m venv /tmp/torchenv
    /tmp/torchenv/bin/pip install torch==2.13.0 onnx==1.23.2 safetensors==0.8.0 numpy
    /tmp/torchenv/bin/python scripts/make_import_fixtures.py tests/fixtures/imports
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

VOCAB = ["<unk>", "<pad>", "the", "a", "cat", "dog", "sat", "ran", "on", "mat", "and", "big",
         "small", "<eos>", "saw", "it"]
EMBED, HIDDEN, CLASSES = 5, 4, 3
MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
CELLS = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}
LM_TOKENS = [2, 4, 6, 8, 2, 9, 13, 3, 5, 7, 10, 14, 15, 0, 11, 12]      # no <pad> (id 1)
DOCUMENTS = [[2, 4, 6], [3, 11, 5, 7, 8, 2, 9], [14], [12, 4, 10, 3, 5]]


class Net(nn.Module):
    """Embedding -> recurrent stack -> Linear (every step for a language model, the last for a
    classifier)."""

    def __init__(self, cell: str, layers: int, lm: bool):
        super().__init__()
        self.lm = lm
        self.embedding = nn.Embedding(len(VOCAB), EMBED)
        self.rnn = MODULES[cell](EMBED, HIDDEN, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(HIDDEN, len(VOCAB) if lm else CLASSES)

    def forward(self, tokens):
        out = self.rnn(self.embedding(tokens))[0]
        return self.fc(out if self.lm else out[:, -1])


def step_states(net: Net, cell: str, layers: int, tokens: list[int]) -> dict:
    """Every layer's h (and c) at every step, from nn.<Cell>s holding each layer's weights."""
    x = net.embedding(torch.tensor(tokens))
    out = {}
    for l in range(layers):
        c = CELLS[cell](x.shape[1], HIDDEN)
        for part in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(c, part).data.copy_(getattr(net.rnn, f"{part}_l{l}").data)
        h = torch.zeros(1, HIDDEN)
        state = (h, torch.zeros(1, HIDDEN)) if cell == "lstm" else h
        hs, cs = [], []
        for t in range(len(tokens)):
            state = c(x[t:t + 1], state)
            hs.append(state[0] if cell == "lstm" else state)
            if cell == "lstm":
                cs.append(state[1])
        x = torch.cat(hs)
        out[f"h{l}"] = x.numpy().copy()
        if cell == "lstm":
            out[f"c{l}"] = torch.cat(cs).numpy().copy()
    whole = net.rnn(net.embedding(torch.tensor([tokens])))[0][0]
    assert torch.allclose(whole, x, atol=1e-6), "step-by-step cells disagree with the module"
    return out


def write(folder: Path, cell: str, layers: int, lm: bool) -> None:
    name = f"{cell}{layers}-{'lm' if lm else 'cls'}"
    torch.manual_seed(zlib.crc32(name.encode()))
    net = Net(cell, layers, lm).eval()
    with torch.no_grad():
        for p in net.parameters():   # larger weights than the default init: clearer states
            p.uniform_(-0.8, 0.8)
        save_file({k: v.contiguous() for k, v in net.state_dict().items()},
                  str(folder / f"{name}.safetensors"))
        expected = {}
        if lm:
            expected.update(tokens=np.array(LM_TOKENS, np.int64),
                            logits=net(torch.tensor([LM_TOKENS]))[0].numpy())
            expected.update(step_states(net, cell, layers, LM_TOKENS))
        else:
            probs = []
            for d, doc in enumerate(DOCUMENTS):
                expected[f"doc{d}"] = np.array(doc, np.int64)
                for k, v in step_states(net, cell, layers, doc).items():
                    expected[f"doc{d}_{k}"] = v
                probs.append(torch.softmax(net(torch.tensor([doc])), -1)[0].numpy())
            expected["probs"] = np.array(probs)
        np.savez_compressed(folder / f"{name}.npz", **expected)
        example = torch.tensor([LM_TOKENS[:5]])
        torch.onnx.export(net, (example,), str(folder / f"{name}.onnx"), input_names=["tokens"],
                          output_names=["logits"], dynamic_axes={"tokens": {0: "batch", 1: "steps"}},
                          opset_version=17, dynamo=False)


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / "vocab.txt").write_text("\n".join(VOCAB) + "\n")
    for cell in MODULES:
        for layers in (1, 2):
            for lm in (True, False):
                write(out, cell, layers, lm)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/imports")
