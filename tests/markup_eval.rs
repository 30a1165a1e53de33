//! The expression language: JavaScript semantics, render-time errors and limits.

use contentkit::markup::{CompileOptions, DiagnosticKind, Limits, RenderError, Scope, Template};
use serde_json::{json, Value};

/// Plain JSX: no element checks, any root.
fn plain() -> CompileOptions {
    CompileOptions {
        check_elements: false,
        require_root_element: false,
    }
}

fn template(source: &str) -> Template {
    Template::compile_with(source, "t.ckx", &plain()).unwrap_or_else(|d| panic!("{d}"))
}

/// The value of `expr` (as the JSON of an attribute), or `None` for `undefined`.
fn eval_with(expr: &str, props: &Value) -> Option<Value> {
    let t = template(&format!("<x v={{{expr}}} />"));
    let out = t
        .render(&Scope::new().props(props))
        .unwrap_or_else(|e| panic!("{expr}: {e}"));
    out.get("v").cloned()
}

fn eval(expr: &str) -> Value {
    eval_with(expr, &json!({})).unwrap_or_else(|| panic!("{expr} is undefined"))
}

/// `String(expr)`.
fn show(expr: &str) -> String {
    match eval(&format!("String({expr})")) {
        Value::String(s) => s,
        other => panic!("{other}"),
    }
}

fn render_error(source: &str, props: &Value) -> RenderError {
    template(source)
        .render(&Scope::new().props(props))
        .expect_err("should fail")
}

#[test]
fn numbers_print_as_javascript_prints_them() {
    assert_eq!(eval("5 + 2"), json!(7));
    assert_eq!(eval("5 + 2").to_string(), "7");
    assert_eq!(eval("16 / 9").to_string(), "1.7777777777777777");
    assert_eq!(show("16 / 9"), "1.7777777777777777");
    assert_eq!(show("5 + 2"), "7");
    assert_eq!(show("0 / 0"), "NaN");
    assert_eq!(show("-1 / 0"), "-Infinity");
    assert_eq!(show("1e21"), "1e+21");
    // NaN and infinities are null in JSON, as JSON.stringify gives them.
    assert_eq!(eval("0 / 0"), Value::Null);
    assert_eq!(eval("-0"), json!(0));
    assert_eq!(eval("0.1 * 3"), json!(0.30000000000000004));
}

#[test]
fn arithmetic_and_coercions() {
    assert_eq!(show("'3' * '4'"), "12");
    assert_eq!(show("'3' + 4"), "34");
    assert_eq!(show("3 + 4 + '5'"), "75");
    assert_eq!(show("'5' - 2"), "3");
    assert_eq!(show("[] + []"), "");
    assert_eq!(show("[1] * 2"), "2");
    assert_eq!(show("({}) + 1"), "[object Object]1");
    assert_eq!(show("true + true"), "2");
    assert_eq!(show("null * 5"), "0");
    assert_eq!(show("undefined * 5"), "NaN");
    assert_eq!(show("-'  12  '"), "-12");
    assert_eq!(show("+'0x1f'"), "31");
    assert_eq!(show("7 % -3"), "1");
    assert_eq!(show("5.5 % 2"), "1.5");
    assert_eq!(show("1 - 2 - 3"), "-4");
    assert_eq!(show("2 + 3 * 4 - 6 / 2"), "11");
    assert_eq!(show("(2 + 3) * 4"), "20");
}

#[test]
fn comparisons_and_equality() {
    assert_eq!(eval("1 == '1'"), json!(true));
    assert_eq!(eval("1 === '1'"), json!(false));
    assert_eq!(eval("0 == ''"), json!(true));
    assert_eq!(eval("null == 0"), json!(false));
    assert_eq!(eval("null == undefined"), json!(true));
    assert_eq!(eval("null !== undefined"), json!(true));
    assert_eq!(eval("NaN == NaN"), json!(false));
    assert_eq!(eval("'a' < 'b' && 'B' < 'a'"), json!(true));
    assert_eq!(eval("'10' < '9'"), json!(true));
    assert_eq!(eval("'10' < 9"), json!(false));
    assert_eq!(eval("undefined < 1 || undefined >= 1"), json!(false));
    assert_eq!(
        eval_with("props.a === props.a", &json!({"a": [1]})),
        Some(json!(true))
    );
    assert_eq!(eval("[1] === [1]"), json!(false));
}

