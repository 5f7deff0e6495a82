"""Tensors as the "Tensors" tutorial introduces them: creation, dtypes, shapes, NumPy bridge."""

import numpy as np
import torch

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
print(x_data)
print(x_data.dtype, x_data.shape)

np_array = np.array(data)
x_np = torch.from_numpy(np_array)
print(x_np.tolist())

x_ones = torch.ones_like(x_data)
print(f"Ones Tensor:\n{x_ones}\n")
x_rand = torch.rand_like(x_data, dtype=torch.float)
print("rand_like", x_rand.shape, x_rand.dtype, bool((x_rand >= 0).all()), bool((x_rand < 1).all()))

shape = (2, 3)
print(torch.zeros(shape))
print(torch.ones(shape, dtype=torch.int64))
print(torch.full((2, 2), 7.5))
print(torch.eye(3))

tensor = torch.ones(4, 4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")
print("size", tensor.size(), tensor.size(0), tensor.size(-1), tensor.numel(), tensor.dim())

tensor[:, 1] = 0
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
print(tensor)

t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1.shape)
print(torch.stack([tensor[0], tensor[1]]).shape)

y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
print(y1)
print(torch.equal(y1, y2), torch.equal(y1, y3))

z1 = tensor * tensor
z2 = tensor.mul(tensor)
print(z1.sum().item(), z2.sum().item())

agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item).__name__)

tensor.add_(5)
print(tensor)

t = torch.ones(5)
n = t.numpy()
t.add_(1)
print(f"t: {t}")
print(f"n: {n}")

n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
print(f"t: {t}")
print(t.dtype)
