//! The heap of one request, and the frozen base every request starts from.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::object::{Atom, Func, ObjKind, Object, Props, WELL_KNOWN};
use super::{EnvId, ObjId, StrId, Value};

/// A request's heap ran out of its memory budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryExceeded;

/// Where a string's bytes are.
#[derive(Debug, Clone, Copy)]
struct StrMeta {
    buf: u32,
    start: u32,
    len: u32,
    /// Whether every byte is ASCII (UTF-16 indices are byte indices then).
    ascii: bool,
    /// Whether the bytes go into a JSON string as they are (no escape needed).
    plain: bool,
}

/// Strings: WTF-8 bytes in append-only buffers.
///
/// Buffer 0 takes every new string. A concatenation whose left side ends its buffer
/// appends to that buffer instead of copying the left side, and a large left side that
/// does not end its buffer moves to a buffer of its own first: so `s += piece` in a
/// loop costs the piece, not the whole string, as in JavaScript engines.
#[derive(Debug, Clone, Default)]
struct StrTable {
    metas: Vec<StrMeta>,
    bufs: Vec<Vec<u8>>,
}

/// Strings from this size up get a buffer of their own when they grow.
const OWN_BUFFER_FROM: usize = 256;

impl StrTable {
    fn bytes(&self, i: usize) -> &[u8] {
        let m = self.metas[i];
        &self.bufs[m.buf as usize][m.start as usize..(m.start + m.len) as usize]
    }

    fn push(&mut self, bytes: &[u8]) -> usize {
        let plain = super::string::is_json_plain(bytes);
        // Only a string with a surrogate byte can hold two halves of a pair apart.
        let joined = if plain {
            None
        } else {
            super::string::with_pairs_joined(bytes)
        };
        let (bytes, plain) = match &joined {
            Some(j) => (j.as_slice(), super::string::is_json_plain(j)),
            None => (bytes, plain),
        };
        if self.bufs.is_empty() {
            self.bufs.push(Vec::with_capacity(4096));
        }
        let buf = &mut self.bufs[0];
        let start = buf.len() as u32;
        buf.extend_from_slice(bytes);
        self.metas.push(StrMeta {
            buf: 0,
            start,
            len: bytes.len() as u32,
            ascii: bytes.is_ascii(),
            plain,
        });
        self.metas.len() - 1
    }
}

/// Interned property names.
#[derive(Debug, Clone, Default)]
struct AtomTable {
    names: Vec<StrId>,
    map: FxHashMap<Box<[u8]>, u32>,
}

/// Objects in chunks of a fixed size: a heap that grows to many objects never moves
/// the ones it has (a `Vec` doubling its buffer copies every object each time).
#[derive(Debug, Clone, Default)]
pub(crate) struct Objects {
    chunks: Vec<Vec<Object>>,
    len: usize,
}

/// Objects per chunk (a power of two).
const CHUNK: usize = 1024;

impl Objects {
    fn push(&mut self, object: Object) -> usize {
        if self.chunks.len() == self.len / CHUNK {
            // The first chunk grows as it fills (most requests make few objects);
            // a heap that filled one takes the next whole.
            let capacity = if self.chunks.is_empty() { 0 } else { CHUNK };
            self.chunks.push(Vec::with_capacity(capacity));
        }
        let i = self.len;
        if let Some(chunk) = self.chunks.last_mut() {
            chunk.push(object);
        }
        self.len += 1;
        i
    }

    /// Room in the first chunk for `total` objects in all (at most a chunk), so
    /// that a request making about as many as the last one never regrows it.
    fn reserve(&mut self, total: usize) {
        if self.len >= CHUNK {
            return;
        }
        let total = total.min(CHUNK);
        match self.chunks.first_mut() {
            Some(first) => first.reserve(total.saturating_sub(first.len())),
            None => self.chunks.push(Vec::with_capacity(total)),
        }
    }

