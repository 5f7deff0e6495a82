"""A character-level MLP language model (context of 3): nn.Embedding, tanh, F.cross_entropy.

The minibatches are drawn by a seeded NumPy generator and the weights come from NumPy, so both
frameworks take the same steps; the learning rate drops after half the steps.
"""

# ruff: noqa: RUF005  (the tutorials' own idioms, kept on purpose)

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

text = (
    "the quick brown fox jumps over the lazy dog. a small model learns which letter follows "
    "which. it reads three letters and guesses the fourth, again and again, until the loss falls."
)
chars = sorted(set(text))
stoi = {ch: i for i, ch in enumerate(chars)}
itos = {i: ch for ch, i in stoi.items()}
vocab_size = len(chars)
block_size = 3

X, Y = [], []
context = [0] * block_size
for ch in text:
    ix = stoi[ch]
    X.append(context)
    Y.append(ix)
    context = context[1:] + [ix]
X = torch.tensor(X)
Y = torch.tensor(Y)
print(X.shape, X.dtype, Y.shape, Y.dtype, "vocabulary", vocab_size)

n1 = int(0.9 * len(X))
Xtr, Ytr, Xdev, Ydev = X[:n1], Y[:n1], X[n1:], Y[n1:]


class CharMLP(nn.Module):
    def __init__(self, vocab_size, n_embd=8, n_hidden=64):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, n_embd)
        self.hidden = nn.Linear(block_size * n_embd, n_hidden)
        self.out = nn.Linear(n_hidden, vocab_size)

    def forward(self, idx):
        emb = self.emb(idx)
        h = torch.tanh(self.hidden(emb.view(emb.shape[0], -1)))
        return self.out(h)


model = CharMLP(vocab_size)
rng = np.random.RandomState(3)
model.load_state_dict(
    {
        k: torch.tensor(0.2 * rng.randn(*v.shape), dtype=torch.float32)
        for k, v in model.state_dict().items()
    }
)
print("parameters", sum(p.nelement() for p in model.parameters()))
print("embedding", model.emb.weight.shape, model.emb(Xtr[:2]).shape)

C = model.emb.weight
print("indexing C[X] equals the embedding:", torch.equal(C[Xtr[:5]], model.emb(Xtr[:5])))

steps = 400
for i in range(steps):
    ix = torch.from_numpy(rng.randint(0, Xtr.shape[0], (32,)))
    logits = model(Xtr[ix])
    loss = F.cross_entropy(logits, Ytr[ix])
    for p in model.parameters():
        p.grad = None
    loss.backward()
    lr = 0.1 if i < steps // 2 else 0.01
    for p in model.parameters():
        p.data += -lr * p.grad
    if i % 100 == 0:
        print(f"{i:4d}/{steps}: {loss.item():.4f}")


@torch.no_grad()
def split_loss(x, y):
    return F.cross_entropy(model(x), y).item()


print(f"train {split_loss(Xtr, Ytr):.4f} dev {split_loss(Xdev, Ydev):.4f}")
context = [stoi["t"], stoi["h"], stoi["e"]]
out = []
for _ in range(12):
    logits = model(torch.tensor([context]))
    probs = F.softmax(logits, dim=1)
    ix = torch.argmax(probs, dim=1).item()
    context = context[1:] + [ix]
    out.append(itos[ix])
print("greedy continuation of 'the':", repr("".join(out)))
