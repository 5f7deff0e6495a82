"""A character-level bigram language model, course-notebook style: counts, then a one-layer net.

Counting fills an integer matrix by item assignment; the net learns the same table by gradient
descent with `W.data += -lr * W.grad`. Sampling uses greedy decoding (argmax), which does not
depend on the random stream.
"""

# ruff: noqa: RUF005, RUF007, SIM905  (the tutorials' own idioms, kept on purpose)

import numpy as np
import torch
import torch.nn.functional as F

words = (
    "anna bella cara dora ella fiona gina hana iris jana kara lena mira nora olga pia rosa sara "
    "tara uma vera wanda xena yara zora alan boris carl dan emil felix gus hans ivan jon karl leo"
).split()
chars = sorted(list(set("".join(words))))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
V = len(stoi)
print(len(words), "words,", V, "characters")

N = torch.zeros((V, V), dtype=torch.int32)
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        ix1 = stoi[ch1]
        ix2 = stoi[ch2]
        N[ix1, ix2] += 1
print("bigrams counted:", N.sum().item(), "most common after '.':", itos[N[0].argmax().item()])

P = (N + 1).float()
P /= P.sum(1, keepdims=True)
print("rows sum to one:", torch.allclose(P.sum(1), torch.ones(V)))

log_likelihood = 0.0
n = 0
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        prob = P[stoi[ch1], stoi[ch2]]
        log_likelihood += torch.log(prob)
        n += 1
nll = -log_likelihood
print(f"{log_likelihood=:.4f}")
print(f"{nll / n:.4f}")

xs, ys = [], []
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        xs.append(stoi[ch1])
        ys.append(stoi[ch2])
xs = torch.tensor(xs)
ys = torch.tensor(ys)
num = xs.nelement()
print("number of examples:", num, xs.dtype)

xenc = F.one_hot(xs, num_classes=V).float()
print(xenc.shape, xenc.dtype)

W = torch.tensor(np.random.RandomState(42).randn(V, V).astype(np.float32), requires_grad=True)
for k in range(60):
    logits = xenc @ W
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdims=True)
    loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W**2).mean()
    if k % 15 == 0:
        print(k, f"{loss.item():.4f}")
    W.grad = None
    loss.backward()
    W.data += -10 * W.grad

with torch.no_grad():
    logits = xenc @ W
    print("cross_entropy", round(F.cross_entropy(logits, ys).item(), 4))

for start in "abk":
    out = [start]
    ix = stoi[start]
    while True:
        p = F.softmax(W[ix], dim=0)
        ix = torch.argmax(p).item()
        out.append(itos[ix])
        if ix == 0 or len(out) > 8:
            break
    print("".join(out))