    fn get(&self, i: usize) -> &Object {
        &self.chunks[i / CHUNK][i % CHUNK]
    }

    fn get_mut(&mut self, i: usize) -> &mut Object {
        &mut self.chunks[i / CHUNK][i % CHUNK]
    }

    fn iter(&self) -> impl Iterator<Item = &Object> {
        self.chunks.iter().flatten()
    }
}

/// Bytes held by objects and environments, for the memory budget.
fn object_bytes(objects: &Objects, envs: &[Env]) -> usize {
    objects.iter().map(Object::bytes).sum::<usize>()
        + envs.iter().map(|e| e.slots.len() * 16 + 32).sum::<usize>()
}

/// The key of an array index name (`"0"`, `"17"`), when `name` is one below 2^31.
fn index_atom(name: &[u8]) -> Option<Atom> {
    // Only digits can name an index: the common name skips the number parse.
    if !name.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(name)
        .ok()
        .and_then(crate::lang::number::array_index)
        .and_then(Atom::index)
}

/// A captured-variable environment: the variables of one scope that closures see.
#[derive(Debug, Clone)]
pub(crate) struct Env {
    pub parent: Option<EnvId>,
    pub slots: Vec<Value>,
}

/// The frozen start of every request's heap: the program's strings and property
/// names, and the objects and environments its modules made when they loaded.
#[derive(Debug, Default)]
pub struct Base {
    strs: StrTable,
    atoms: AtomTable,
    objects: Objects,
    envs: Vec<Env>,
    /// Bytes held by `objects` and `envs`, charged to every request that copies them.
    object_bytes: usize,
}

/// The heap of one request (or of a program while it loads).
#[derive(Debug)]
pub struct Heap {
    base: Arc<Base>,
    strs: StrTable,
    atoms: AtomTable,
    pub(crate) objects: Objects,
    pub(crate) envs: Vec<Env>,
    used: usize,
    limit: usize,
}

impl Heap {
    /// An empty heap for building a program: the well-known names are interned first.
    pub(crate) fn for_program(limit: usize) -> Heap {
        let mut h = Heap::empty(limit);
        for name in WELL_KNOWN {
            // The well-known names are tiny; the budget of a new heap holds them.
            let _ = h.intern(name.as_bytes());
        }
        h
    }

    /// A heap with nothing in it, not even the well-known names.
    fn empty(limit: usize) -> Heap {
        Heap {
            base: Arc::new(Base::default()),
            strs: StrTable::default(),
            atoms: AtomTable::default(),
            objects: Objects::default(),
            envs: Vec::new(),
            used: 0,
            limit,
        }
    }

    /// Freezes this heap into the base of later requests.
    pub(crate) fn freeze(self) -> Arc<Base> {
        debug_assert!(
            self.base.strs.metas.is_empty(),
            "a program heap has no base"
        );
        let object_bytes = object_bytes(&self.objects, &self.envs);
        Arc::new(Base {
            strs: self.strs,
            atoms: self.atoms,
            objects: self.objects,
            envs: self.envs,
            object_bytes,
        })
    }

    /// Freezes a request's heap into the base of later requests: what it made on
    /// top of its own base (strings, names, objects) becomes part of the start every
    /// later request copies.
    pub(crate) fn freeze_over(self) -> Arc<Base> {
        let base = &*self.base;
        let mut strs = base.strs.clone();
        let offset = strs.bufs.len() as u32;
        strs.bufs.extend(self.strs.bufs);
        strs.metas
            .extend(self.strs.metas.into_iter().map(|m| StrMeta {
                buf: m.buf + offset,
                ..m
            }));
        let mut atoms = base.atoms.clone();
        atoms.names.extend(self.atoms.names);
        atoms.map.extend(self.atoms.map);
        let object_bytes = object_bytes(&self.objects, &self.envs);
        Arc::new(Base {
            strs,
            atoms,
            objects: self.objects,
            envs: self.envs,
            object_bytes,
        })
    }

