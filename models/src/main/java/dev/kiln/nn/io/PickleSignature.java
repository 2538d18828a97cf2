package dev.kiln.nn.io;

/**
 * Recognises PyTorch's pickle checkpoints ({@code .pt}, {@code .pth}, {@code .bin}): a zip archive
 * (PyTorch 1.6 and later) or a raw pickle stream (protocol 2 to 5). Kiln never unpickles: loading a
 * pickle can run arbitrary code, while safetensors is data only.
 */
final class PickleSignature {
    private PickleSignature() {
    }

    /** What the first bytes are, or null when they are not a pickle checkpoint. */
    static String detect(byte[] head, int length) {
        // A safetensors header always opens with '{' right after its 8-byte length; its length bytes may look like a pickle.
        if (length > 8 && head[8] == '{') {
            return null;
        }
        if (length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return "a PyTorch checkpoint (a zip archive holding a pickle)";
        }
        if (length >= 2 && (head[0] & 0xFF) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            return "a Python pickle (protocol " + head[1] + ")";
        }
        return null;
    }

    static String refusal(String kind, String file) {
        return "this is " + kind + ", not safetensors. Kiln does not load pickle files because unpickling can run "
                + "arbitrary code. Convert it once in Python: import torch; from safetensors.torch import save_file; "
                + "save_file(torch.load('" + file + "', weights_only=True), 'model.safetensors')";
    }
}
