//! The WordPiece tokenizer against the reference implementation (Hugging Face `tokenizers`
//! 0.23.3, all-MiniLM-L6-v2's tokenizer.json with padding off and truncation at 256): the ids in
//! the fixture were written by `scripts/export_encoder.py token-fixture`.

use caro::encoder::wordpiece::{WordPiece, MAX_TOKENS};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/encoder/testdata");

#[test]
fn ids_match_the_reference_tokenizer() {
    let tok = WordPiece::from_file(std::path::Path::new(&format!("{DATA}/vocab.txt"))).unwrap();
    assert_eq!(tok.vocab_size(), 30522);
    let fixture = std::fs::read_to_string(format!("{DATA}/wordpiece_ids.jsonl")).unwrap();
    let mut cases = 0;
    for line in fixture.lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = case["text"].as_str().unwrap();
        let expected: Vec<i64> = case["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        assert_eq!(tok.encode(text), expected, "text: {text:?}");
        cases += 1;
    }
    assert!(cases >= 20, "the fixture has {cases} cases");
}

#[test]
fn long_input_is_truncated_to_the_model_limit() {
    let tok = WordPiece::from_file(std::path::Path::new(&format!("{DATA}/vocab.txt"))).unwrap();
    let ids = tok.encode(&"disk usage ".repeat(500));
    assert_eq!(ids.len(), MAX_TOKENS);
    assert_eq!((ids[0], ids[MAX_TOKENS - 1]), (101, 102));
}

#[test]
fn a_missing_vocabulary_is_a_clear_error() {
    let err = WordPiece::from_file(std::path::Path::new("/nonexistent/vocab.txt"))
        .err()
        .unwrap();
    assert!(err.contains("/nonexistent/vocab.txt"), "{err}");
}