    /// A request's heap: the base's objects copied (requests may change them), its
    /// strings and names shared; at most `limit` bytes more.
    pub fn from_base(base: &Arc<Base>, limit: usize) -> Heap {
        Heap {
            base: base.clone(),
            strs: StrTable::default(),
            atoms: AtomTable::default(),
            objects: base.objects.clone(),
            envs: base.envs.clone(),
            used: base.object_bytes,
            limit: limit.saturating_add(base.object_bytes),
        }
    }

    /// Bytes counted so far.
    pub fn used(&self) -> usize {
        self.used
    }

    /// Counts `bytes` against the budget, before they are allocated.
    pub fn charge(&mut self, bytes: usize) -> Result<(), MemoryExceeded> {
        self.used = self.used.saturating_add(bytes);
        if self.used > self.limit {
            Err(MemoryExceeded)
        } else {
            Ok(())
        }
    }

    // ------------------------------------------------------------ strings

    fn base_strs(&self) -> usize {
        self.base.strs.metas.len()
    }

    /// A string's WTF-8 bytes.
    pub fn str_bytes(&self, s: StrId) -> &[u8] {
        let i = s.0 as usize;
        let n = self.base_strs();
        if i < n {
            self.base.strs.bytes(i)
        } else {
            self.strs.bytes(i - n)
        }
    }

    fn meta(&self, s: StrId) -> StrMeta {
        let i = s.0 as usize;
        let n = self.base_strs();
        if i < n {
            self.base.strs.metas[i]
        } else {
            self.strs.metas[i - n]
        }
    }

    /// Whether a string is all ASCII (its UTF-16 length is its byte length).
    pub fn str_is_ascii(&self, s: StrId) -> bool {
        self.meta(s).ascii
    }

    /// Whether a string goes into JSON text as it is, between quotes (no escapes).
    pub fn str_is_json_plain(&self, s: StrId) -> bool {
        self.meta(s).plain
    }

    /// A string's bytes and whether they go into JSON as they are, found once
    /// (the JSON writer needs both for every key and string it writes).
    pub(crate) fn str_json(&self, s: StrId) -> (&[u8], bool) {
        let i = s.0 as usize;
        let n = self.base_strs();
        let (table, i) = if i < n {
            (&self.base.strs, i)
        } else {
            (&self.strs, i - n)
        };
        let m = table.metas[i];
        let bytes = &table.bufs[m.buf as usize][m.start as usize..(m.start + m.len) as usize];
        (bytes, m.plain)
    }

