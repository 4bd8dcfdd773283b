//! The `owngraph` command: dispatches to one module per subcommand under `cli/`.

mod cli;

/// mimalloc: owngraph allocates many small values (fractions, ids); it is markedly faster than
/// the system allocator for them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 2 (`mimalloc.h`, enum `mi_option_e`).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // A run is short and its memory is reused many times over: returning freed pages to the
    // system only to fault them in again costs more than keeping them (measured: 1.2 s of system
    // time on a 1 M company screen).
    // SAFETY: sets an allocator option; no pointers are involved.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    cli::run()
}
