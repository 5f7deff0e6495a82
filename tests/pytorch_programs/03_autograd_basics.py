"""Autograd as the tutorials teach it: requires_grad, backward, grad, no_grad, detach."""

import torch

x = torch.ones(5)
y = torch.zeros(3)
w = torch.tensor(
    [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [0.7, -0.8, 0.9], [-0.1, 0.2, 0.3], [0.0, 0.1, -0.2]],
    requires_grad=True,
)
b = torch.tensor([0.1, 0.2, 0.3], requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print("z requires grad:", z.requires_grad, "is leaf:", w.is_leaf, z.is_leaf)
print(z.grad_fn is not None, loss.grad_fn is not None)
loss.backward()
print(w.grad)
print(b.grad)

with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)
z_det = (torch.matmul(x, w) + b).detach()
print(z_det.requires_grad)

a = torch.tensor([2.0, 3.0], requires_grad=True)
b = torch.tensor([6.0, 4.0], requires_grad=True)
q = 3 * a**3 - b**2
external_grad = torch.tensor([1.0, 1.0])
q.backward(gradient=external_grad)
print(9 * a**2 == a.grad, -2 * b == b.grad)

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"Second call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out))
print(f"Call after zeroing gradients\n{inp.grad}")

w = torch.tensor(2.0, requires_grad=True)
for step in range(1, 6):
    loss = (w - 5) ** 2
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
    w.grad.zero_()
    print(step, round(w.item(), 4), round(loss.item(), 4))

h = torch.tensor([1.0, 2.0], requires_grad=True)
mid = h * 3
mid.retain_grad()
(mid**2).sum().backward()
print(mid.grad, h.grad)

x = torch.tensor(3.0, requires_grad=True)
(dy_dx,) = torch.autograd.grad(x**3, x, create_graph=True)
(d2y_dx2,) = torch.autograd.grad(dy_dx, x)
print(dy_dx.item(), d2y_dx2.item())

p = torch.tensor([1.0, -2.0], requires_grad=True)
p.requires_grad_(False)
print(p.requires_grad, torch.is_grad_enabled())
with torch.set_grad_enabled(False):
    print(torch.is_grad_enabled())
