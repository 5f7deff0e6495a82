"""Classifying names by language with a hand-written RNN, as the "NLP from scratch" tutorial does.

One-hot letters built by item assignment, `torch.cat((input, hidden), 1)`, LogSoftmax with
NLLLoss, `output.topk(1)`, and parameter updates with `p.data.add_(p.grad.data, alpha=-lr)`.
The training order is fixed and the weights come from NumPy, so the losses must agree.
"""

# ruff: noqa: RUF059  (the tutorials' own idioms, kept on purpose)

import string

import numpy as np
import torch
import torch.nn as nn

all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)
category_lines = {
    "English": ["smith", "jones", "taylor", "brown", "wilson", "walker"],
    "Italian": ["rossi", "russo", "ferrari", "esposito", "bianchi", "romano"],
    "Japanese": ["sato", "suzuki", "takahashi", "tanaka", "watanabe", "ito"],
}
all_categories = list(category_lines)
n_categories = len(all_categories)


def letterToIndex(letter):
    return all_letters.find(letter)


def letterToTensor(letter):
    tensor = torch.zeros(1, n_letters)
    tensor[0][letterToIndex(letter)] = 1
    return tensor


def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor


print(letterToTensor("J").shape, letterToTensor("J").argmax().item())
print(lineToTensor("Jones").size(), lineToTensor("Jones").sum().item())


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, input, hidden):
        combined = torch.cat((input, hidden), 1)
        hidden = torch.tanh(self.i2h(combined))
        output = self.softmax(self.h2o(hidden))
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size)


n_hidden = 32
rnn = RNN(n_letters, n_hidden, n_categories)
rng = np.random.RandomState(9)
for p in rnn.parameters():
    p.data = torch.from_numpy(rng.uniform(-0.15, 0.15, tuple(p.shape)).astype(np.float32))

input = lineToTensor("Albert")
hidden = torch.zeros(1, n_hidden)
output, next_hidden = rnn(input[0], hidden)
print(output.shape, [round(v, 4) for v in output.exp().flatten().tolist()])


def categoryFromOutput(output):
    top_n, top_i = output.topk(1)
    category_i = top_i[0].item()
    return all_categories[category_i], category_i


print(categoryFromOutput(output))

criterion = nn.NLLLoss()
learning_rate = 0.05


def train(category_tensor, line_tensor):
    hidden = rnn.initHidden()
    rnn.zero_grad()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    loss = criterion(output, category_tensor)
    loss.backward()
    for p in rnn.parameters():
        p.data.add_(p.grad.data, alpha=-learning_rate)
    return output, loss.item()


examples = [(c, line) for c in all_categories for line in category_lines[c]]
order = rng.permutation(len(examples))
for epoch in range(6):
    current_loss = 0.0
    for k in order:
        category, line = examples[k]
        category_tensor = torch.tensor([all_categories.index(category)], dtype=torch.long)
        output, loss = train(category_tensor, lineToTensor(line))
        current_loss += loss
    print(f"epoch {epoch} average loss {current_loss / len(examples):.4f}")


def evaluate(line_tensor):
    hidden = rnn.initHidden()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    return output


with torch.no_grad():
    for name in ["tanaka", "rossi", "brown"]:
        output = evaluate(lineToTensor(name))
        topv, topi = output.topk(2, 1, True)
        print(name, [all_categories[i] for i in topi[0].tolist()], round(topv[0][0].item(), 3))
