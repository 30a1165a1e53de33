//! Bounded on every source file: a component file's cost in memory and work follows
//! its size, and constructs nested past the limit are errors, never a crash.
//!
//! Memory is measured with a counting global allocator; no test reads a clock.

#[path = "support/counting.rs"]
mod counting;

use contentkit::component::file::compile;
use contentkit::lang::syntax::{set_parse_budget, ParseBudget};
use contentkit::markup::{CompileOptions, Template};
use counting::{alone, assert_linear_work, measure};

/// A component file with an array literal of `n` small objects.
fn data_file(n: usize) -> String {
    let mut out =
        String::from("import { createComponent } from '@gitbook/runtime';\nconst data = [");
    for i in 0..n {
        out.push_str(&format!("{{a:{i},b:\"x\",c:[{i},true,null]}},"));
    }
    out.push_str("];\nexport default createComponent({ componentId: \"big\", render: () => <block><text>{String(data.length)}</text></block> });\n");
    out
}

#[test]
fn a_megabyte_data_literal_compiles_in_proportion_to_its_text() {
    let _alone = alone();
    let mut costs = Vec::new();
    for n in [4_000, 32_000] {
        let source = data_file(n);
        let (compiled, cost) = measure(|| compile(&source, "data.tsx").map(|c| c.len()));
        assert_eq!(compiled.map_err(|d| d.to_string()), Ok(1));
        // Parsing holds a pair per rule matched until the syntax tree is built: a
        // literal item read through `assign` held seven (180 times the text in all);
        // read directly, one (106 times).
        assert!(
            cost.peak <= 128 * source.len(),
            "compiling {} bytes held {} bytes ({:.0} times)",
            source.len(),
            cost.peak,
            cost.peak as f64 / source.len() as f64
        );
        costs.push((source.len(), cost));
    }
    // Eight times the text, about eight times the work (allocations stand for it).
    assert_linear_work(&costs);
}

/// An enum of `n` members, each read by the next, lowers, compiles and runs in
/// proportion to its text. (Its values map back under names, not indexes: an
/// enum of numbers interleaves index keys with names, and an object inserts an
/// index key before its names in time proportional to its size.)
#[test]
fn a_large_enum_compiles_in_proportion_to_its_text() {
    assert_enum_costs_follow_its_size("'m'", |i| format!("`${{M{}.length}}m{i}`", i - 1));
}

/// An object given index keys and names in turn (an enum of numbers maps each
/// value back to its name) allocates in proportion to its size: an index key
/// added before the names once rebuilt the object's key index every time.
#[test]
fn index_keys_added_before_names_do_not_rebuild_the_index() {
    assert_enum_costs_follow_its_size("1", |i| format!("M{} + 1", i - 1));
}

/// Compiles and runs `enum Big { M0 = first, M1 = member(1), … }` of 2,000 and of
/// 16,000 members, and asserts the work followed the text.
fn assert_enum_costs_follow_its_size(first: &str, member: impl Fn(usize) -> String) {
    let _alone = alone();
    let mut costs = Vec::new();
    for n in [2_000, 16_000] {
        let mut body = format!("enum Big {{ M0 = {first}");
        for i in 1..n {
            body.push_str(&format!(", M{i} = {}", member(i)));
        }
        body.push_str(" }\nconst last = Big.M1;\n");
        let source = module(&body);
        let (compiled, cost) = measure(|| components(&source, "big.tsx"));
        assert_eq!(compiled, Ok(1));
        costs.push((source.len(), cost));
    }
    assert_linear_work(&costs);
}

/// How many components `source` declares, or its diagnostics as text.
fn components(source: &str, name: &str) -> Result<usize, String> {
    compile(source, name)
        .map(|c| c.len())
        .map_err(|d| d.to_string())
}

/// `body` as a component file's top level.
fn module(body: &str) -> String {
    format!(
        "import {{ createComponent }} from '@gitbook/runtime';\n{body}\nexport default createComponent({{ componentId: \"c\", render: () => <block><text>{{String(1)}}</text></block> }});\n"
    )
}

