//! The `leaksafe` command. (Filled in by the CLI issue.)

fn main() {
    println!("leaksafe: tour and audit coming");
}
