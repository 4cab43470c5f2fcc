#pragma once
// Result<T>: the value of an expected runtime failure (see STYLE.md, Errors).
// An Error carries the errno it came from (0 when none) and a message in the
// house style: lower-case start, no trailing period, quoted names.
#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace sysknob {

struct Error {
    int code = 0;  // errno, or 0
    std::string message;
};

template <typename T> using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(std::string message, int code = 0)
{
    return tl::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace sysknob

// TRY(expr): evaluate a Result, return its error from the enclosing function.
#define SYSKNOB_CONCAT_(a, b) a##b
#define SYSKNOB_CONCAT(a, b) SYSKNOB_CONCAT_(a, b)
#define TRY_VOID(expr)                                                                                                 \
    do {                                                                                                               \
        auto&& try_result_ = (expr);                                                                                   \
        if (!try_result_) return tl::unexpected(try_result_.error());                                                  \
    } while (0)
#define TRY_ASSIGN_(tmp, lhs, expr)                                                                                    \
    auto&& tmp = (expr);                                                                                               \
    if (!tmp) return tl::unexpected(tmp.error());                                                                      \
    lhs = std::move(*tmp)
#define TRY(lhs, expr) TRY_ASSIGN_(SYSKNOB_CONCAT(try_tmp_, __LINE__), lhs, expr)