#[test]
fn long_chains_are_errors_or_results_never_crashes() {
    let _alone = alone();
    let n = 20_000;
    // Each of these crashed or could crash with a stack overflow where the grammar
    // or the syntax tree nests once per repetition.
    let cases = [
        format!("let a; a = {}1;", "a = ".repeat(n)),
        format!(
            "{}x();",
            (0..n).map(|i| format!("l{i}: ")).collect::<String>()
        ),
        format!("const x = {}c;", "a ? b : ".repeat(n)),
        format!("const f = {}1;", "x => ".repeat(n)),
        format!("{}b();", "if (a) ".repeat(n)),
        format!("{}b();", "while (a) ".repeat(n)),
        format!("const x = {}1{};", "(".repeat(n), ")".repeat(n)),
        format!("const x = [{}{}];", "...[".repeat(n), "]".repeat(n)),
        format!("const x = {}{};", "<box>".repeat(n), "</box>".repeat(n)),
        format!("let x: {}B{};", "A<".repeat(n), ">".repeat(n)),
        format!("const x = f{};", "()".repeat(n)),
        format!("const x = {}1;", "!".repeat(n)),
        format!("const x = {}a;", "typeof ".repeat(n)),
        format!("const x = 1{};", " as any".repeat(n)),
        format!("const x = ({}1);", "1,".repeat(n)),
    ];
    for body in &cases {
        // An error or a result: a crash would abort the test binary.
        let _ = compile(&module(body), "deep.tsx");
    }
}

#[test]
fn assignment_and_label_chains_are_bounded_with_a_clear_error() {
    let _alone = alone();
    let chain = |k: usize| module(&format!("let a, b; a = {}1;", "b = ".repeat(k)));
    assert_eq!(components(&chain(63), "ok.tsx"), Ok(1));
    let error = compile(&chain(64), "long.tsx").unwrap_err().to_string();
    assert!(
        error.contains("more than 64 assignments in a row"),
        "{error}"
    );

    let labels = |k: usize| {
        let labels: String = (0..k).map(|i| format!("l{i}: ")).collect();
        module(&format!("{labels}for (;;) break;"))
    };
    assert_eq!(components(&labels(64), "ok.tsx"), Ok(1));
    let error = compile(&labels(65), "long.tsx").unwrap_err().to_string();
    assert!(error.contains("more than 64 labels in a row"), "{error}");
}

#[test]
fn errors_past_the_cap_are_counted_without_being_made() {
    let _alone = alone();
    // One statement of 20,000 calls on one line, once to a name that exists and once
    // to one that does not: the second reports 50 errors and counts the rest, at next
    // to no cost beyond the first (each error made would locate and quote itself on
    // the long line and match its name against every name in scope).
    let calls = |name: &str| format!("{name}(),").repeat(20_000);
    let known = module(&format!(
        "const f = () => 1;\nconst all = [{}];",
        calls("f")
    ));
    let unknown = module(&format!(
        "const f = () => 1;\nconst all = [{}];",
        calls("g")
    ));
    let (ok, known_cost) = measure(|| compile(&known, "known.tsx").map(|c| c.len()));
    assert_eq!(ok.map_err(|d| d.to_string()), Ok(1));
    let (errors, unknown_cost) = measure(|| compile(&unknown, "unknown.tsx").map(|c| c.len()));
    let errors = errors.unwrap_err();
    assert_eq!(errors.len() + errors.omitted(), 20_000);
    assert!(errors
        .to_string()
        .ends_with("and 19950 more errors\n\n20000 errors"));
    assert!(
        unknown_cost.allocated <= known_cost.allocated + known_cost.allocated / 4,
        "20,000 unknown names allocated {} bytes, known ones {}",
        unknown_cost.allocated,
        known_cost.allocated
    );
}