#[test]
fn logic_and_conditionals() {
    assert_eq!(eval("0 || 'x'"), json!("x"));
    assert_eq!(eval("'' && 'x'"), json!(""));
    assert_eq!(eval("0 ?? 'x'"), json!(0));
    assert_eq!(eval("null ?? undefined ?? 'z'"), json!("z"));
    assert_eq!(eval("!0"), json!(true));
    assert_eq!(eval("!![]"), json!(true));
    assert_eq!(eval("1 ? 2 ? 'a' : 'b' : 'c'"), json!("a"));
    assert_eq!(eval("0 ? 'a' : 0 ? 'b' : 'c'"), json!("c"));
    assert_eq!(
        eval("typeof undefined + typeof 1 + typeof ''"),
        json!("undefinednumberstring")
    );
    assert_eq!(eval_with("undefined", &json!({})), None);
}

#[test]
fn member_access_and_optional_chaining() {
    let p = json!({"user": {"name": "Ada", "tags": ["a", "b"]}, "n": null});
    assert_eq!(eval_with("props.user.name", &p), Some(json!("Ada")));
    assert_eq!(eval_with("props.user['name']", &p), Some(json!("Ada")));
    assert_eq!(eval_with("props.user.tags[1]", &p), Some(json!("b")));
    assert_eq!(eval_with("props.user.tags['1']", &p), Some(json!("b")));
    assert_eq!(eval_with("props.user.tags.length", &p), Some(json!(2)));
    assert_eq!(eval_with("props.user.missing", &p), None);
    assert_eq!(eval_with("props.n?.x", &p), None);
    assert_eq!(eval_with("props.n?.x.y.z", &p), None);
    assert_eq!(eval_with("props.none?.[0]", &p), None);
    assert_eq!(eval_with("props.none?.map((x) => x)", &p), None);
    assert_eq!(eval_with("props.user.name.map?.((x) => x)", &p), None);
    assert_eq!(eval_with("'hello'.length", &p), Some(json!(5)));
    assert_eq!(eval_with("'hello'[4]", &p), Some(json!("o")));
    assert_eq!(eval_with("(1).x", &p), None);
}

#[test]
fn templates_and_strings() {
    assert_eq!(eval("`a${1 + 1}b${'c'}`"), json!("a2bc"));
    assert_eq!(
        eval("`${[1, 2]}|${null}|${undefined}|${{}}`"),
        json!("1,2|null|undefined|[object Object]")
    );
    assert_eq!(eval("`line\\nbreak`"), json!("line\nbreak"));
    assert_eq!(eval("'a\\tb'"), json!("a\tb"));
    assert_eq!(eval("\"\\u{1F600}\\u00e9\""), json!("😀é"));
    assert_eq!(eval("'x'.concat(1, 'y')"), json!("x1y"));
    assert_eq!(eval("'a,b,,c'.split(',')"), json!(["a", "b", "", "c"]));
    assert_eq!(eval("'abc'.split('')"), json!(["a", "b", "c"]));
    assert_eq!(eval("'a b c'.split(' ', 2)"), json!(["a", "b"]));
    assert_eq!(eval("'Straße'.toUpperCase()"), json!("STRASSE"));
    assert_eq!(eval("'abcdef'.slice(-3, -1)"), json!("de"));
    assert_eq!(eval("'abcdef'.slice(4, 2)"), json!(""));
    assert_eq!(eval("'abc'.includes('')"), json!(true));
    assert_eq!(eval("'abc'.indexOf('c', -5)"), json!(2));
    assert_eq!(eval("'abc'.startsWith('b', 1)"), json!(true));
    assert_eq!(eval("'abc'.endsWith('b', 2)"), json!(true));
    assert_eq!(eval("' \\n x \\t'.trim()"), json!("x"));
}

