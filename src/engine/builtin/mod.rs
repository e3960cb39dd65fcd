//! The built-in engine: the command knowledge base plus a slot-filling request parser.

use std::time::Instant;

use super::semantic::SemanticScorer;
use super::{Candidate, Engine, EngineError, EngineId};
use crate::context::Context;
use crate::kb;
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
        _deadline: Instant,
    ) -> Result<Vec<Candidate>, EngineError> {
        let sims = match &self.semantic {
            Some(s) => Some(s.similarities(&request.raw)?),
            None => None,
        };
        let proposals =
            kb::matcher::propose(kb::get(), &request.analysis, ctx, sims.as_deref(), limit);
        let id = self.id();
        Ok(proposals
            .into_iter()
            .map(|p| Candidate {
                command: p.command,
                explanation: p.explanation,
                engine: id,
                confidence: p.confidence,
                recipe: Some(p.recipe),
                request_values: p.values,
                risk_hint: p.risk_hint.as_deref().and_then(crate::safety::Risk::parse),
            })
            .collect())
    }
}