#[test]
fn constructs_read_two_ways_are_not_read_again_at_every_level() {
    let _alone = alone();
    // Each of these, 24 levels deep (a few hundred bytes), was read once as arrow
    // parameters or type arguments and once again as an expression at every level:
    // 2^24 times the work, hours. Now each is a syntax error or a result at once;
    // the allocations stand for the work.
    let k = 24;
    let cases = [
        format!("const x = {}1;", "(a = ".repeat(k)),
        format!("const x = {}1;", "async ({ p = ".repeat(k)),
        format!("const x = {}1;", "f<T>({ a: ".repeat(k)),
        format!("const x = {}1;", "a < b > (".repeat(k)),
        format!("const x = {}x y{};", "f<T>(".repeat(k), ")".repeat(k)),
        format!("const x = {}x y{};", "(a = ".repeat(k), ")".repeat(k)),
        format!("const x = {}x{};", "c ? (a = ".repeat(k), ") : 1".repeat(k)),
        // The markup fuzzer's slow units: a computed key was read once as a method's
        // and once as a property's, as an object member and as a type member (3 kB:
        // 10 s).
        format!("const x = {}x y", "{ [{ a: 1, ".repeat(k)),
        format!("const x = {}x y", "{ o<T = {[ ".repeat(k)),
        format!("const {}x y", "{ [{ a: ".repeat(k)),
        format!("const x = {}x y", "{ async [{ get [".repeat(k)),
        format!("let x: {}x y", "{ [K in { ".repeat(k)),
        // A class member's computed key was read as a method's, then as a field's.
        format!("const x = {}x y", "class { [".repeat(k)),
        format!("const x = {}x y", "class { static x = class { [".repeat(k)),
    ];
    for body in &cases {
        let source = module(body);
        let (_, cost) = measure(|| compile(&source, "twice.tsx").map(|c| c.len()));
        assert!(
            cost.allocated < 64 << 20,
            "{body}: {} bytes allocated",
            cost.allocated
        );
    }
    // What the lookaheads must still let through: arrows with defaults, return types,
    // type parameters and parentheses in strings, templates and comments; generic calls.
    let valid = module(
        "let b = 0;\n\
         const f = (a = (b = 1), s = ')', t = `)`, /* ) */ u = ((1))): number => a + b + u;\n\
         const g = async ({ p = 2 }: { p?: number } = {}) => p;\n\
         const h = <T,>(x: T): T => x;\n\
         const id = <T,>(x: T) => x;\n\
         const n = id<number>(f());\n\
         const m = (1 < 2) > (3 > 4);\n\
         const key = 'k';\n\
         class C { [key] = 1; ['m' + `]`]() { return 2; } static [`s${key}`]?: number; #p = 3; get [key + 'g']() { return 4; } }\n\
         void g; void h; void n; void m; void C;",
    );
    assert_eq!(components(&valid, "valid.tsx"), Ok(1));
}

/// Sets the parse budget (rule calls a parse may make) for as long as it lives: a
/// count of the parser's work that no clock or allocation shows (looking ahead
/// allocates nothing). Past it, a parse ends with "too large to parse".
struct Budget;

impl Budget {
    fn set(budget: ParseBudget) -> Budget {
        set_parse_budget(budget);
        Budget
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        set_parse_budget(ParseBudget::DEFAULT);
    }
}

fn too_large(outcome: &Result<usize, String>) -> bool {
    outcome
        .as_ref()
        .is_err_and(|e| e.contains("too large to parse"))
}

#[test]
fn nested_groups_are_read_once_whatever_their_depth() {
    let _alone = alone();
    // Each `(` at an operand was looked past to its `)` for a `=>`, so every group was
    // read again at each level around it: 100 groups around 600 kB took 10 s. Now a
    // group is read once, as an expression or as parameters, and `=>` after it decides.
    let body = format!("[{}1]", "1,".repeat(20_000));
    let wrapped = |depth: usize, open: &str, close: &str| {
        module(&format!(
            "const x = {}{body}{};",
            open.repeat(depth),
            close.repeat(depth)
        ))
    };
    let flat = wrapped(0, "", "");
    let _budget = Budget::set(ParseBudget {
        base: 40 * flat.len(),
        per_byte: 0,
    });
    assert_eq!(components(&flat, "flat.tsx"), Ok(1));
    for (open, close) in [
        ("(", ")"),
        ("((a) => ", ")(1)"),
        ("f(", ")"),
        ("async (", ")"),
    ] {
        let source =
            wrapped(100, open, close).replace("const x", "const f = (v: unknown) => v;\nconst x");
        let outcome = components(&source, "nested.tsx");
        assert!(
            !too_large(&outcome),
            "{open}…{close} 100 deep needed more than 40 calls a byte: {outcome:?}"
        );
    }
}