    /// A string's bytes as `str` when it holds no lone surrogate (the usual case),
    /// else a copy with each lone surrogate replaced by U+FFFD.
    pub fn str_lossy(&self, s: StrId) -> std::borrow::Cow<'_, str> {
        super::string::wtf8_to_str_lossy(self.str_bytes(s))
    }

    /// A new string from WTF-8 bytes.
    pub fn alloc_str(&mut self, bytes: &[u8]) -> Result<StrId, MemoryExceeded> {
        self.charge(bytes.len() + 16)?;
        let i = self.strs.push(bytes);
        Ok(StrId((self.base_strs() + i) as u32))
    }

    /// `a + b` for strings.
    pub fn concat(&mut self, a: StrId, b: StrId) -> Result<StrId, MemoryExceeded> {
        let mb = self.meta(b);
        if mb.len == 0 {
            return Ok(a);
        }
        let ma = self.meta(a);
        if ma.len == 0 {
            return Ok(b);
        }
        let total = ma.len as usize + mb.len as usize;
        if total > u32::MAX as usize / 2 {
            return Err(MemoryExceeded);
        }
        if !ma.plain
            && !mb.plain
            && super::string::pairs_across(self.str_bytes(a), self.str_bytes(b))
        {
            // Half a pair meets its other half: the joined pair is a new string.
            let mut bytes = Vec::with_capacity(total);
            bytes.extend_from_slice(self.str_bytes(a));
            bytes.extend_from_slice(self.str_bytes(b));
            return self.alloc_str(&bytes);
        }
        let n = self.base_strs();
        let local_a = (a.0 as usize) >= n;
        let ascii = ma.ascii && mb.ascii;
        // Joining adds no byte: plain and plain make plain.
        let plain = ma.plain && mb.plain;
        if local_a {
            let buf = ma.buf as usize;
            let at_end = self.strs.bufs[buf].len() == (ma.start + ma.len) as usize;
            if at_end && (buf != 0 || total < OWN_BUFFER_FROM) {
                // Append in place: `a`'s id still means its old bytes.
                let b_bytes = self.str_bytes(b).to_vec();
                let before = self.strs.bufs[buf].capacity();
                self.strs.bufs[buf].extend_from_slice(&b_bytes);
                let grown = self.strs.bufs[buf].capacity().saturating_sub(before);
                self.charge(grown + 16)?;
                self.strs.metas.push(StrMeta {
                    buf: ma.buf,
                    start: ma.start,
                    len: total as u32,
                    ascii,
                    plain,
                });
                return Ok(StrId((n + self.strs.metas.len() - 1) as u32));
            }
        }
        if total >= OWN_BUFFER_FROM {
            // A large string gets a buffer of its own, with room to grow.
            self.charge(total * 2 + 16)?;
            let mut buf = Vec::with_capacity(total * 2);
            buf.extend_from_slice(self.str_bytes(a));
            buf.extend_from_slice(self.str_bytes(b));
            self.strs.bufs.push(buf);
            self.strs.metas.push(StrMeta {
                buf: (self.strs.bufs.len() - 1) as u32,
                start: 0,
                len: total as u32,
                ascii,
                plain,
            });
            return Ok(StrId((n + self.strs.metas.len() - 1) as u32));
        }
        let mut joined = Vec::with_capacity(total);
        joined.extend_from_slice(self.str_bytes(a));
        joined.extend_from_slice(self.str_bytes(b));
        self.alloc_str(&joined)
    }

    // ------------------------------------------------------------ names

    fn base_atoms(&self) -> usize {
        self.base.atoms.names.len()
    }

    /// The key for a property name given as WTF-8 bytes (array indices included).
    pub fn intern(&mut self, name: &[u8]) -> Result<Atom, MemoryExceeded> {
        if let Some(a) = index_atom(name) {
            return Ok(a);
        }
        if let Some(&i) = self.base.atoms.map.get(name) {
            return Ok(Atom(i));
        }
        if let Some(&i) = self.atoms.map.get(name) {
            return Ok(Atom(i));
        }
        self.charge(name.len() * 2 + 48)?;
        let s = self.alloc_str(name)?;
        let id = (self.base_atoms() + self.atoms.names.len()) as u32;
        self.atoms.names.push(s);
        self.atoms.map.insert(name.into(), id);
        Ok(Atom(id))
    }

    /// The key for a string value.
    pub fn intern_str(&mut self, s: StrId) -> Result<Atom, MemoryExceeded> {
        // Copy out the bytes: interning may allocate into the same table.
        let bytes = self.str_bytes(s);
        if bytes.len() <= 64 {
            let mut tmp = [0u8; 64];
            tmp[..bytes.len()].copy_from_slice(bytes);
            let n = bytes.len();
            self.intern(&tmp[..n])
        } else {
            let owned = bytes.to_vec();
            self.intern(&owned)
        }
    }

    /// The key of a name already interned (no allocation), if it is.
    pub fn lookup_atom(&self, name: &[u8]) -> Option<Atom> {
        if name.first().is_some_and(u8::is_ascii_digit) {
            if let Some(i) = std::str::from_utf8(name)
                .ok()
                .and_then(crate::lang::number::array_index)
            {
                return Atom::index(i);
            }
        }
        self.base
            .atoms
            .map
            .get(name)
            .or_else(|| self.atoms.map.get(name))
            .map(|&i| Atom(i))
    }

    /// The string of a name key; `None` for an index key (see [`Heap::atom_value`]).
    pub fn atom_name(&self, a: Atom) -> Option<StrId> {
        let i = a.name_index()?;
        let n = self.base_atoms();
        Some(if i < n {
            self.base.atoms.names[i]
        } else {
            self.atoms.names[i - n]
        })
    }

    /// A key as bytes, written into `buf` for index keys.
    pub fn atom_bytes<'a>(&'a self, a: Atom, buf: &'a mut itoa::Buffer) -> &'a [u8] {
        match a.as_index() {
            Some(i) => buf.format(i).as_bytes(),
            None => match self.atom_name(a) {
                Some(s) => self.str_bytes(s),
                None => b"",
            },
        }
    }

    /// A key as a string value (`Object.keys`).
    pub fn atom_value(&mut self, a: Atom) -> Result<StrId, MemoryExceeded> {
        match a.as_index() {
            Some(i) => {
                let mut buf = itoa::Buffer::new();
                let digits = buf.format(i).as_bytes().to_vec();
                self.alloc_str(&digits)
            }
            None => Ok(self.atom_name(a).unwrap_or(StrId(0))),
        }
    }

    // ------------------------------------------------------------ objects

    /// Allocates an object.
    pub fn alloc(&mut self, object: Object) -> Result<ObjId, MemoryExceeded> {
        self.charge(object.bytes())?;
        Ok(ObjId(self.objects.push(object) as u32))
    }

    /// Room for `total` objects in all, base included, without regrowing
    /// (capped at a chunk; see [`Program::hint_objects`](crate::lang::program::Program)).
    pub(crate) fn reserve_objects(&mut self, total: usize) {
        self.objects.reserve(total);
    }

    /// How many objects the heap holds, base included.
    pub(crate) fn object_count(&self) -> usize {
        self.objects.len
    }

    /// An object.
    pub fn obj(&self, o: ObjId) -> &Object {
        self.objects.get(o.0 as usize)
    }

    /// An object, to change it.
    pub fn obj_mut(&mut self, o: ObjId) -> &mut Object {
        self.objects.get_mut(o.0 as usize)
    }

    /// Allocates an environment of `n` slots.
    pub(crate) fn alloc_env(
        &mut self,
        parent: Option<EnvId>,
        n: usize,
    ) -> Result<EnvId, MemoryExceeded> {
        self.charge(n * 16 + 32)?;
        self.envs.push(Env {
            parent,
            slots: vec![Value::Undefined; n],
        });
        Ok(EnvId((self.envs.len() - 1) as u32))
    }

    /// An environment.
    pub(crate) fn env(&self, e: EnvId) -> &Env {
        &self.envs[e.0 as usize]
    }

    /// An environment, to change it.
    pub(crate) fn env_mut(&mut self, e: EnvId) -> &mut Env {
        &mut self.envs[e.0 as usize]
    }
}

