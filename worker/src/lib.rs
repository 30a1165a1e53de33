//! The contentkit worker engine: the exports of `contentkit::worker`'s ABI,
//! with an integration made only of the component files it is started with.
//!
//! `contentkit build DIR --worker` puts this crate's wasm, built by
//! `cargo build -p contentkit-worker --target wasm32-unknown-unknown --profile worker`,
//! into a bundle with DIR's files; see `contentkit::worker` for the ABI and
//! `contentkit::worker::bundle` for the bundle.

use contentkit::component::Integration;
use contentkit::worker::Worker;

contentkit::export_worker!(|init| Worker::build(Integration::new(), init));
