//! The component language: TypeScript with JSX, as `@gitbook/runtime` integrations
//! are written, with JavaScript's semantics.
//!
//! - [`syntax`]: the grammar (`grammar/contentkit.pest`), the syntax tree, the parser;
//! - [`compile`]: names resolved, element checks, the IR;
//! - [`value`]: values and the per-request heap;
//! - [`eval`]: the evaluator;
//! - [`builtins`]: the standard library and `@gitbook/runtime`;
//! - [`program`]: loading files into a program;
//! - [`image`]: compiled programs as bytes, loaded without the parser;
//! - [`run`]: components run for a `ui_render` request, from its bytes to the response's;
//! - [`handlers`]: the integration's other handlers (`fetch`, `events`, `task`);
//! - [`host`]: what handlers ask of the outside world;
//! - [`oauth`]: the pure parts of OAuth flows (the signed `state`, the provider URL, token answers).
//!
//! ```
//! use contentkit::lang::program::{NoSources, Program};
//! use contentkit::lang::run::{ui_render, Outcome};
//! use contentkit::lang::{eval::Limits, host::HostState};
//!
//! let program = Program::load("counter.tsx", r#"
//!     import { createComponent } from '@gitbook/runtime';
//!     export const counter = createComponent<{}, { count: number }>({
//!         componentId: 'counter',
//!         initialState: () => ({ count: 0 }),
//!         action: async (element, action) => {
//!             switch (action.action) {
//!                 case 'inc':
//!                     return { state: { count: element.state.count + 1 } };
//!                 default:
//!                     return {};
//!             }
//!         },
//!         render: async ({ state }) => (
//!             <block>
//!                 <text>{`Count: ${state.count}`}</text>
//!                 <button label="+" onPress={{ action: 'inc' }} />
//!             </block>
//!         ),
//!     });
//! "#, &NoSources).unwrap();
//! let event = br#"{"componentId":"counter","props":{},"state":{"count":1},"action":{"action":"inc"},"context":{}}"#;
//! let Outcome::Done(response) = ui_render(&program, event, b"{}", Limits::default(), HostState::default()) else { panic!() };
//! assert_eq!(
//!     String::from_utf8(response.body).unwrap(),
//!     r#"{"type":"element","state":{"count":2},"props":{},"element":{"type":"block","children":[{"type":"text","children":["Count: 2"]},{"type":"button","label":"+","onPress":{"action":"inc"}}]}}"#
//! );
//! ```

pub mod asset;
pub(crate) mod builtins;
pub mod compile;
pub mod diagnostic;
pub mod eval;
pub mod handlers;
pub mod host;
pub mod image;
pub mod number;
pub mod oauth;
pub mod package;
pub mod program;
pub mod run;
pub mod source;
pub mod syntax;
pub mod value;
