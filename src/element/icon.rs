//! Icons, and the places that take an icon or an image.

use serde::Serialize;

use super::content::Image;
use super::decode::{Decode, Decoder};
use super::json::{Json, JsonType};

string_enum! {
    /// One of the 18 icons GitBook draws.
    pub enum Icon {
        /// A cross.
        Close = "close",
        /// A pencil.
        Edit = "edit",
        /// GitHub's mark.
        Github = "github",
        /// GitLab's mark.
        Gitlab = "gitlab",
        /// Arrows pointing outwards.
        Maximize = "maximize",
        /// An envelope.
        Email = "email",
        /// A cog.
        Settings = "settings",
        /// A magnifier.
        Search = "search",
        /// A bin.
        Delete = "delete",
        /// A star.
        Star = "star",
        /// A warning triangle.
        Warning = "warning",
        /// A chain link.
        Link = "link",
        /// A box with an outgoing arrow.
        LinkExternal = "link-external",
        /// An open eye.
        Eye = "eye",
        /// A crossed-out eye.
        EyeOff = "eye-off",
        /// A padlock.
        Lock = "lock",
        /// A check mark.
        Check = "check",
        /// A check mark in a circle.
        CheckCircle = "check-circle",
    }
}

/// An icon name or an image (a card's `icon`, a select option's `icon`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum IconOrImage {
    /// A named icon.
    Icon(Icon),
    /// An image element.
    Image(Image),
}

impl From<Icon> for IconOrImage {
    fn from(i: Icon) -> Self {
        IconOrImage::Icon(i)
    }
}

impl From<Image> for IconOrImage {
    fn from(i: Image) -> Self {
        IconOrImage::Image(i)
    }
}

impl Decode for IconOrImage {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        match v.json_type() {
            JsonType::String => Icon::decode(v, d).map(IconOrImage::Icon),
            JsonType::Object => Image::decode(v, d).map(IconOrImage::Image),
            _ => {
                d.wrong_type("icon name or image", v);
                None
            }
        }
    }
}
