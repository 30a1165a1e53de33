//! The 18 ContentKit icons as inline SVG, drawn for this crate on a 16×16 grid.
//!
//! Each icon is one constant string built at compile time, so drawing an icon is a
//! single copy into the output. They are stroked with `currentColor`, so they take the
//! colour of the text around them (a danger button's icon is red, say).

use crate::element::Icon;

/// Wraps the shapes of a 16×16 icon in its `<svg>` element.
macro_rules! svg {
    ($name:literal, $($shape:expr),+ $(,)?) => {
        concat!(
            r#"<svg class="contentkit-icon contentkit-icon-"#, $name,
            r#"" viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">"#,
            $($shape,)+
            "</svg>"
        )
    };
}

/// A path shape.
macro_rules! path {
    ($d:literal) => {
        concat!(r#"<path d=""#, $d, r#""/>"#)
    };
}

/// A circle shape.
macro_rules! circle {
    ($cx:literal, $cy:literal, $r:literal) => {
        concat!(
            r#"<circle cx=""#,
            $cx,
            r#"" cy=""#,
            $cy,
            r#"" r=""#,
            $r,
            r#""/>"#
        )
    };
}

/// The SVG of an icon.
pub(super) fn svg(icon: Icon) -> &'static str {
    match icon {
        Icon::Close => svg!("close", path!("M4 4l8 8M12 4l-8 8")),
        Icon::Edit => svg!(
            "edit",
            path!("M10.5 2.5l3 3L6 13H3v-3z"),
            path!("M9 4l3 3")
        ),
        Icon::Github => svg!(
            "github",
            path!("M6 14v-2.2c-2.5.5-3-1-3.5-1.8"),
            path!("M10 14v-2.5c0-.8-.3-1.3-.7-1.6 2.2-.3 3.7-1.2 3.7-3.6 0-.8-.3-1.5-.8-2.1.1-.6.1-1.3-.2-2-.8 0-1.5.4-2.1.8a6.8 6.8 0 0 0-3.8 0C5.5 2.6 4.8 2.2 4 2.2c-.3.7-.3 1.4-.2 2-.5.6-.8 1.3-.8 2.1 0 2.4 1.5 3.3 3.7 3.6-.4.3-.7.8-.7 1.6V14")
        ),
        Icon::Gitlab => svg!(
            "gitlab",
            path!("M8 14L1.8 9.4 3.3 2.6 5.4 7.4h5.2l2.1-4.8 1.5 6.8z")
        ),
        Icon::Maximize => svg!(
            "maximize",
            path!("M9.5 2.5h4v4M13.5 2.5L9 7"),
            path!("M6.5 13.5h-4v-4M2.5 13.5L7 9")
        ),
        Icon::Email => svg!(
            "email",
            path!("M3.5 3.5h9a1.5 1.5 0 0 1 1.5 1.5v6a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 11V5a1.5 1.5 0 0 1 1.5-1.5z"),
            path!("M2.5 4.5L8 9l5.5-4.5")
        ),
        Icon::Settings => svg!(
            "settings",
            circle!("8", "8", "4.4"),
            circle!("8", "8", "1.7"),
            path!("M12.6 8h1.8M11.3 11.3l1.2 1.2M8 12.6v1.8M4.7 11.3l-1.2 1.2M3.4 8H1.6M4.7 4.7L3.5 3.5M8 3.4V1.6M11.3 4.7l1.2-1.2")
        ),
        Icon::Search => svg!("search", circle!("7", "7", "4.5"), path!("M10.5 10.5L14 14")),
        Icon::Delete => svg!(
            "delete",
            path!("M2.5 4h11M6 4V2.5h4V4"),
            path!("M3.5 4l.8 9.5h7.4l.8-9.5"),
            path!("M6.5 6.5v4.5M9.5 6.5v4.5")
        ),
        Icon::Star => svg!(
            "star",
            path!("M8 2l1.7 4.3 4.6.3-3.5 2.9 1.1 4.4L8 11.5l-3.9 2.4 1.1-4.4-3.5-2.9 4.6-.3z")
        ),
        Icon::Warning => svg!(
            "warning",
            path!("M8 1.8l6.7 11.7H1.3z"),
            path!("M8 6v3.5M8 11.5v.01")
        ),
        Icon::Link => svg!(
            "link",
            path!("M6.5 9.5l3-3"),
            path!("M7 4.5l1.2-1.2a2.5 2.5 0 0 1 3.5 3.5L10.5 8"),
            path!("M5.5 8L4.3 9.2a2.5 2.5 0 0 0 3.5 3.5L9 11.5")
        ),
        Icon::LinkExternal => svg!(
            "link-external",
            path!("M9 2.5h4.5V7M13.5 2.5l-6 6"),
            path!("M11.5 9.5v3a1 1 0 0 1-1 1h-7a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1h3")
        ),
        Icon::Eye => svg!(
            "eye",
            path!("M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8z"),
            circle!("8", "8", "2")
        ),
        Icon::EyeOff => svg!(
            "eye-off",
            path!("M6.6 3.6A6.4 6.4 0 0 1 8 3.5c4 0 6.5 4.5 6.5 4.5a11 11 0 0 1-1.6 2.1"),
            path!("M11.3 11.4A6.2 6.2 0 0 1 8 12.5C4 12.5 1.5 8 1.5 8a11.5 11.5 0 0 1 3.2-3.4"),
            path!("M6.6 6.6a2 2 0 0 0 2.8 2.8"),
            path!("M2 2l12 12")
        ),
        Icon::Lock => svg!(
            "lock",
            path!("M4.5 7h7A1.5 1.5 0 0 1 13 8.5v4a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 12.5v-4A1.5 1.5 0 0 1 4.5 7z"),
            path!("M5 7V5a3 3 0 0 1 6 0v2")
        ),
        Icon::Check => svg!("check", path!("M3 8.5l3 3 7-7")),
        Icon::CheckCircle => svg!(
            "check-circle",
            circle!("8", "8", "6.5"),
            path!("M5 8.2l2 2 4-4.2")
        ),
    }
}

/// Three dots: the toggle of a block's controls menu.
pub(super) const MORE: &str = svg!(
    "more",
    circle!("3.5", "8", ".6"),
    circle!("8", "8", ".6"),
    circle!("12.5", "8", ".6")
);

/// An "i" in a circle: the mark of a hint box.
pub(super) const INFO: &str = svg!(
    "info",
    circle!("8", "8", "6.5"),
    path!("M8 7.5v3.5M8 5v.01")
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_icon_has_its_own_svg() {
        let mut seen = std::collections::HashSet::new();
        for &icon in Icon::ALL {
            let s = svg(icon);
            assert!(s.starts_with("<svg class=\"contentkit-icon contentkit-icon-"));
            assert!(s.contains(&format!("contentkit-icon-{}\"", icon.as_str())));
            assert!(s.ends_with("</svg>"));
            assert!(seen.insert(s), "{icon} repeats another icon");
        }
        assert_eq!(seen.len(), 18);
    }
}
