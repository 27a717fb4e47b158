// A plugin list of trait objects: `Vec<Box<dyn Plugin>>` run in order, and
// shared `Rc<dyn Plugin>` handles kept in a registry.

pub trait Plugin {
    fn name(&self) -> &str;
    fn apply(&self, input: &str) -> String;
}

struct Upper;
struct Reverse;
struct Repeat(usize);

impl Plugin for Upper {
    fn name(&self) -> &str {
        "upper"
    }
    fn apply(&self, input: &str) -> String {
        input.to_uppercase()
    }
}
impl Plugin for Reverse {
    fn name(&self) -> &str {
        "reverse"
    }
    fn apply(&self, input: &str) -> String {
        input.chars().rev().collect()
    }
}
impl Plugin for Repeat {
    fn name(&self) -> &str {
        "repeat"
    }
    fn apply(&self, input: &str) -> String {
        input.repeat(self.0)
    }
}

pub fn run() -> String {
    let chain: Vec<Box<dyn Plugin>> = vec![Box::new(Upper), Box::new(Reverse), Box::new(Repeat(2))];
    let mut out = Vec::new();
    let mut s = String::from("leak");
    for p in &chain {
        s = p.apply(&s);
        out.push(format!("{} -> {s}", p.name()));
    }
    // Shared handles: a registry and a "favourites" list point at the same plugins.
    let registry: Vec<Rc<dyn Plugin>> = chain.into_iter().map(Rc::from).collect();
    let favourites: Vec<Rc<dyn Plugin>> = registry.iter().filter(|p| p.name() != "upper").cloned().collect();
    for p in &registry {
        out.push(format!("{} shared by {}", p.name(), Rc::strong_count(p)));
    }
    let names: Vec<&str> = favourites.iter().map(|p| p.name()).collect();
    out.push(format!("favourites {names:?}"));
    let boxed: Box<dyn Plugin> = Box::new(Repeat(3));
    let shared: Rc<dyn Plugin> = Rc::from(boxed);
    out.push(shared.apply("ab"));
    out.join("\n")
}
