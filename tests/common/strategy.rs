//! Proptest strategies for arbitrary valid ContentKit trees.

use contentkit::element::*;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value};

pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9 ,.!?'-]{0,16}",
        1 => "[\\PC]{0,8}",
        1 => Just("<script>alert(1)</script>\"'&".to_owned()),
    ]
}

fn ident() -> impl Strategy<Value = String> {
    "[a-z][a-zA-Z0-9]{0,8}"
}

fn url() -> impl Strategy<Value = String> {
    ("[a-z]{1,10}", "[a-z0-9/]{0,12}").prop_map(|(h, p)| format!("https://{h}.example.com/{p}"))
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1000i64..1000).prop_map(|i| i as f64),
        (-4000i64..4000).prop_map(|i| i as f64 / 7.0),
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::String),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(js_number_value),
    ]
}

/// A GitBook `PlainObject`: no nulls, no nested arrays.
pub fn plain_object() -> impl Strategy<Value = Map<String, Value>> {
    let leaf_object =
        vec((ident(), scalar()), 0..3).prop_map(|kv| kv.into_iter().collect::<Map<_, _>>());
    let member = prop_oneof![
        3 => scalar(),
        1 => leaf_object.prop_map(Value::Object),
        1 => vec(scalar(), 0..3).prop_map(Value::Array),
    ];
    vec((ident(), member), 0..4).prop_map(|kv| kv.into_iter().collect())
}

pub fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => (ident(), vec((ident(), scalar()), 0..3)).prop_map(|(name, fields)| {
            fields.into_iter().fold(Action::custom(name), |a, (k, v)| a.with(k, v))
        }),
        1 => (ident(), plain_object()).prop_map(|(c, p)| Action::open_modal(c, p)),
        1 => plain_object().prop_map(Action::close_modal),
        1 => url().prop_map(Action::open_url),
        1 => url().prop_map(|url| Action::LinkUnfurl { url }),
        1 => plain_object().prop_map(|props| Action::UpdateProps { props }),
    ]
}

fn opt<T: std::fmt::Debug + Clone>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    proptest::option::of(s)
}

fn icon() -> impl Strategy<Value = Icon> {
    select(Icon::ALL)
}

fn confirm() -> impl Strategy<Value = Confirm> {
    (
        text(),
        text(),
        "[a-zA-Z ]{1,30}",
        opt(select(ConfirmStyle::ALL)),
    )
        .prop_map(|(t, x, c, s)| Confirm {
            title: t,
            text: x,
            confirm: c,
            style: s,
        })
}

pub fn button() -> impl Strategy<Value = Button> {
    (
        opt(text()),
        opt(select(ButtonStyle::ALL)),
        opt(icon()),
        opt(icon()),
        opt(text()),
        opt(any::<bool>()),
        action(),
        opt(confirm()),
    )
        .prop_map(
            |(label, style, icon, trailing_icon, tooltip, disabled, on_press, confirm)| Button {
                label,
                style,
                icon,
                trailing_icon,
                tooltip,
                disabled,
                on_press,
                confirm,
            },
        )
}

fn image() -> impl Strategy<Value = Image> {
    (url(), (1i64..400).prop_map(|n| n as f64 / 100.0)).prop_map(|(u, r)| Image::new(u, r))
}

fn url_or_string() -> impl Strategy<Value = UrlOrString> {
    prop_oneof![
        url().prop_map(UrlOrString::String),
        (
            "[a-z]{1,8}\\.com",
            "/[a-z]{0,8}",
            opt(vec((ident(), string_or_binding()), 0..3)),
        )
            .prop_map(|(host, pathname, query)| UrlOrString::Url(ContentKitUrl {
                host,
                pathname,
                query: query.map(|q| q.into_iter().collect()),
            })),
    ]
}

fn string_or_binding() -> impl Strategy<Value = StringOrBinding> {
    prop_oneof![
        text().prop_map(StringOrBinding::String),
        ident().prop_map(|k| StringOrBinding::Binding(DynamicBinding::new(k))),
    ]
}

fn link() -> impl Strategy<Value = Link> {
    (
        url_or_string(),
        prop_oneof![
            text().prop_map(LinkChildren::String),
            vec(text(), 0..3).prop_map(LinkChildren::Strings),
        ],
    )
        .prop_map(|(url, children)| Link {
            target: LinkTarget { url },
            children,
        })
}

fn text_element() -> impl Strategy<Value = Text> {
    let leaf = (opt(select(TextStyle::ALL)), vec(text(), 0..3)).prop_map(|(style, parts)| Text {
        style,
        children: TextChildren::Nodes(parts.into_iter().map(TextNode::String).collect()),
    });
    leaf.prop_recursive(2, 8, 3, |inner| {
        (
            opt(select(TextStyle::ALL)),
            vec(
                prop_oneof![
                    text().prop_map(TextNode::String),
                    inner.prop_map(|t| TextNode::Element(Element::Text(t))),
                    link().prop_map(|l| TextNode::Element(Element::Link(l))),
                ],
                0..4,
            ),
        )
            .prop_map(|(style, nodes)| Text {
                style,
                children: TextChildren::Nodes(nodes),
            })
    })
}

