#include "kernel/machine.hpp"

#include <limits>
#include <string>

#include "util/strings.hpp"

namespace sysknob::kernel {

namespace {

std::optional<uint64_t> kb_field(std::string_view text, std::string_view name)
{
    size_t pos = 0;
    while ((pos = text.find(name, pos)) != std::string_view::npos) {
        bool at_line_start = pos == 0 || text[pos - 1] == '\n';
        if (at_line_start && pos + name.size() < text.size() && text[pos + name.size()] == ':') {
            auto end = text.find('\n', pos);
            auto line = text.substr(pos + name.size() + 1, end == std::string_view::npos ? end : end - pos - name.size() - 1);
            auto fields = util::split_ws(line);
            if (fields.empty()) return std::nullopt;
            auto n = util::parse_i64(fields[0]);
            if (!n || *n < 0) return std::nullopt;
            uint64_t unit = fields.size() > 1 && fields[1] == "kB" ? 1024 : 1;
            return static_cast<uint64_t>(*n) * unit;
        }
        pos += name.size();
    }
    return std::nullopt;
}

}  // namespace

void parse_meminfo(std::string_view text, Machine& into)
{
    into.mem_total_bytes = kb_field(text, "MemTotal");
    into.swap_total_bytes = kb_field(text, "SwapTotal");
    into.committed_as_bytes = kb_field(text, "Committed_AS");
    into.hugepage_bytes = kb_field(text, "Hugepagesize");
}

std::optional<int64_t> parse_file_nr(std::string_view text)
{
    auto fields = util::split_ws(text);
    if (fields.empty()) return std::nullopt;
    return util::parse_i64(fields[0]);
}

std::optional<uint64_t> parse_size(std::string_view text)
{
    if (text.empty()) return std::nullopt;
    uint64_t mult = 1;
    switch (text.back()) {
    case 'K': case 'k': mult = 1ull << 10; break;
    case 'M': case 'm': mult = 1ull << 20; break;
    case 'G': case 'g': mult = 1ull << 30; break;
    case 'T': case 't': mult = 1ull << 40; break;
    default: break;
    }
    if (mult != 1) text.remove_suffix(1);
    auto n = util::parse_i64(text);
    if (!n || *n <= 0 || static_cast<uint64_t>(*n) > std::numeric_limits<uint64_t>::max() / mult) return std::nullopt;
    return static_cast<uint64_t>(*n) * mult;
}

}  // namespace sysknob::kernel