#[test]
fn arrays_and_objects() {
    let p = json!({"items": [1, 2, 3, 4], "o": {"a": 1, "b": 2}});
    assert_eq!(
        eval_with("props.items.map((x, i) => x * i)", &p),
        Some(json!([0, 2, 6, 12]))
    );
    assert_eq!(
        eval_with("props.items.filter((x) => x % 2)", &p),
        Some(json!([1, 3]))
    );
    assert_eq!(
        eval_with("props.items.find((x) => x > 2)", &p),
        Some(json!(3))
    );
    assert_eq!(eval_with("props.items.find((x) => x > 9)", &p), None);
    assert_eq!(
        eval_with("props.items.some((x) => x > 3)", &p),
        Some(json!(true))
    );
    assert_eq!(
        eval_with("props.items.every((x) => x > 3)", &p),
        Some(json!(false))
    );
    assert_eq!(
        eval_with("props.items.map((x, i, all) => all.length)", &p),
        Some(json!([4, 4, 4, 4]))
    );
    assert_eq!(
        eval_with("props.items.map(String)", &p),
        Some(json!(["1", "2", "3", "4"]))
    );
    assert_eq!(eval_with("props.items.includes(3)", &p), Some(json!(true)));
    assert_eq!(eval_with("[NaN].includes(NaN)", &p), Some(json!(true)));
    assert_eq!(eval_with("[NaN].indexOf(NaN)", &p), Some(json!(-1)));
    assert_eq!(
        eval_with("props.items.join('-')", &p),
        Some(json!("1-2-3-4"))
    );
    assert_eq!(
        eval_with("[null, undefined, 1].join()", &p),
        Some(json!(",,1"))
    );
    assert_eq!(
        eval_with("props.items.slice(1, -1)", &p),
        Some(json!([2, 3]))
    );
    assert_eq!(
        eval_with("[...props.items, ...'ab']", &p),
        Some(json!([1, 2, 3, 4, "a", "b"]))
    );
    assert_eq!(
        eval_with("[1, undefined, 0 / 0]", &p),
        Some(json!([1, null, null]))
    );
    assert_eq!(
        eval_with("{ ...props.o, b: 3, c: undefined }", &p),
        Some(json!({"a": 1, "b": 3}))
    );
    assert_eq!(
        eval_with("{ b: 0, ...props.o }", &p),
        Some(json!({"b": 2, "a": 1}))
    );
    assert_eq!(
        eval_with("{ 'quoted key': 1, 2: 'two', [`k${1}`]: true }", &p),
        Some(json!({"quoted key": 1, "2": "two", "k1": true}))
    );
    assert_eq!(
        eval_with("Object.entries(props.o)", &p),
        Some(json!([["a", 1], ["b", 2]]))
    );
    assert_eq!(
        eval_with("JSON.stringify(props.o, null, 2)", &p),
        Some(json!("{\n  \"a\": 1,\n  \"b\": 2\n}"))
    );
    assert_eq!(eval_with("JSON.stringify(undefined)", &p), None);
    assert_eq!(
        eval_with("JSON.stringify('x\"y')", &p),
        Some(json!("\"x\\\"y\""))
    );
    assert_eq!(
        eval_with(
            "props.items.map((x) => props.items.filter((y) => y < x).length)",
            &p
        ),
        Some(json!([0, 1, 2, 3]))
    );
}

#[test]
fn scope_roots_and_dynamic_state() {
    let t = template("<x p={props.a} s={state.b} c={context.theme} a={action?.action} e={element.props.a} d={element.dynamicState('k')} f={dynamicState(1)} />");
    let props = json!({"a": 1});
    let state = json!({"b": 2});
    let context = json!({"theme": "dark"});
    let action = json!({"action": "go"});
    let out = t
        .render(
            &Scope::new()
                .props(&props)
                .state(&state)
                .context(&context)
                .action(&action),
        )
        .unwrap();
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"type":"x","p":1,"s":2,"c":"dark","a":"go","e":1,"d":{"$state":"k"},"f":{"$state":1}}"#
    );
    // Without an action, `action` is undefined; props and state default to `{}`.
    let out = t.render(&Scope::new()).unwrap();
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"type":"x","d":{"$state":"k"},"f":{"$state":1}}"#
    );
}

