//! The `salkku` command: see `salkku --help`.

fn main() -> std::process::ExitCode {
    salkku::cli::main()
}
