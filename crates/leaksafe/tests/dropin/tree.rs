// A tree with `Rc<RefCell<_>>` children and `Weak` parent links (the shape of
// the Rust book's chapter 15.6), plus a small file-system walk over it.

#[derive(Debug)]
pub struct Node {
    pub name: String,
    pub size: u64,
    pub parent: RefCell<Weak<Node>>,
    pub children: RefCell<Vec<Rc<Node>>>,
}

impl Node {
    pub fn new(name: &str, size: u64) -> Rc<Node> {
        Rc::new(Node {
            name: name.to_string(),
            size,
            parent: RefCell::new(Weak::new()),
            children: RefCell::new(vec![]),
        })
    }
}

pub fn add_child(parent: &Rc<Node>, child: Rc<Node>) {
    *child.parent.borrow_mut() = Rc::downgrade(parent);
    parent.children.borrow_mut().push(child);
}

pub fn total_size(node: &Rc<Node>) -> u64 {
    node.size + node.children.borrow().iter().map(total_size).sum::<u64>()
}

pub fn path(node: &Rc<Node>) -> String {
    let mut parts = vec![node.name.clone()];
    let mut cur = node.parent.borrow().upgrade();
    while let Some(p) = cur {
        parts.push(p.name.clone());
        cur = p.parent.borrow().upgrade();
    }
    parts.reverse();
    parts.join("/")
}

fn walk(node: &Rc<Node>, depth: usize, out: &mut Vec<String>) {
    out.push(format!(
        "{}{} ({} bytes, strong={}, weak={})",
        "  ".repeat(depth),
        node.name,
        total_size(node),
        Rc::strong_count(node),
        Rc::weak_count(node)
    ));
    let children = node.children.borrow();
    let mut sorted: Vec<&Rc<Node>> = children.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for c in sorted {
        walk(c, depth + 1, out);
    }
}

pub fn run() -> String {
    let mut out = Vec::new();
    let root = Node::new("root", 0);
    let src = Node::new("src", 10);
    let lib = Node::new("lib.rs", 1200);
    let main = Node::new("main.rs", 300);
    let docs = Node::new("docs", 5);
    add_child(&src, lib.clone());
    add_child(&src, main);
    add_child(&root, docs.clone());
    add_child(&root, src.clone());
    add_child(&docs, Node::new("README.md", 42));
    walk(&root, 0, &mut out);
    out.push(path(&lib));
    let leaf_parent = lib.parent.borrow().upgrade().map(|p| p.name.clone());
    out.push(format!("lib.rs parent = {leaf_parent:?}"));
    let weak_src = Rc::downgrade(&src);
    drop(src);
    out.push(format!("src alive via root: {}", weak_src.upgrade().is_some()));
    root.children.borrow_mut().retain(|c| c.name != "src");
    out.push(format!("src alive after removal: {}", weak_src.upgrade().is_some()));
    out.push(format!("lib.rs orphaned: {}", lib.parent.borrow().upgrade().is_none()));
    out.push(format!("docs strong={}", Rc::strong_count(&docs)));
    out.join("\n")
}
