#pragma once
// Objects that live until the process exits and are never destroyed.
//
// sysknob is a short-lived command. A glob over thousands of interfaces
// leaves tens of thousands of map nodes and strings in the plan and the
// states; freeing them one by one just before exit cost more than reading
// them (bench/, W4: a quarter of a no-op apply). Like git's UNLEAK, the
// objects stay reachable from a global table, so leak checkers (ASan's
// LeakSanitizer in the sanitizer build) do not report them. Only for
// objects whose destructors release nothing but memory.
#include <utility>

namespace sysknob::util {

void remember_until_exit(void* object);

// Constructs a T on the heap that is never destroyed.
template <class T, class... Args> T& make_until_exit(Args&&... args)
{
    auto* object = new T(std::forward<Args>(args)...);
    remember_until_exit(object);
    return *object;
}

}  // namespace sysknob::util