#[test]
fn jsx_semantics() {
    let t = template(
        "<x a=\"s\" b={1} c d={undefined} e={null} a2={<y />}>
            {null}{undefined}{false}{true}{0}{''}{[[1], [[2]]]}
            <>
                <z />
            </>
        </x>",
    );
    let out = t.render(&Scope::new()).unwrap();
    // As @gitbook/runtime's JSX runtime does: children flattened one level, only
    // `null` dropped; `undefined` is `null` in JSON.
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"type":"x","a":"s","b":1,"c":true,"e":null,"a2":{"type":"y"},"children":[null,false,true,0,"",[1],[[2]],{"type":"z"}]}"#
    );
    // Children written but all dropped: `children` is `[]`, as in GitBook's runtime.
    let out = template("<x>{null}</x>").render(&Scope::new()).unwrap();
    assert_eq!(out, json!({"type": "x", "children": []}));
    // No children written: no `children`.
    let out = template("<x></x>").render(&Scope::new()).unwrap();
    assert_eq!(out, json!({"type": "x"}));
    // JSX children win over a `children` attribute, which is normalized otherwise.
    let out = template("<x children=\"a\" />")
        .render(&Scope::new())
        .unwrap();
    assert_eq!(out, json!({"type": "x", "children": ["a"]}));
    let out = template("<x children={['a', null, ['b']]}>c</x>")
        .render(&Scope::new())
        .unwrap();
    assert_eq!(out, json!({"type": "x", "children": ["c"]}));
    // `key` belongs to the JSX runtime, not to the element.
    let out = template("<x key={1} a=\"b\" />")
        .render(&Scope::new())
        .unwrap();
    assert_eq!(out, json!({"type": "x", "a": "b"}));
    let t = Template::compile(
        "<block>{props.items.map((i) => <text key={i}>{i}</text>)}</block>",
        "k.ckx",
    )
    .unwrap();
    let props = json!({"items": ["a"]});
    let out = t.render(&Scope::new().props(&props)).unwrap();
    assert_eq!(
        out,
        json!({"type": "block", "children": [{"type": "text", "children": ["a"]}]})
    );
    // Spread attributes keep their order; a later value wins but keeps the first position.
    let out = template("<x a={1} {...{ b: 2, a: 3 }} c={4} />")
        .render(&Scope::new())
        .unwrap();
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"type":"x","a":3,"b":2,"c":4}"#
    );
}

#[test]
fn type_errors_point_at_the_markup() {
    let e = render_error("<x>\n  {props.a.b.c}\n</x>", &json!({"a": {}}));
    assert_eq!(e.kind(), DiagnosticKind::TypeError);
    assert_eq!(
        e.to_string(),
        "t.ckx:2:14: error: TypeError: Cannot read properties of undefined (reading 'c')\n2 |   {props.a.b.c}\n  |              ^"
    );
    let e = render_error("<x v={props.n[0]} />", &json!({"n": null}));
    assert!(
        e.to_string()
            .contains("Cannot read properties of null (reading '0')"),
        "{e}"
    );
    let e = render_error("<x v={props.n.toUpperCase()} />", &json!({"n": 1}));
    assert!(
        e.to_string()
            .contains("TypeError: props.n.toUpperCase is not a function"),
        "{e}"
    );
    let e = render_error("<x v={Object.keys(props.none)} />", &json!({}));
    assert!(
        e.to_string()
            .contains("Cannot convert undefined or null to object"),
        "{e}"
    );
}

