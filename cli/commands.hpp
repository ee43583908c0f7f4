// Each subcommand registers its options on the CLI11 app and returns the function that runs it.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace sevproof::cli {

using runner = std::function<int()>;
runner add_verify(CLI::App& app);
runner add_report(CLI::App& app);
runner add_kds_urls(CLI::App& app);
runner add_measure(CLI::App& app);
runner add_id_block(CLI::App& app);
runner add_key_digest(CLI::App& app);
runner add_sev(CLI::App& app);
runner add_openstack(CLI::App& app);

}  // namespace sevproof::cli
