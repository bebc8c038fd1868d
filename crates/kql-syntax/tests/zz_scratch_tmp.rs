use std::thread;
fn run(n: usize, forget: bool) -> bool {
    thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let s = format!("print {}", vec!["1"; n].join(" + "));
            let p = kql_syntax::parse(&s);
            let e = p.has_errors();
            if forget {
                std::mem::forget(p);
            }
            e
        })
        .unwrap()
        .join()
        .unwrap()
}
#[test]
fn scratch() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = std::env::var("N").unwrap().parse().unwrap();
    let forget = std::env::var("FORGET").is_ok();
    eprintln!("n={n} forget={forget} errors={}", run(n, forget));
    let _ = args;
}
