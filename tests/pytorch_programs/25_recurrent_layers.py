"""PyTorch's recurrent layers, nn.RNN, nn.LSTM and nn.GRU, with weights from NumPy: shapes, outputs,
gradients, and a few steps of training a sequence regressor."""

# ruff: noqa: B007, RUF059  (the tutorials' own idioms, kept on purpose)

import numpy as np
import torch
import torch.nn as nn

rng = np.random.RandomState(10)


def load_numpy_weights(module, scale=0.3):
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(torch.tensor(rng.uniform(-scale, scale, tuple(p.shape)), dtype=torch.float32))


x = torch.tensor(rng.randn(4, 5, 3), dtype=torch.float32)  # batch 4, length 5, 3 features

for layer in [
    nn.RNN(3, 6, batch_first=True),
    nn.LSTM(3, 6, batch_first=True),
    nn.GRU(3, 6, num_layers=2, batch_first=True),
]:
    load_numpy_weights(layer)
    print(layer)
    print([name for name, _ in layer.named_parameters()][:4])
    output, state = layer(x)
    h = state[0] if isinstance(state, tuple) else state
    print(output.shape, h.shape, round(output.sum().item(), 4), round(h.abs().sum().item(), 4))
    output.pow(2).sum().backward()
    print("grad", round(layer.weight_ih_l0.grad.norm().item(), 4))


class SequenceRegressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=3, hidden_size=8, batch_first=True)
        self.head = nn.Linear(8, 1)

    def forward(self, x):
        out, (h_n, c_n) = self.lstm(x)
        return self.head(out[:, -1, :])


model = SequenceRegressor()
load_numpy_weights(model)
target = x.sum(dim=(1, 2)).unsqueeze(1) / 5
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(20):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), target)
    loss.backward()
    optimizer.step()
    if step % 5 == 0:
        print(step, round(loss.item(), 5))
