// Vec-heavy text processing: tokenise, count, sort, dedup, drain, splice,
// retain, windows and chunks.

pub fn run() -> String {
    let text = "It was the best of times, it was the worst of times, it was the age of \
                wisdom, it was the age of foolishness, it was the epoch of belief";
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    let mut out = Vec::new();
    out.push(format!("{} words", words.len()));

    let mut sorted = words.clone();
    sorted.sort();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for w in &sorted {
        match counts.last_mut() {
            Some((last, n)) if last == w => *n += 1,
            _ => counts.push((w.clone(), 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.push(format!("top: {:?}", &counts[..4]));

    sorted.dedup();
    out.push(format!("distinct: {}", sorted.len()));
    let pos = sorted.binary_search(&"times".to_string());
    out.push(format!("times at {pos:?}"));

    let first_clause: Vec<String> = words.drain(..6).collect();
    out.push(format!("drained {:?}, {} left", first_clause, words.len()));
    let removed: Vec<String> = words
        .splice(0..2, ["IT".to_string(), "WAS".to_string(), "TRULY".to_string()])
        .collect();
    out.push(format!("spliced out {removed:?}"));
    words.retain(|w| w.len() > 2);
    words.truncate(10);
    out.push(format!("kept {words:?}"));

    let lens: Vec<usize> = words.iter().map(String::len).collect();
    let rising = lens.windows(2).filter(|w| w[0] < w[1]).count();
    let chunk_sums: Vec<usize> = lens.chunks(3).map(|c| c.iter().sum()).collect();
    out.push(format!("rising pairs {rising}, chunk sums {chunk_sums:?}"));

    let mut bytes: Vec<u8> = Vec::with_capacity(16);
    bytes.extend_from_slice(b"times");
    bytes.insert(0, b'<');
    bytes.push(b'>');
    bytes.reverse();
    out.push(format!("bytes {}", String::from_utf8_lossy(&bytes)));
    let (short, long): (Vec<String>, Vec<String>) = words.into_iter().partition(|w| w.len() < 4);
    out.push(format!("short {short:?} long {long:?}"));
    let mut grid = vec![vec![0u8; 3]; 2];
    grid[1][2] = 9;
    out.push(format!("grid {grid:?} eq {}", grid == vec![vec![0, 0, 0], vec![0, 0, 9]]));
    out.join("\n")
}
