"""The tensor operations that tutorials and course notebooks reach for, one after another."""

import torch

x = torch.arange(12, dtype=torch.float32).reshape(3, 4)
print(x)
print(x.view(4, 3).shape, x.view(-1).shape, x.reshape(2, -1).shape)
print(x.T.contiguous().view(-1).tolist())
print(torch.linspace(0, 1, steps=5))
print(torch.arange(0, 10, 3))
print(torch.arange(1.0, 2.0, 0.25))
print(x.unsqueeze(0).shape, x.unsqueeze(-1).shape, x.unsqueeze(0).squeeze().shape)
print(x.permute(1, 0).shape, x.transpose(0, 1).shape, x.flatten().shape)

print(x.sum(), x.sum(dim=0), x.sum(1, keepdim=True).shape)
print(x.mean(), x.mean(dim=1))
print(round(x.std().item(), 4), round(x.var().item(), 4))
print(x.std(dim=0), x.var(dim=1, unbiased=False))
print(round(x.norm().item(), 4), x.norm(dim=1))

values, indices = x.max(dim=1)
print(values, indices)
print(x.max(), x.min(), x.argmax(), x.argmax(dim=0), x.argmin(dim=1))
print(x.max(dim=0).values, x.min(dim=0).indices)
print(torch.amax(x, dim=1), x.amin(dim=0))

scores = torch.tensor([[0.1, 0.7, 0.2, 0.9], [0.5, 0.3, 0.8, 0.1]])
top_v, top_i = scores.topk(2, dim=1)
print(top_v, top_i)
sorted_v, sorted_i = torch.sort(scores, dim=1, descending=True)
print(sorted_v, sorted_i)
print(scores.sort(dim=0).values)
print(torch.cumsum(scores, dim=1))
print(scores.cumsum(0))

index = torch.tensor([[3], [2]])
print(scores.gather(1, index))
print(torch.gather(scores, 1, torch.tensor([[0, 1], [1, 0]])))

a = torch.arange(6.0).reshape(2, 3)
b = torch.arange(12.0).reshape(3, 4)
print(torch.einsum("ij,jk->ik", a, b))
print(torch.einsum("ij->j", a), torch.einsum("ii->", torch.eye(3)))
batch = torch.arange(24.0).reshape(2, 3, 4)
print(torch.bmm(batch, batch.transpose(1, 2)).shape)
print(torch.mm(a, b).sum().item())

print(torch.where(x > 5, x, torch.zeros_like(x)))
print(x.clamp(2, 8))
print(torch.clamp(x, min=3.0).sum().item())
print(torch.maximum(a, torch.full_like(a, 2.0)))
print(torch.exp(torch.tensor([0.0, 1.0])), torch.log(torch.tensor([1.0, 100.0])))
print(
    torch.sin(torch.tensor([0.0, 1.5])),
    torch.cos(torch.tensor([0.0])),
    torch.sqrt(torch.tensor([4.0])),
)
print(torch.abs(torch.tensor([-1.5, 2.0])), torch.pow(torch.tensor([2.0, 3.0]), 2))

mask = x > 6
print(mask)
print(x[mask])
print(x[mask].shape, mask.sum().item(), mask.dtype)
print(x[[0, 2]], x[:, [1, 3]].shape, x[1:, ::2])
print(x.masked_fill(x < 4, -1.0))

x[0, 0] = 100.0
x[x > 10] = 10.0
print(x)

print(x.long().dtype, x.int().dtype, x.double().dtype, x.float().dtype, x.bool().dtype)
print(x.to(torch.float64).dtype, x.type(torch.int64).dtype)
print(torch.tensor([1, 2, 3]) / 2)
print(torch.tensor([1, 2, 3]) // 2)
print(torch.tensor([True, False]).sum())
print((torch.tensor([1, 2, 3]) == torch.tensor([1, 0, 3])).float().mean())
print(torch.tensor([1, 2, 3]).eq(torch.tensor([1, 0, 3])).sum().item())
print(torch.tensor([2.5]).item(), int(torch.tensor(3)), float(torch.tensor(1.5)))
print(f"{torch.tensor(3.14159):.2f}", [10, 20, 30][torch.tensor(1)])