#[test]
fn validation_errors_point_at_the_element() {
    let t = Template::compile(
        "<block>\n  {props.items.map((i) => <button label={i} style={i} onPress={{ action: 'x' }} />)}\n</block>",
        "v.ckx",
    )
    .unwrap();
    let props = json!({"items": ["primary", "wrong"]});
    let e = t.render(&Scope::new().props(&props)).unwrap_err();
    let RenderError::Invalid {
        diagnostics,
        errors,
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(diagnostics.len(), 1);
    let d = diagnostics.first().unwrap();
    assert_eq!((d.line, d.column), (2, 45));
    assert!(
        d.message.contains("element.children[1].style"),
        "{}",
        d.message
    );
}

#[test]
fn the_step_budget_stops_runaway_templates() {
    let props = json!({"items": (0..100).collect::<Vec<_>>()});
    let t = template(
        "<x v={props.items.map((a) => props.items.map((b) => props.items.map((c) => a + b + c)))} />",
    );
    let limits = Limits {
        max_steps: 100_000,
        ..Limits::default()
    };
    let e = t
        .render_with(&Scope::new().props(&props), &limits)
        .unwrap_err();
    assert_eq!(e.kind(), DiagnosticKind::StepLimit);
    assert!(
        e.to_string()
            .contains("the step budget ran out (100000 steps)"),
        "{e}"
    );
}

#[test]
fn the_size_budget_stops_exponential_strings() {
    let doubling = "[props.s]".to_string() + &".map((s) => s + s)".repeat(40);
    let t = template(&format!("<x v={{{doubling}}} />"));
    let props = json!({"s": "x".repeat(1000)});
    let e = t.render(&Scope::new().props(&props)).unwrap_err();
    assert_eq!(e.kind(), DiagnosticKind::SizeLimit);
    // Copies of a large input count too.
    let t = template("<x v={props.items.map((i) => props.big)} />");
    let props = json!({"items": vec![0; 1000], "big": "y".repeat(100_000)});
    let e = t.render(&Scope::new().props(&props)).unwrap_err();
    assert_eq!(e.kind(), DiagnosticKind::SizeLimit);
}

#[test]
fn nesting_at_the_limit_renders_and_past_it_is_an_error() {
    // The deepest accepted markup must not overflow a 2 MiB thread (the size of test
    // threads), even in debug builds.
    let n = contentkit::markup::MAX_NESTING - 3;
    let cases = [
        format!("<x v={{{}1{}}} />", "(".repeat(n), ")".repeat(n)),
        format!("<x v={{{}1{}}} />", "[".repeat(n), "]".repeat(n)),
        format!("<x v={{{}1{}}} />", "{a:".repeat(n), "}".repeat(n)),
        format!("{}{}", "<x>".repeat(n), "</x>".repeat(n)),
        format!("<x v={{{}1}} />", "props.a ? 1 : ".repeat(n)),
        format!(
            "<x v={{{}1{}}} />",
            "[1].map((x) => ".repeat(n / 2),
            ")".repeat(n / 2)
        ),
    ];
    for src in cases {
        let h = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let t = Template::compile_with(&src, "deep.ckx", &plain())
                    .map_err(|d| d.to_string())?;
                t.render(&Scope::new())
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
            .unwrap();
        h.join().unwrap().unwrap();
    }
    let deep = format!("<x v={{{}1{}}} />", "(".repeat(1000), ")".repeat(1000));
    let d = Template::compile_with(&deep, "deep.ckx", &plain()).unwrap_err();
    assert_eq!(d.first().unwrap().kind, DiagnosticKind::TooDeep);
    assert!(d.to_string().contains("nested more than 128 levels deep"));
    // Long chains of binary operators do not nest; runs of prefix operators and
    // member accesses are bounded.
    let flat = format!(
        "<x v={{1{}}} w={{props{}}} z={{{}1}} />",
        " + 1".repeat(20_000),
        "?.a".repeat(200),
        "!".repeat(64)
    );
    let out = Template::compile_with(&flat, "flat.ckx", &plain())
        .unwrap()
        .render(&Scope::new())
        .unwrap();
    assert_eq!(out["v"], json!(20_001));
    let long = format!("<x z={{{}1}} />", "!".repeat(65));
    let d = Template::compile_with(&long, "long.ckx", &plain()).unwrap_err();
    assert!(
        d.to_string()
            .contains("more than 64 prefix operators in a row"),
        "{d}"
    );
}

#[test]
fn numbers_from_the_scope_are_javascript_numbers() {
    let props =
        serde_json::from_str::<Value>(r#"{"f": 7.0, "big": 9007199254740993, "o": {"g": 2.0}}"#)
            .unwrap();
    let out = template("<x f={props.f} big={props.big} o={props.o} />")
        .render(&Scope::new().props(&props))
        .unwrap();
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"type":"x","f":7,"big":9007199254740992,"o":{"g":2}}"#
    );
}

#[test]
fn large_objects_stay_fast() {
    let big: serde_json::Map<String, Value> =
        (0..20_000).map(|i| (format!("k{i}"), json!(i))).collect();
    let props = json!({ "big": big });
    let t = template("<x n={Object.keys({ ...props.big, k5: 'five', extra: 1 }).length} v={{ ...props.big, k5: 'five' }.k5} />");
    let out = t.render(&Scope::new().props(&props)).unwrap();
    assert_eq!(out, json!({"type": "x", "n": 20_001, "v": "five"}));
}

#[test]
fn templates_are_send_and_sync() {
    fn check<T: Send + Sync + Clone>() {}
    check::<Template>();
}
