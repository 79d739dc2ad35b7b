//! The `salkku` binary, built inside this package so that its tests can start real server
//! processes (Cargo gives integration tests the paths of their own package's binaries only).

fn main() -> std::process::ExitCode {
    salkku::cli::main()
}
