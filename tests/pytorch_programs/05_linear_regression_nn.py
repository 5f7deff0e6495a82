"""Linear regression the concise way: TensorDataset, DataLoader, nn.Linear, MSELoss, optim.SGD."""

import numpy as np
import torch
from torch import nn
from torch.utils import data

rng = np.random.RandomState(1)
X_np = rng.uniform(-1, 1, size=(200, 3)).astype(np.float32)
y_np = X_np @ np.array([[1.5], [-2.0], [0.5]], dtype=np.float32) + 0.7
features, labels = torch.from_numpy(X_np), torch.from_numpy(y_np)


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


data_iter = load_array((features, labels), batch_size=20, is_train=False)
Xb, yb = next(iter(data_iter))
print(len(data_iter), Xb.shape, yb.shape)

net = nn.Sequential(nn.Linear(3, 1))
net[0].weight.data.fill_(0.1)
net[0].bias.data.fill_(0)
print(net[0].weight.shape, net[0].bias.shape, net[0].in_features, net[0].out_features)

loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
for epoch in range(5):
    for X, y in data_iter:
        l = loss(net(X), y)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(features), labels)
    print(f"epoch {epoch + 1}, loss {l:f}")

w = net[0].weight.data
b = net[0].bias.data
print("w", [round(v, 3) for v in w.flatten().tolist()], "b", round(b.item(), 3))

criterion = nn.MSELoss(reduction="sum")
with torch.no_grad():
    print("sum of squares", round(criterion(net(features), labels).item(), 3))
    print("prediction", net(torch.tensor([[1.0, 1.0, 1.0]])).squeeze().item() > 0)
