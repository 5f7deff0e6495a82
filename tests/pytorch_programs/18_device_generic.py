"""Device-generic code as tutorials write it: pick a device, move the model and data to it."""

import torch
import torch.nn as nn

device = "cuda" if torch.cuda.is_available() else "cpu"
print(f"Using {device} device")
device = torch.device(device)
print(device, device.type, repr(torch.device("cpu")))
print("mps:", torch.backends.mps.is_available())
if hasattr(torch, "accelerator"):
    print("accelerator:", torch.accelerator.is_available())

x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
print(x.device, x.is_cuda if hasattr(x, "is_cuda") else False)
y = torch.ones(2, 2).to(device)
z = torch.zeros(2, 2, device="cpu", dtype=torch.float64)
print((x + y).device, z.dtype, z.to(device, torch.float32).dtype, x.to(torch.float64).dtype)
print(x.cpu().numpy().tolist(), x.to("cpu").sum().item())
print(x.to(device=device, dtype=torch.int64))

model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)).to(device)
with torch.no_grad():
    for p in model.parameters():
        p.fill_(0.25)
print(next(model.parameters()).device, model(x).device)
print(model(x).detach().cpu().numpy().round(4).tolist())
model.to(torch.float64)
print(next(model.parameters()).dtype, model(x.double()).dtype)
model.cpu()

torch.set_default_device("cpu")
print(torch.empty(3).device, torch.arange(3, device=device).tolist())
try:
    torch.zeros(1, device="cuda")
    print("cuda available")
except (RuntimeError, AssertionError):
    print("asking for cuda raises")
