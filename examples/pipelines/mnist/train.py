"""A stand-in for the pipelines page's MNIST training (the Python standard library only; no PyTorch here).

Prints its arguments, the device it would use, one line per epoch, and writes lightning_logs/version_0/metrics.csv
(the same bytes for the same epochs). With --data DIR it "downloads" the data set into DIR the first time (slowly)
and finds it there the next time, as torchvision's MNIST(download=True) does.
"""
import json
import os
import sys
import time


def option(name, default):
    args = sys.argv[1:]
    return args[args.index(name) + 1] if name in args and args.index(name) + 1 < len(args) else default


def main():
    print("args: " + json.dumps(sys.argv[1:]), flush=True)
    visible = os.environ.get("CUDA_VISIBLE_DEVICES", "")
    print(f"device: cuda:{visible} (a CPU stand-in)" if visible else "device: cpu", flush=True)
    data = option("--data", None)
    if data is not None:
        started = time.monotonic()
        marker = os.path.join(data, "MNIST", "raw", "done")
        if os.path.exists(marker):
            print(f"data: found in {data}; download skipped", flush=True)
        else:
            print(f"data: downloading to {data}", flush=True)
            os.makedirs(os.path.dirname(marker), exist_ok=True)
            for part in ("train-images", "train-labels", "t10k-images", "t10k-labels"):
                time.sleep(0.5)
                with open(os.path.join(data, "MNIST", "raw", part), "wb") as out:
                    out.write(bytes(range(256)) * 64)
            with open(marker, "w") as out:
                out.write("ok\n")
            print(f"data: downloaded to {data}", flush=True)
        print(f"data: ready in {time.monotonic() - started:.2f} s", flush=True)
    epochs = int(option("--epochs", "1"))
    logs = os.path.join("lightning_logs", "version_0")
    os.makedirs(logs, exist_ok=True)
    with open(os.path.join(logs, "metrics.csv"), "w") as metrics:
        metrics.write("epoch,loss\n")
        for epoch in range(1, epochs + 1):
            loss = round(1.0 / (epoch + 1), 4)
            metrics.write(f"{epoch},{loss}\n")
            print(f"epoch {epoch}/{epochs} loss {loss}", flush=True)
    print("training done", flush=True)


if __name__ == "__main__":
    main()
