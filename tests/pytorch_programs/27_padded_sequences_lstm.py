"""Sequences of different lengths, as the tutorials batch them: pad_sequence, an Embedding and
a bidirectional LSTM over a PackedSequence, pad_packed_sequence, and cells stepped by hand.

Weights come from NumPy and the data is fixed, so every number must agree with PyTorch.
"""

# ruff: noqa: B007, RUF059  (the tutorials' own idioms, kept on purpose)

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

rng = np.random.RandomState(27)


def load_numpy_weights(module, scale=0.4):
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(torch.tensor(rng.uniform(-scale, scale, tuple(p.shape)), dtype=torch.float32))


sentences = [[3, 1, 4, 1, 5], [9, 2], [6, 5, 3, 5], [8, 9, 7]]
labels = torch.tensor([0, 1, 1, 0])
lengths = torch.tensor([len(s) for s in sentences])
padded = pad_sequence([torch.tensor(s) for s in sentences], batch_first=True)
print(padded.shape, padded.tolist())


class SentenceClassifier(nn.Module):
    def __init__(self, vocab=10, embed=4, hidden=5, classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed, padding_idx=0)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, classes)

    def forward(self, tokens, lengths):
        embedded = self.embedding(tokens)
        packed = pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)
        packed_out, (h_n, c_n) = self.lstm(packed)
        out, out_lengths = pad_packed_sequence(packed_out, batch_first=True)
        final = torch.cat([h_n[-2], h_n[-1]], dim=1)
        return self.fc(final), out, out_lengths


model = SentenceClassifier()
load_numpy_weights(model)
print(model)
logits, out, out_lengths = model(padded, lengths)
print(out.shape, out_lengths.tolist(), round(out.abs().sum().item(), 4))
print("padding stays zero:", out[1, 2:].abs().sum().item())
print([round(v, 4) for v in logits.flatten().tolist()])

optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
criterion = nn.CrossEntropyLoss()
for step in range(15):
    optimizer.zero_grad()
    logits, _, _ = model(padded, lengths)
    loss = criterion(logits, labels)
    loss.backward()
    optimizer.step()
    if step % 5 == 0:
        print(step, round(loss.item(), 5))
print("predictions", logits.argmax(dim=1).tolist())

packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
print(packed.batch_sizes.tolist(), packed.sorted_indices.tolist(), packed.data.tolist())

# the same recurrence stepped by hand with cells
gru_cell, lstm_cell = nn.GRUCell(3, 4), nn.LSTMCell(3, 4)
load_numpy_weights(gru_cell)
load_numpy_weights(lstm_cell)
xs = torch.tensor(rng.randn(6, 2, 3), dtype=torch.float32)
h = torch.zeros(2, 4)
state = None
for x_t in xs:
    h = gru_cell(x_t, h)
    state = lstm_cell(x_t, state)
print(round(h.sum().item(), 4), round(state[0].sum().item(), 4), round(state[1].sum().item(), 4))
(h.pow(2).sum() + state[1].sum()).backward()
print("grads", round(gru_cell.weight_hh.grad.norm().item(), 4))
print("grads", round(lstm_cell.bias_ih.grad.sum().item(), 4))