fn inline() -> impl Strategy<Value = Element> {
    prop_oneof![
        text_element().prop_map(Element::Text),
        image().prop_map(Element::Image),
        link().prop_map(Element::Link),
    ]
}

fn select_element() -> impl Strategy<Value = Select> {
    let options = prop_oneof![
        3 => vec(
            (ident(), text(), opt(prop_oneof![icon().prop_map(IconOrImage::Icon), image().prop_map(IconOrImage::Image)])),
            0..4
        )
        .prop_map(|os| SelectOptions::List(
            os.into_iter().map(|(id, label, icon)| SelectOption { id, label, icon }).collect()
        )),
        1 => Just(SelectOptions::BuiltIn(BuiltInSource { source: BuiltInSourceName::OpenApi })),
        1 => url_or_string().prop_map(|url| SelectOptions::Url(UrlSource { url })),
    ];
    (
        ident(),
        options,
        opt(prop_oneof![
            ident().prop_map(SelectValue::One),
            vec(ident(), 0..3).prop_map(SelectValue::Many)
        ]),
        opt(text()),
        opt(any::<bool>()),
        opt(any::<bool>()),
        opt(any::<bool>()),
        opt(action()),
    )
        .prop_map(
            |(
                state,
                options,
                initial_value,
                placeholder,
                multiple,
                accept_input,
                disabled,
                on_value_change,
            )| Select {
                state,
                options,
                initial_value,
                placeholder,
                multiple,
                accept_input,
                disabled,
                on_value_change,
            },
        )
}

fn string_or_number() -> impl Strategy<Value = StringOrNumber> {
    prop_oneof![
        ident().prop_map(StringOrNumber::String),
        number().prop_map(|n| StringOrNumber::Number(JsNumber(n))),
    ]
}

fn textinput() -> impl Strategy<Value = TextInput> {
    (
        ident(),
        opt(text()),
        opt(text()),
        opt(select(InputType::ALL)),
        opt(any::<bool>()),
        opt(any::<bool>()),
    )
        .prop_map(
            |(state, initial_value, placeholder, input_type, multiline, disabled)| TextInput {
                state,
                initial_value,
                placeholder,
                input_type,
                multiline,
                disabled,
            },
        )
}

fn codeblock() -> impl Strategy<Value = CodeBlock> {
    (
        string_or_binding(),
        opt(ident()),
        opt(prop_oneof![
            any::<bool>().prop_map(LineNumbers::Bool),
            (1i64..100).prop_map(|n| LineNumbers::Start(JsNumber(n as f64)))
        ]),
        opt(ident()),
        opt(action()),
        opt(vec(button(), 0..2)),
    )
        .prop_map(
            |(content, syntax, line_numbers, state, on_content_change, buttons)| CodeBlock {
                content,
                syntax,
                line_numbers,
                state,
                on_content_change,
                buttons,
                header: None,
                footer: None,
            },
        )
}

fn control() -> impl Strategy<Value = Element> {
    prop_oneof![
        button().prop_map(Element::Button),
        textinput().prop_map(Element::TextInput),
        select_element().prop_map(Element::Select),
        (
            ident(),
            opt(any::<bool>()),
            opt(any::<bool>()),
            opt(action()),
            opt(confirm())
        )
            .prop_map(
                |(state, initial_value, disabled, on_value_change, confirm)| Element::Switch(
                    Switch {
                        state,
                        initial_value,
                        disabled,
                        on_value_change,
                        confirm,
                    }
                )
            ),
        (ident(), string_or_number(), opt(confirm())).prop_map(|(state, value, confirm)| {
            Element::Checkbox(Checkbox {
                state,
                value,
                confirm,
            })
        }),
        (
            ident(),
            string_or_number(),
            opt(any::<bool>()),
            opt(confirm())
        )
            .prop_map(|(state, value, disabled, confirm)| Element::Radio(Radio {
                state,
                value,
                disabled,
                confirm
            })),
        codeblock().prop_map(Element::CodeBlock),
    ]
}

