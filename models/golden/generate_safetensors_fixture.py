"""Writes models/src/test/resources/dev/kiln/nn/io/reference.safetensors, the compatibility fixture.

The file is laid out exactly as safetensors.torch.save_file lays it out (version 0.4):
an 8-byte little-endian header length; compact JSON with "__metadata__" first and the tensors
ordered by dtype (I64, F64, F32, I32, U8, BOOL: the reference's dtype enum, descending) then
name; the header padded with spaces to a multiple of 8; then the little-endian data, contiguous.
It is built by hand with struct and json so that it needs no third-party package. The output is
committed; the Java tests never run Python.

Run from the repository root: python3 models/golden/generate_safetensors_fixture.py
"""
import json
import math
import os
import struct

# name -> (dtype, shape, struct format per element, values)
TENSORS = {
    "weight": ("F32", [2, 3], "<f", [1.5, -2.25, 0.0, -0.0, math.inf, 3.0e-39]),
    "bias": ("F32", [3], "<f", [0.1, -0.2, 1.0e30]),
    "scalar": ("F32", [], "<f", [42.0]),
    "empty": ("F32", [0, 3], "<f", []),
    "running_var": ("F64", [3], "<d", [1.0 / 3.0, -1.0e-300, 2.0 ** 60]),
    "labels": ("I32", [2, 2], "<i", [-1, 0, 2147483647, -2147483648]),
    "steps": ("I64", [3], "<q", [1 << 40, -(1 << 62), 7]),
    "pixels": ("U8", [4], "<B", [0, 1, 128, 255]),
    "mask": ("BOOL", [5], "<?", [True, False, False, True, True]),
}
ORDER = {"I64": 5, "F64": 4, "F32": 3, "I32": 2, "U8": 1, "BOOL": 0}
METADATA = {"format": "pt", "written_by": "generate_safetensors_fixture.py"}


def main():
    names = sorted(TENSORS, key=lambda n: (-ORDER[TENSORS[n][0]], n))
    header = {"__metadata__": METADATA}
    data = bytearray()
    for name in names:
        dtype, shape, fmt, values = TENSORS[name]
        begin = len(data)
        for v in values:
            data += struct.pack(fmt, v)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [begin, len(data)]}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    out = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "dev", "kiln", "nn", "io",
                       "reference.safetensors")
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + bytes(data))
    print("wrote", os.path.normpath(out), 8 + len(text) + len(data), "bytes")


if __name__ == "__main__":
    main()