/// A program's heap as an image holds it (see [`crate::lang::image`]): its
/// strings in order, its names, and the objects compiling made (built-in
/// functions and the namespaces `Math`, `Object`, …). Read back, it is the same
/// heap: every string, name and object keeps its id.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct HeapImage {
    strs: Vec<Vec<u8>>,
    /// The string of each name, in name order.
    atoms: Vec<u32>,
    objects: Vec<ObjectImage>,
}

/// An object compiling made: plain (a namespace) or a built-in function.
#[derive(Debug, Serialize, Deserialize)]
struct ObjectImage {
    props: Vec<(Atom, Value)>,
    /// The built-in it calls, for a function.
    native: Option<u16>,
}

impl Heap {
    /// The image of a program's heap as compiling left it; `Err` names what an
    /// image cannot hold (an object of another kind, an environment), which
    /// only running code makes.
    pub(crate) fn image(&self) -> Result<HeapImage, &'static str> {
        if !self.base.strs.metas.is_empty() || !self.envs.is_empty() {
            return Err("a heap that ran code");
        }
        let strs = (0..self.strs.metas.len())
            .map(|i| self.strs.bytes(i).to_vec())
            .collect();
        let atoms = self.atoms.names.iter().map(|s| s.0).collect();
        let mut objects = Vec::with_capacity(self.objects.len);
        for o in self.objects.iter() {
            if !o.props.is_plain_data() || o.origin != 0 {
                return Err("an object with attributes");
            }
            let native = match &o.kind {
                ObjKind::Plain => None,
                ObjKind::Function(Func::Native {
                    id,
                    this: Value::Undefined,
                }) => Some(*id),
                _ => return Err("an object made by running code"),
            };
            objects.push(ObjectImage {
                props: o.props.entries().to_vec(),
                native,
            });
        }
        Ok(HeapImage {
            strs,
            atoms,
            objects,
        })
    }

    /// The program heap an image holds, with a budget of `limit` bytes; `Err`
    /// when the image is not one [`Heap::image`] writes (an id out of range).
    pub(crate) fn from_image(image: HeapImage, limit: usize) -> Result<Heap, String> {
        let mut h = Heap::empty(limit);
        let too_large = |_| "the image's heap is over its budget".to_owned();
        for bytes in &image.strs {
            h.alloc_str(bytes).map_err(too_large)?;
        }
        let strs = image.strs.len();
        for (i, &s) in image.atoms.iter().enumerate() {
            let name = image
                .strs
                .get(s as usize)
                .ok_or_else(|| format!("name {i} is string {s}, of {strs}"))?;
            if index_atom(name).is_some() || h.atoms.map.contains_key(name.as_slice()) {
                return Err(format!("name {i} is an index or a repeat"));
            }
            h.atoms.names.push(StrId(s));
            h.atoms.map.insert(name.as_slice().into(), i as u32);
        }
        let well_known = WELL_KNOWN
            .iter()
            .enumerate()
            .all(|(i, name)| h.atoms.map.get(name.as_bytes()) == Some(&(i as u32)));
        if !well_known {
            return Err("the image's names do not start with the well-known ones".into());
        }
        let (atoms, objects) = (h.atoms.names.len(), image.objects.len());
        let check = |v: &Value| match *v {
            Value::Str(s) if s.0 as usize >= strs => Err(format!("string {} of {strs}", s.0)),
            Value::Obj(o) if o.0 as usize >= objects => Err(format!("object {} of {objects}", o.0)),
            _ => Ok(()),
        };
        for o in image.objects {
            let mut props = Props::with_capacity(o.props.len());
            for (key, value) in o.props {
                if key.name_index().is_some_and(|i| i >= atoms) {
                    return Err(format!("name {} of {atoms}", key.0));
                }
                check(&value)?;
                props.set(key, value);
            }
            let kind = match o.native {
                Some(id) => ObjKind::Function(Func::Native {
                    id,
                    this: Value::Undefined,
                }),
                None => ObjKind::Plain,
            };
            h.alloc(Object {
                props,
                kind,
                origin: 0,
            })
            .map_err(too_large)?;
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A program heap's image, with `change` applied to it.
    fn image_with(change: impl FnOnce(&mut HeapImage)) -> Result<Heap, String> {
        let mut h = Heap::for_program(1 << 20);
        let name = h.intern(b"label").unwrap();
        let text = h.alloc_str(b"hello").unwrap();
        let mut props = Props::new();
        props.set(name, Value::Str(text));
        h.alloc(Object::plain(props)).unwrap();
        let mut image = h.image().unwrap();
        change(&mut image);
        Heap::from_image(image, 1 << 20)
    }

    #[test]
    fn a_heap_image_reads_back_with_the_same_ids() {
        let h = image_with(|_| {}).unwrap();
        let name = h.lookup_atom(b"label").unwrap();
        let Some(Value::Str(s)) = h.obj(ObjId(0)).props.get(name) else {
            panic!("the object lost its property");
        };
        assert_eq!(h.str_bytes(s), b"hello");
    }

    /// Every id an image holds is checked against what it holds.
    #[test]
    fn a_heap_image_with_ids_out_of_range_is_refused() {
        fn strs(image: &HeapImage) -> u32 {
            image.strs.len() as u32
        }
        type Change = Box<dyn FnOnce(&mut HeapImage)>;
        let cases: Vec<(&str, Change)> = vec![
            (
                "name of a missing string",
                Box::new(|i| {
                    let n = strs(i);
                    i.atoms.push(n)
                }),
            ),
            (
                "a repeated name",
                Box::new(|i| {
                    let a = i.atoms[0];
                    i.atoms.push(a)
                }),
            ),
            (
                "an index as a name",
                Box::new(|i| {
                    i.strs.push(b"7".to_vec());
                    let n = strs(i) - 1;
                    i.atoms.push(n)
                }),
            ),
            (
                "well-known names out of order",
                Box::new(|i| i.atoms.swap(0, 1)),
            ),
            (
                "a missing string",
                Box::new(|i| {
                    let n = strs(i);
                    i.objects[0].props[0].1 = Value::Str(StrId(n))
                }),
            ),
            (
                "a missing object",
                Box::new(|i| i.objects[0].props[0].1 = Value::Obj(ObjId(9))),
            ),
            (
                "a missing name",
                Box::new(|i| i.objects[0].props[0].0 = Atom(1 << 20)),
            ),
        ];
        for (what, change) in cases {
            assert!(image_with(change).is_err(), "{what} was read");
        }
    }

    #[test]
    fn strings_and_concatenation() {
        let mut h = Heap::for_program(1 << 20);
        let a = h.alloc_str(b"ab").unwrap();
        let b = h.alloc_str(b"cd").unwrap();
        let ab = h.concat(a, b).unwrap();
        assert_eq!(h.str_bytes(ab), b"abcd");
        assert_eq!(h.str_bytes(a), b"ab");
        // Appending in a loop keeps earlier values intact.
        let mut s = h.alloc_str(b"").unwrap();
        let mut kept = Vec::new();
        for i in 0..1000 {
            let piece = h.alloc_str(format!("{i},").as_bytes()).unwrap();
            s = h.concat(s, piece).unwrap();
            if i % 100 == 0 {
                kept.push((s, h.str_bytes(s).to_vec()));
            }
        }
        for (id, bytes) in kept {
            assert_eq!(h.str_bytes(id), &bytes[..]);
        }
        assert!(h.str_bytes(s).starts_with(b"0,1,2,"));
        // Linear, not quadratic: far less than 1000 × the final length.
        assert!(h.used() < 64 * 1024, "{}", h.used());
    }

    #[test]
    fn interning_and_base() {
        let mut h = Heap::for_program(1 << 20);
        assert_eq!(h.intern(b"length").unwrap(), Atom::LENGTH);
        let x = h.intern(b"x").unwrap();
        assert_eq!(h.intern(b"x").unwrap(), x);
        assert_eq!(h.intern(b"12").unwrap(), Atom::index(12).unwrap());
        let base = h.freeze();
        let mut r = Heap::from_base(&base, 1 << 20);
        assert_eq!(r.intern(b"x").unwrap(), x);
        let y = r.intern(b"y").unwrap();
        assert_ne!(x, y);
        assert_eq!(r.str_bytes(r.atom_name(y).unwrap()), b"y");
        assert_eq!(r.lookup_atom(b"z"), None);
    }

    #[test]
    fn budget() {
        let mut h = Heap::for_program(1 << 20);
        let base = {
            let _ = h.alloc_str(b"x");
            h.freeze()
        };
        let mut r = Heap::from_base(&base, 1000);
        assert!(r.alloc_str(&[b'a'; 500]).is_ok());
        assert_eq!(r.alloc_str(&[b'a'; 600]), Err(MemoryExceeded));
    }
}
