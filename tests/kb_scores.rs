//! Ranking invariants over the real knowledge base: lexical similarity is a cosine in
//! [0, 1] whatever kinds of values a request carries, and product names bind as values.

use caro::context::{Context, EnvView, Os, Shell};
use caro::kb;

fn ctx() -> Context {
    let env = EnvView::from_pairs([("PATH", "/usr/local/bin:/usr/bin:/bin")]);
    Context::with_env(env, Some(Os::Linux), Some(Shell::Bash))
}

#[test]
fn lexical_similarity_is_a_cosine() {
    let requests = [
        "generate an ed25519 ssh key",
        "revert a1b2c3d on v1.4.0",
        "ssh deploy@web1 on port 2222 with $API_TOKEN",
        "install python",
        "pid of postgres",
        "forward 8080:80 for 10 minutes",
    ];
    for q in requests {
        let a = kb::analyze(q);
        for (i, s) in kb::matcher::lexical_scores(kb::get(), &a, &ctx())
            .into_iter()
            .enumerate()
        {
            assert!(
                (0.0..=1.0 + 1e-4).contains(&s),
                "{q:?}: recipe {} scored {s}",
                kb::get().recipe(i).id
            );
        }
    }
}

#[test]
fn product_names_are_values_unless_the_recipe_names_them() {
    let top = |q: &str| {
        let a = kb::analyze(q);
        let got = kb::matcher::propose(kb::get(), &a, &ctx(), None, 1);
        got.first().map(|p| p.command.clone()).unwrap_or_default()
    };
    assert_eq!(top("pid of postgres"), "pgrep postgres");
    assert_eq!(top("restart nginx"), "sudo systemctl restart nginx");
    assert_eq!(
        top("connect to postgres db sales as user bob"),
        "psql -U bob sales"
    );
}