/// A leaf descendant: no element children.
fn leaf() -> impl Strategy<Value = Element> {
    prop_oneof![
        3 => control(),
        1 => opt(select(DividerSize::ALL)).prop_map(|size| Element::Divider(Divider { size })),
        1 => (url(), opt((1i64..300).prop_map(|n| JsNumber(n as f64 / 100.0))), opt(vec(button(), 0..2)), opt(vec((ident(), string_or_binding()), 0..3)))
            .prop_map(|(u, aspect_ratio, buttons, data)| Element::WebFrame(WebFrame {
                source: Source { url: u },
                aspect_ratio,
                buttons,
                data: data.map(|d| d.into_iter().collect()),
            })),
        1 => string_or_binding().prop_map(|c| Element::Markdown(Markdown { content: c })),
        1 => image().prop_map(Element::Image),
        2 => text_element().prop_map(Element::Text),
        1 => link().prop_map(Element::Link),
        1 => vec(inline(), 0..3).prop_map(|c| Element::Hint(Hint { children: c })),
        1 => (text(), opt(prop_oneof![text().prop_map(InputHint::String), inline().prop_map(|e| InputHint::Element(Box::new(e)))]), control())
            .prop_map(|(label, hint, element)| Element::Input(Input { label, hint, element: Box::new(element) })),
    ]
}

/// Any descendant element, nested a few levels.
pub fn descendant() -> impl Strategy<Value = Element> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            (opt(select(Align::ALL)), vec(inner.clone(), 0..4))
                .prop_map(|(align, children)| Element::HStack(HStack { align, children })),
            (opt(select(Align::ALL)), vec(inner.clone(), 0..4))
                .prop_map(|(align, children)| Element::VStack(VStack { align, children })),
            (
                opt((0i64..4).prop_map(|n| JsNumber(n as f64))),
                vec(inner.clone(), 0..3)
            )
                .prop_map(|(grow, children)| Element::Box(BoxElement { grow, children })),
            (
                opt(text()),
                opt(prop_oneof![
                    text().prop_map(CardHint::String),
                    vec(inline(), 0..2).prop_map(CardHint::Elements)
                ]),
                opt(prop_oneof![
                    icon().prop_map(IconOrImage::Icon),
                    image().prop_map(IconOrImage::Image)
                ]),
                opt(vec(button(), 0..2)),
                opt(action()),
                opt(vec(inner.clone(), 0..3)),
            )
                .prop_map(|(title, hint, icon, buttons, on_press, children)| {
                    Element::Card(Card {
                        title,
                        hint,
                        icon,
                        buttons,
                        on_press,
                        children,
                    })
                }),
            (
                ident(),
                opt("[a-zA-Z ]{0,50}"),
                opt(any::<bool>()),
                vec(inner, 1..3)
            )
                .prop_map(|(id, title, next, children)| Element::Step(Step {
                    id,
                    title,
                    next,
                    children
                })),
        ]
    })
}

fn control_entry() -> impl Strategy<Value = ControlEntry> {
    let control = || {
        (text(), opt(icon()), action(), opt(confirm())).prop_map(
            |(label, icon, on_press, confirm)| BlockControl {
                label,
                icon,
                on_press,
                confirm,
            },
        )
    };
    prop_oneof![
        2 => control().prop_map(ControlEntry::Control),
        1 => vec(control(), 0..3).prop_map(ControlEntry::Group),
    ]
}

/// Any root element: block, modal or configuration.
pub fn root() -> impl Strategy<Value = Element> {
    let step = (
        ident(),
        opt("[a-zA-Z ]{0,50}"),
        opt(any::<bool>()),
        vec(descendant(), 1..3),
    )
        .prop_map(|(id, title, next, children)| Step {
            id,
            title,
            next,
            children,
        });
    prop_oneof![
        (opt(vec(control_entry(), 0..3)), vec(descendant(), 0..5))
            .prop_map(|(controls, children)| Element::Block(Block { controls, children })),
        (
            opt(text()),
            opt(select(ModalSize::ALL)),
            opt(vec(inline(), 0..2)),
            opt(button()),
            opt(plain_object()),
            vec(descendant(), 0..4),
        )
            .prop_map(|(title, size, subtitle, submit, return_value, children)| {
                Element::Modal(Modal {
                    title,
                    size,
                    subtitle,
                    submit,
                    return_value,
                    children,
                })
            }),
        vec(descendant(), 1..4)
            .prop_map(|children| Element::Configuration(Configuration { children })),
        (ident(), action(), action(), vec(step, 1..3)).prop_map(|(a, s, c, steps)| {
            Element::Configuration(Configuration::new([Stepper::new(a, s, c, steps)]))
        }),
    ]
}

/// A render output around an arbitrary root.
pub fn render_output() -> impl Strategy<Value = RenderOutput> {
    prop_oneof![
        4 => (plain_object(), plain_object(), root(), opt(any::<bool>())).prop_map(|(state, props, element, claims)| {
            RenderOutput::Element(ElementOutput { state, props, element, can_access_visitor_claims: claims })
        }),
        1 => opt(plain_object()).prop_map(|r| RenderOutput::Complete(CompleteOutput { return_value: r })),
    ]
}
