#pragma once
// Parsers for the /proc files machine-aware lint rules read. Pure: they
// take the text; ports/machine_probe.hpp reads it.
#include <optional>
#include <string_view>

#include "kernel/target.hpp"

namespace sysknob::kernel {

// MemTotal, SwapTotal, Committed_AS and Hugepagesize of /proc/meminfo
// ("Name:   1234 kB"); fields that are missing stay unset.
void parse_meminfo(std::string_view text, Machine& into);

// The first field of fs.file-nr ("allocated  free  max").
std::optional<int64_t> parse_file_nr(std::string_view text);

// "4G", "512M", "1024K" or plain bytes; nullopt for anything else.
std::optional<uint64_t> parse_size(std::string_view text);

}  // namespace sysknob::kernel