#[test]
fn every_construct_left_open_is_read_in_proportion_to_its_depth() {
    let _alone = alone();
    // One way to open a construct per line (statements, functions, classes, types,
    // JSX, arrows, calls), each repeated 24 levels deep and left open, then stray
    // words. Fourteen of them were read two or three times per level, 2^24 times the
    // work (the component fuzzer's slow unit: 3 kB, 13 s): a function body that failed
    // was taken for an overload signature and read again as a block; a method body
    // as a field named `get` and the method again; an arrow body as a block and as an
    // object; `f(…` as `f` ended by ASI and `(…)` as the next statement; `new C(…`
    // as `new C` and a call; `async function`, `declare …` as a name and the rest;
    // a type member `f(…` as `f` and a call signature; `a<(x = …` as type arguments
    // whose parameter default is an expression. Real files take about 20 calls a byte;
    // 500 leaves room for the deepest linear ones.
    assert_left_open_read_in_proportion(
        include_str!("../fixtures/bounds/left-open.txt"),
        |opener, tail| {
            let source = module(&format!("{}{tail}", format!("{opener}\n").repeat(24)));
            components(&source, "open.tsx")
        },
    );
}

#[test]
fn every_expression_left_open_in_markup_is_read_in_proportion_to_its_depth() {
    let _alone = alone();
    // Markup holds expressions in attribute and child braces, where `<` may open an
    // element, type arguments or a comparison. The markup fuzzer's slow units (2 kB,
    // 1 s) mixed them: `a<(x = …` and `a<({[…` were read as type arguments (a default,
    // a computed key, both expressions) and again as `a < (…)`, three and five times
    // per level. Its openers, and those a probe of every pairing of an opener with a
    // context found read twice per level: `async x =>` taken for the name `async`
    // and the arrow `x => …`, a conditional's or arrow's last operand followed by `=`.
    let options = CompileOptions {
        check_elements: false,
        require_root_element: false,
    };
    assert_left_open_read_in_proportion(
        include_str!("../fixtures/bounds/left-open-markup.txt"),
        |opener, tail| {
            let source = format!("<block>{}{tail}", opener.repeat(24));
            Template::compile_with(&source, "open.ckx", &options)
                .map(|_| 1)
                .map_err(|d| d.to_string())
        },
    );
}

/// Each line of `openers`, left open 24 levels deep by `read` (then `tail`: nothing,
/// or stray words), parses within 500 calls a byte, or fails for another reason.
fn assert_left_open_read_in_proportion(
    openers: &str,
    read: impl Fn(&str, &str) -> Result<usize, String>,
) {
    let _budget = Budget::set(ParseBudget {
        base: 0,
        per_byte: 500,
    });
    for tail in ["", " x y"] {
        for opener in openers.lines() {
            let outcome = read(opener, tail);
            assert!(
                !too_large(&outcome),
                "{opener:?} left open 24 deep took more than 500 calls a byte: {outcome:?}"
            );
        }
    }
}

#[test]
fn a_parse_past_its_budget_is_an_error_that_says_so() {
    let _alone = alone();
    let source = module(&format!("const x = [{}1];", "1,".repeat(10_000)));
    let _budget = Budget::set(ParseBudget {
        base: 1_000,
        per_byte: 1,
    });
    let error = components(&source, "big.tsx").unwrap_err();
    assert!(error.contains("too large to parse"), "{error}");
    assert!(error.contains("big.tsx:"), "{error}");
    drop(_budget);
    assert_eq!(components(&source, "big.tsx"), Ok(1));
}
