//! Serving a router on a loopback port from a background runtime, for the tests that
//! talk to the playground or the runtime over HTTP.

use std::sync::Arc;

use contentkit::playground::{self, ComponentFiles};

/// Serves `app` on a free loopback port; returns its URL (`http://127.0.0.1:PORT`).
pub fn serve_app(app: axum::Router) -> String {
    serve_with(app, None)
}

/// Serves the playground on `files`, watched on disk as `contentkit serve` watches them.
pub fn serve_watched(files: ComponentFiles) -> String {
    let files = Arc::new(files);
    serve_with(playground::router(files.clone()), Some(files))
}

fn serve_with(app: axum::Router, watched: Option<Arc<ComponentFiles>>) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            if let Some(files) = watched {
                playground::spawn_watcher(files, std::time::Duration::from_millis(200));
            }
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(format!("http://{}", listener.local_addr().unwrap()))
                .unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    rx.recv().unwrap()
}
