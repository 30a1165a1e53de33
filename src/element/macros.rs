//! The two macros that define the tree: string enumerations and records.
//!
//! A record is a struct with its JSON keys, which of them are required, how each is
//! decoded, and (for elements) its `type` tag. From one declaration come the struct, its
//! serializer (tag first, then fields in declared order, absent optionals left out),
//! its strict decoder, a table of attributes for the markup checker, and a setter per
//! optional field for builders.

/// Defines a string enumeration with its JSON names.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $json:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in schema order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every JSON name, in schema order.
            pub const NAMES: &'static [&'static str] = &[$($json),+];

            /// The JSON name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $json),+ }
            }

            /// The value with that JSON name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($json => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl $crate::element::shape::HasShape for $name {
            const SHAPE: $crate::element::shape::Shape = $crate::element::shape::Shape::Enum(Self::NAMES);
        }

        impl $crate::element::decode::Decode for $name {
            const EXPECTED: Option<&'static [&'static str]> = Some(Self::NAMES);

            fn decode<'a, J: $crate::element::json::Json<'a>>(
                v: J,
                d: &mut $crate::element::decode::Decoder,
            ) -> Option<Self> {
                let Some(s) = v.as_str() else {
                    d.wrong_type("string", v);
                    return None;
                };
                let found = Self::from_name(&s);
                if found.is_none() {
                    d.error($crate::element::ErrorKind::UnknownValue {
                        found: $crate::element::decode::quoted(&s),
                        expected: Self::NAMES,
                    });
                }
                found
            }
        }
    };
}

/// The Rust type of a field: required fields are plain, optional ones `Option`.
macro_rules! field_type {
    (req $ty:ty) => { $ty };
    (opt $ty:ty) => { Option<$ty> };
}

/// The decode function of a field: its type's own, or the one named with `via`.
macro_rules! field_decoder {
    ($ty:ty) => {
        <$ty as $crate::element::decode::Decode>::decode
    };
    ($ty:ty, $via:path) => {
        $via
    };
}

/// The shape of a field: its type's own, or the one given with `via … as`.
macro_rules! field_shape {
    ($ty:ty) => {
        <$ty as $crate::element::shape::HasShape>::SHAPE
    };
    ($ty:ty, $shape:expr) => {
        $shape
    };
}

/// Decodes one field; `None` when it failed (the error is recorded).
macro_rules! decode_field {
    (req, $d:ident, $obj:ident, $key:literal, $dec:expr) => {
        $d.required($obj, $key, $dec)
    };
    (opt, $d:ident, $obj:ident, $key:literal, $dec:expr) => {
        $d.optional($obj, $key, $dec)
    };
}

/// Writes one field into a serde map, leaving absent optionals out.
macro_rules! serialize_field {
    (req, $map:ident, $key:literal, $value:expr) => {
        serde::ser::SerializeMap::serialize_entry(&mut $map, $key, $value)?;
    };
    (opt, $map:ident, $key:literal, $value:expr) => {
        if let Some(v) = $value {
            serde::ser::SerializeMap::serialize_entry(&mut $map, $key, v)?;
        }
    };
}

/// A setter for an optional field; required fields get none (they come through `new`).
macro_rules! field_setter {
    (req, $field:ident, $ty:ty) => {};
    (opt, $field:ident, $ty:ty) => {
        #[doc = concat!("Sets `", stringify!($field), "`.")]
        #[must_use]
        pub fn $field(mut self, value: impl Into<$ty>) -> Self {
            self.$field = Some(value.into());
            self
        }
    };
}

/// The `type` check of a tagged record decoded on its own (a card's `buttons`, say):
/// a record of another type is one error, not a cascade of attribute errors.
macro_rules! check_tag {
    ($d:ident, $obj:ident,) => {};
    ($d:ident, $obj:ident, $tag:literal) => {
        match $obj.get("type") {
            Some(t) if t.as_str().as_deref() == Some($tag) => {}
            Some(other) => {
                $d.at_key("type", |d| match other.as_str() {
                    Some(found) => d.error($crate::element::ErrorKind::NotAllowedHere {
                        found: $crate::element::ElementKind::from_name(&found)
                            .map_or("unknown", |k| k.name()),
                        allowed: vec![$tag],
                    }),
                    None => d.wrong_type("string", other),
                });
                return None;
            }
            None => {
                $d.error($crate::element::ErrorKind::MissingField("type"));
                return None;
            }
        }
    };
}

/// Defines a record: a struct with JSON keys, its serializer, decoder, attribute table and setters.
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident $([tag = $tag:literal])? as $owner:literal {
            $(
                $(#[$fmeta:meta])*
                $req:ident $field:ident : $ty:ty = $key:literal $(via $via:path as $vshape:expr)?
            ),* $(,)?
        }
        $(check = $check:path;)?
        $(limits = [$(($lkey:literal, $lim:expr)),* $(,)?];)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: field_type!($req $ty), )*
        }

        impl $name {
            /// The JSON keys this record takes, with whether each is required and its enum values.
            pub const ATTRIBUTES: &'static [$crate::element::AttrSpec] = &[
                $( $crate::element::AttrSpec {
                    name: $key,
                    required: record!(@is_req $req),
                    values: <$ty as $crate::element::decode::Decode>::EXPECTED,
                }, )*
            ];

            $( field_setter!($req, $field, $ty); )*

            /// The record's shape, for checking JSON without decoding it.
            pub const SHAPE: &'static $crate::element::shape::RecordShape = &$crate::element::shape::RecordShape {
                owner: $owner,
                tag: record!(@tag $($tag)?),
                fields: &[
                    $( $crate::element::shape::Field {
                        key: $key,
                        required: record!(@is_req $req),
                        shape: field_shape!($ty $(, $vshape)?),
                    }, )*
                ],
                limits: &[$($( ($lkey, $lim), )*)?],
            };
        }

        impl $crate::element::shape::HasShape for $name {
            const SHAPE: $crate::element::shape::Shape = $crate::element::shape::Shape::Record(Self::SHAPE);
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                #[allow(unused_mut)]
                let mut map = serde::Serializer::serialize_map(s, None)?;
                $( serde::ser::SerializeMap::serialize_entry(&mut map, "type", $tag)?; )?
                $( serialize_field!($req, map, $key, &self.$field); )*
                serde::ser::SerializeMap::end(map)
            }
        }

        impl $crate::element::decode::Decode for $name {
            fn decode<'a, J: $crate::element::json::Json<'a>>(
                v: J,
                d: &mut $crate::element::decode::Decoder,
            ) -> Option<Self> {
                #[allow(unused_imports)]
                use $crate::element::json::Json as _;
                let obj = d.object(v)?;
                check_tag!(d, obj, $($tag)?);
                const KNOWN: &[&str] = &[$($key),*];
                d.unknown_keys(obj, KNOWN, record!(@tagged $($tag)?), $owner);
                $(
                    let $field = decode_field!($req, d, obj, $key, field_decoder!($ty $(, $via)?));
                )*
                let value = $name { $( $field: $field?, )* };
                $( $check(&value, d); )?
                Some(value)
            }
        }
    };
    (@is_req req) => { true };
    (@is_req opt) => { false };
    (@tagged) => { false };
    (@tagged $tag:literal) => { true };
    (@tag) => { None };
    (@tag $tag:literal) => { Some($tag) };
}
