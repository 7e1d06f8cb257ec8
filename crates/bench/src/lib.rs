//! Benchmarks of the MyData platform.
//!
//! [`loadgen`] is a closed-loop HTTP load generator: a fixed number of keep-alive connections over mutual
//! TLS (HTTP/1.1, or HTTP/2 with one or more streams per connection), each sending its next request as
//! soon as the previous answer is read, for a bounded time. It reports requests per second and the
//! latency distribution. [`proc_stats`] reads another process's CPU time and memory from `/proc`, so a
//! benchmark can report the **server's** CPU per request. Loopback only: the generator refuses other
//! addresses.

pub mod loadgen;
pub mod proc_stats;
