"""The "neural networks" part of a 60-minute introduction: a LeNet-style net on one 32x32 input,
its parameters, a loss, gradients before and after backward, and updates by hand and by optim."""

# ruff: noqa: UP008  (the tutorials' own idioms, kept on purpose)

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, input):
        c1 = F.relu(self.conv1(input))
        s2 = F.max_pool2d(c1, (2, 2))
        c3 = F.relu(self.conv2(s2))
        s4 = F.max_pool2d(c3, 2)
        s4 = s4.view(-1, self.num_flat_features(s4))
        f5 = F.relu(self.fc1(s4))
        f6 = F.relu(self.fc2(f5))
        return self.fc3(f6)

    def num_flat_features(self, x):
        size = x.size()[1:]
        num_features = 1
        for s in size:
            num_features *= s
        return num_features


net = Net()
print(net)
params = list(net.parameters())
print(len(params))
print(params[0].size())

with torch.no_grad():
    for i, p in enumerate(net.parameters()):
        p.copy_(
            torch.cos(torch.arange(p.numel(), dtype=torch.float32) * (i + 1)).reshape(p.shape) * 0.1
        )

input = torch.linspace(-1, 1, 32 * 32).reshape(1, 1, 32, 32)
out = net(input)
print(out.shape, [round(v, 4) for v in out.flatten().tolist()])

net.zero_grad()
out.backward(torch.ones(1, 10) * 0.1)

output = net(input)
target = torch.arange(1.0, 11.0)
target = target.view(1, -1)
criterion = nn.MSELoss()
loss = criterion(output, target)
print(round(loss.item(), 4))
print(loss.grad_fn is not None, type(loss.grad_fn).__name__ != "")

net.zero_grad()
print("conv1.bias.grad before backward")
print(net.conv1.bias.grad)
loss.backward()
print("conv1.bias.grad after backward")
print(f"{net.conv1.bias.grad.norm().item():.4e}", [round(v, 4) for v in net.fc3.bias.grad.tolist()])

learning_rate = 0.01
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)
print("after a manual step", round(criterion(net(input), target).item(), 4))

optimizer = optim.SGD(net.parameters(), lr=0.01)
for _ in range(3):
    optimizer.zero_grad()
    output = net(input)
    loss = criterion(output, target)
    loss.backward()
    optimizer.step()
    print("step", round(loss.item(), 4))
