//! The client's connections: HTTP/2 where the server offers it (Google's front ends do, by
//! ALPN), with no more requests on one connection than such a server serves at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The most requests a client sends at once on one HTTP/2 connection: the
/// `SETTINGS_MAX_CONCURRENT_STREAMS` Google's front ends announce (and the figure HTTP/2
/// recommends as the least a server allows). hyper, under reqwest, queues requests past a
/// connection's limit rather than open another connection
/// (<https://github.com/hyperium/hyper/issues/2197>), so that one connection with a hundred
/// server-side `wait`s in flight would hold back every other request for up to two minutes;
/// the client opens another connection instead, as Google's gRPC clients keep a pool.
pub(crate) const STREAMS_PER_CONNECTION: usize = 100;

/// HTTP stacks with a pool each ("lanes"): one HTTP/2 connection per host on each, so that a
/// lane carries at most [`STREAMS_PER_CONNECTION`] requests at once. A lane is added when
/// every lane is full, and requests go to the first lane with room, so that connections stay
/// as few as the requests in flight need. Over HTTP/1.1 each request in flight has a
/// connection of its own whatever the lane.
pub(crate) struct Lanes<C = reqwest::Client> {
    make: Box<dyn Fn() -> Option<C> + Send + Sync>,
    /// Never empty: the first lane is made with the client.
    lanes: Mutex<Vec<Lane<C>>>,
}

#[derive(Clone)]
struct Lane<C> {
    http: C,
    in_flight: Arc<AtomicUsize>,
}

/// A request's place on a lane, given back when dropped.
pub(crate) struct Place<C = reqwest::Client> {
    http: C,
    in_flight: Arc<AtomicUsize>,
}

impl<C> Place<C> {
    /// The HTTP stack to send the request on.
    pub(crate) fn http(&self) -> &C {
        &self.http
    }
}

impl<C> Drop for Place<C> {
    fn drop(&mut self) {
        self.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

impl<C: Clone> Lanes<C> {
    /// Lanes made by `make`, the first of them `first`. `make` gives `None` when it cannot
    /// make another (the first one's settings worked, so it should not happen): the requests
    /// then share the lanes there are.
    pub(crate) fn new(first: C, make: impl Fn() -> Option<C> + Send + Sync + 'static) -> Self {
        Lanes {
            make: Box::new(make),
            lanes: Mutex::new(vec![Lane::new(first)]),
        }
    }

    /// A place for one request: on the first lane with room, else on a new lane.
    pub(crate) fn place(&self) -> Place<C> {
        let mut lanes = self
            .lanes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let lane = match lanes
            .iter()
            .find(|l| l.in_flight.load(Ordering::Acquire) < STREAMS_PER_CONNECTION)
        {
            Some(lane) => lane.clone(),
            None => match (self.make)() {
                Some(http) => {
                    let lane = Lane::new(http);
                    lanes.push(lane.clone());
                    lane
                }
                None => lanes.iter().fold(lanes[0].clone(), |least, l| {
                    let load = |l: &Lane<C>| l.in_flight.load(Ordering::Acquire);
                    if load(l) < load(&least) {
                        l.clone()
                    } else {
                        least
                    }
                }),
            },
        };
        lane.in_flight.fetch_add(1, Ordering::AcqRel);
        Place {
            http: lane.http,
            in_flight: lane.in_flight,
        }
    }

    /// How many lanes there are.
    #[cfg(test)]
    fn count(&self) -> usize {
        self.lanes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }
}

impl<C> Lane<C> {
    fn new(http: C) -> Self {
        Lane {
            http,
            in_flight: Arc::new(AtomicUsize::new(0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lanes whose HTTP stacks are numbered in the order they were made.
    fn lanes(can_make: bool) -> Lanes<usize> {
        let made = AtomicUsize::new(1);
        Lanes::new(0, move || {
            can_make.then(|| made.fetch_add(1, Ordering::Relaxed))
        })
    }

    #[test]
    fn a_lane_is_added_only_when_every_lane_is_full() {
        let lanes = lanes(true);
        let mut places: Vec<Place<usize>> =
            (0..STREAMS_PER_CONNECTION).map(|_| lanes.place()).collect();
        assert_eq!(lanes.count(), 1);
        places.push(lanes.place());
        assert_eq!(lanes.count(), 2);
        assert_eq!(*places[STREAMS_PER_CONNECTION].http(), 1);
        // 1,000 requests at once take ten lanes: ten HTTP/2 connections to a host.
        places.extend((places.len()..1000).map(|_| lanes.place()));
        assert_eq!(lanes.count(), 10);
        // Places given back are taken again before any lane is added.
        places.truncate(900);
        places.extend((0..100).map(|_| lanes.place()));
        assert_eq!(lanes.count(), 10);
        assert!(places[900..].iter().all(|p| *p.http() == 9));
        // With room on the first lane again, it is the one taken.
        places.swap_remove(0);
        assert_eq!(*lanes.place().http(), 0);
    }

    #[test]
    fn without_a_new_lane_requests_share_the_least_busy() {
        let lanes = lanes(false);
        let places: Vec<Place<usize>> = (0..STREAMS_PER_CONNECTION + 5)
            .map(|_| lanes.place())
            .collect();
        assert_eq!(lanes.count(), 1);
        assert!(places.iter().all(|p| *p.http() == 0));
    }
}
