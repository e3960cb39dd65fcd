//! The semantic encoder: a sentence embedding model run by ONNX Runtime.
