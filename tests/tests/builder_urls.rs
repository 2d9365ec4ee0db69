//! Every builder of every service, made from the generator's sample arguments, gives the URL
//! the generator wrote from the same arguments: the builders' path templates, parameter order
//! and expansions, checked once here rather than by a doc example on each builder.

use google_operations::prelude::*;

/// One builder made from its sample arguments.
struct Check {
    /// The builder, as `module::Type`.
    builder: &'static str,
    /// What its `new` gave, as the request's URL.
    url: Result<String, google_operations::Error>,
    /// The URL the generator wrote from the same arguments.
    expected: &'static str,
}

/// The checks of one service's builders.
type Checks = fn() -> Vec<Check>;

include!(concat!(env!("OUT_DIR"), "/builder_urls.rs"));

#[test]
fn every_builder_makes_the_url_of_its_sample_arguments() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (module, checks) in SERVICES {
        let checks = checks();
        assert!(
            !checks.is_empty(),
            "{module}: no builder has sample arguments"
        );
        for check in checks {
            checked += 1;
            match check.url {
                Ok(url) if url == check.expected => {}
                Ok(url) => wrong.push(format!(
                    "{}: {url}, expected {}",
                    check.builder, check.expected
                )),
                Err(e) => wrong.push(format!("{}: {e}", check.builder)),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} builders:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // Every service of the build is among them.
    for service in google_operations::SERVICES {
        let module = format!("{}_{}", service.name, service.version).replace(['.', '-'], "_");
        assert!(
            SERVICES.iter().any(|(m, _)| *m == module),
            "{module} has no checks"
        );
    }
}
