//! std's `Arc` API added for issue 17 (§1, §3): unsizing without copying,
//! uninitialized constructors, conversions, `Error`, `Wake`. Shared cases
//! are in `tests/common/ptr_api.rs`.
#[path = "common/ptr_api.rs"]
mod common;

use leaksafe::sync::{Arc, Wake, Weak};

ptr_api_tests!(Arc, Weak);
make_mut_tests!(Arc, Weak);

#[test]
fn unsize_then_share_across_threads() {
    let a: Arc<dyn Shape> = Arc::unsize(
        Arc::new(Square(4, Tracked(0, counter()))),
        leaksafe::coerce!(),
    );
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let a = a.clone();
            std::thread::spawn(move || a.area())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 16);
    }
    assert_eq!(Arc::strong_count(&a), 1);
}

#[test]
fn error_for_arc() {
    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("outer")
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
    let e = Arc::new(Outer(std::io::Error::other("inner")));
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(e.clone());
    assert_eq!(boxed.to_string(), "outer");
    assert_eq!(boxed.source().unwrap().to_string(), "inner");
    let d: Arc<dyn std::error::Error + Send + Sync> = Arc::unsize(e, leaksafe::coerce!());
    assert!(d.source().is_some());
}

struct Flag(std::sync::atomic::AtomicUsize);

impl Wake for Flag {
    fn wake(this: Arc<Self>) {
        this.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn waker_counts_and_wakes() {
    use std::task::Waker;
    let flag = Arc::new(Flag(std::sync::atomic::AtomicUsize::new(0)));
    let waker = Waker::from(flag.clone());
    assert_eq!(Arc::strong_count(&flag), 2);
    let w2 = waker.clone();
    assert_eq!(Arc::strong_count(&flag), 3);
    w2.wake_by_ref();
    w2.wake();
    assert_eq!(Arc::strong_count(&flag), 2);
    let t = std::thread::spawn(move || waker.wake());
    t.join().unwrap();
    assert_eq!(flag.0.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert_eq!(Arc::strong_count(&flag), 1);
    let w3 = Waker::from(flag.clone());
    drop(w3);
    assert_eq!(Arc::strong_count(&flag), 1);
}

#[test]
fn waker_polls_a_future() {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll};
    struct Twice(bool);
    impl Future for Twice {
        type Output = u8;
        fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u8> {
            if self.0 {
                Poll::Ready(1)
            } else {
                self.0 = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }
    let flag = Arc::new(Flag(std::sync::atomic::AtomicUsize::new(0)));
    let waker = std::task::Waker::from(flag.clone());
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(Twice(false));
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    assert_eq!(fut.as_mut().poll(&mut cx), Poll::Ready(1));
    assert_eq!(flag.0.load(std::sync::atomic::Ordering::SeqCst), 1);
}
