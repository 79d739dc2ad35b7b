//! The `salkku` command: see `salkku --help`.

// A page of applications allocates thousands of small objects (field values, JSON): glibc's
// malloc took a large share of the service's CPU time under load, mimalloc much less (see
// docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    salkku::cli::main()
}
