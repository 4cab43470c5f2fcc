#pragma once
// `sysknob import --take-over`: applies the imported profile and, in the
// same snapshot, moves the files it came from aside and masks the
// package-owned ones (import/take_over.hpp has the rules). Changes the
// system; prints.
#include <map>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "import/imported.hpp"

namespace sysknob::cli {

struct TakeOverSources {
    // import's file label -> logical path (without --root); "" for a file
    // outside --root, which cannot be taken over
    std::map<std::string, std::string> logical;
    bool tuned = false;  // a tuned profile was among the sources
};

// `text` is the profile the import gives now; `imported` what it read.
int run_take_over(const ImportOptions& o, Context& ctx, const import::Imported& imported, const std::string& text,
                  const TakeOverSources& sources);

}  // namespace sysknob::cli
