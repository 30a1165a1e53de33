//! The contentkit worker engine: the exports of `contentkit::worker`'s ABI,
//! with an integration made only of the compiled components it is started
//! with (a `WorkerImage`: it holds no parser or compiler).
//!
//! `contentkit build DIR --worker` puts this crate's wasm, built by
//! `cargo build -p contentkit-worker --target wasm32-unknown-unknown --profile worker`,
//! into a bundle with DIR's files; see `contentkit::worker` for the ABI and
//! `contentkit::worker::bundle` for the bundle.

use contentkit::component::Integration;
use contentkit::worker::Worker;

contentkit::export_worker!(|image| Worker::from_image(Integration::new(), image));
