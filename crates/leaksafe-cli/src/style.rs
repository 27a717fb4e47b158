//! Terminal conventions: colour only on a terminal without `NO_COLOR`, and
//! whether a progress bar may be drawn.

use std::io::IsTerminal;

/// How to print: with or without colour, with or without live progress.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// ANSI colours allowed (stdout is a terminal and `NO_COLOR` is unset or empty).
    pub color: bool,
    /// stdout is a terminal: a progress bar may be drawn.
    pub tty: bool,
}

impl Style {
    /// Looks at stdout and `NO_COLOR` (<https://no-color.org>: any non-empty value).
    pub fn detect() -> Self {
        let tty = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: tty && !no_color,
            tty,
        }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// A good outcome (green).
    pub fn good(&self, s: &str) -> String {
        self.paint("32", s)
    }

    /// A bad outcome (red).
    pub fn bad(&self, s: &str) -> String {
        self.paint("31", s)
    }

    /// Something to notice that is neither good nor bad (yellow).
    pub fn warn(&self, s: &str) -> String {
        self.paint("33", s)
    }

    /// A heading (bold).
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }

    /// Secondary detail (dim).
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}
