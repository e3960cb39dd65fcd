//! The built-in engine: the command knowledge base plus a slot-filling request parser.

use std::time::Instant;

use super::semantic::SemanticScorer;
use super::{Candidate, Engine, EngineError, EngineId};
use crate::context::Context;
use crate::request::Request;

pub struct Builtin {
    semantic: Option<Box<dyn SemanticScorer>>,
}

impl Builtin {
    /// Lexical matching only.
    pub fn lexical() -> Builtin {
        Builtin { semantic: None }
    }

    /// Lexical matching blended with an encoder's similarities.
    pub fn with_semantic(scorer: Box<dyn SemanticScorer>) -> Builtin {
        Builtin {
            semantic: Some(scorer),
        }
    }
}

impl Engine for Builtin {
    fn id(&self) -> EngineId {
        if self.semantic.is_some() {
            EngineId::Semantic
        } else {
            EngineId::Builtin
        }
    }

    fn propose(
        &self,
        request: &Request,
        ctx: &Context,
        limit: usize,
        deadline: Instant,
    ) -> Result<Vec<Candidate>, EngineError> {
        let _ = (request, ctx, limit, deadline);
        Ok(Vec::new())
    }
}
