//! `mydata`: one binary for every role of the MyData platform. See the `mydata_cli` library.

fn main() -> std::process::ExitCode {
    mydata_cli::main()
}
